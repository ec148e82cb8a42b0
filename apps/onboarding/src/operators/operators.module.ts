import { Module } from '@nestjs/common';
import { OperatorsController } from './operators.controller';
import { OperatorsRepository } from './operators.repository';
import { OperatorsService } from './operators.service';

@Module({ controllers: [OperatorsController], providers: [OperatorsRepository, OperatorsService], exports: [OperatorsService] })
export class OperatorsModule {}
