import { Module } from '@nestjs/common';
import { MerchantReviewController, MerchantsController } from './merchants.controller';
import { MerchantsRepository } from './merchants.repository';
import { MerchantsService } from './merchants.service';

@Module({ controllers: [MerchantsController, MerchantReviewController], providers: [MerchantsRepository, MerchantsService] })
export class MerchantsModule {}
