import { Module } from '@nestjs/common';
import { CoreBankingController } from './core-banking.controller';
import { CoreBankingRepository } from './core-banking.repository';
import { CoreBankingService } from './core-banking.service';

@Module({ controllers: [CoreBankingController], providers: [CoreBankingRepository, CoreBankingService], exports: [CoreBankingService] })
export class CoreBankingModule {}
