import { Module } from '@nestjs/common';
import { AppsModule } from '../apps/apps.module';
import { PartnersController } from './partners.controller';
import { PartnersRepository } from './partners.repository';
import { PartnersService } from './partners.service';

@Module({ imports: [AppsModule], controllers: [PartnersController], providers: [PartnersRepository, PartnersService] })
export class PartnersModule {}
