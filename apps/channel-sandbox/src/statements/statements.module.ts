import { Module } from '@nestjs/common';
import { StatementInjections } from '../domain/statement-injection';
import { StatementInjectionsController, StatementsController } from './statements.controller';
import { StatementsRepository } from './statements.repository';
import { StatementsService } from './statements.service';

@Module({ controllers: [StatementsController, StatementInjectionsController], providers: [StatementsRepository, StatementsService, StatementInjections] })
export class StatementsModule {}
