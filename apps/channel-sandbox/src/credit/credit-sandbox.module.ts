import { Module } from '@nestjs/common';
import { CoreBankingModule } from '../core-banking/core-banking.module';
import { CreditSandboxController } from './credit-sandbox.controller';

@Module({ imports: [CoreBankingModule], controllers: [CreditSandboxController] })
export class CreditSandboxModule {}
