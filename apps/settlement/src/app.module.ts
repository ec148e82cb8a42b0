import { Global, Module } from '@nestjs/common';
import {
  CreditDrawdownCreatedV1,
  CreditCashRefundedV1,
  CreditDrawdownRefundedV1,
  CreditDrawdownReversedV1,
  CreditRepaymentReceivedV1,
  PaymentClosedV1,
  PaymentFailedV1,
  PaymentSucceededV1,
  RefundFailedV1,
  RefundSucceededV1,
  SplitReleasedV1,
  SplitReversedV1,
  SplitSucceededV1,
} from '@countypay/contracts';
import { on } from '@countypay/messaging';
import { ServiceKitModule, SUBSCRIPTIONS } from '@countypay/service-kit';
import { entities, migrations } from './data-source';
import { LedgerModule } from './ledger/ledger.module';
import { LedgerService } from './ledger/ledger.service';
import { PayoutsModule } from './payouts/payouts.module';
import { ReconciliationModule } from './reconciliation/reconciliation.module';
import { ReconciliationService } from './reconciliation/reconciliation.service';
import { ReportsModule } from './reports/reports.module';
import { SettlementBatchesModule } from './settlement-batches/settlement-batches.module';
import { OnboardingReadModel } from '@countypay/read-models';
import { SettlementReadModelModule } from './read-model';

/**
 * The ledger's postings of a consumer's batch are written at its commit, one statement per tenant
 * (balance-batch.ts, issue 14).
 */
const AT_COMMIT = { atCommit: true } as const;

/**
 * The consumer group's subscriptions. Global and exported: the service kit's messaging
 * lifecycle (inside ServiceKitModule) injects SUBSCRIPTIONS, and a provider of the AppModule
 * alone is not visible there.
 */
@Global()
@Module({
  imports: [SettlementReadModelModule, LedgerModule, ReconciliationModule],
  providers: [
    {
      provide: SUBSCRIPTIONS,
      useFactory: (ledger: LedgerService, tenants: OnboardingReadModel, recon: ReconciliationService) => [
        ...tenants.subscriptions(),
        on(PaymentSucceededV1, async (event, em) => void (await ledger.onPaymentSucceeded(event, em, AT_COMMIT))),
        on(RefundSucceededV1, async (event, em) => void (await ledger.onRefundSucceeded(event, em, AT_COMMIT))),
        on(SplitSucceededV1, async (event, em) => void (await ledger.onSplitSucceeded(event, em, AT_COMMIT))),
        on(SplitReleasedV1, async (event, em) => void (await ledger.onSplitReleased(event, em, AT_COMMIT))),
        on(SplitReversedV1, async (event, em) => void (await ledger.onSplitReversed(event, em, AT_COMMIT))),
        // the credit loan book (credit-postings.ts); a failed repayment moves no money and posts nothing
        on(CreditDrawdownCreatedV1, async (event, em) => void (await ledger.onCreditDrawdownCreated(event, em, AT_COMMIT))),
        on(CreditDrawdownReversedV1, async (event, em) => void (await ledger.onCreditDrawdownReversed(event, em, AT_COMMIT))),
        on(CreditDrawdownRefundedV1, async (event, em) => void (await ledger.onCreditDrawdownRefunded(event, em, AT_COMMIT))),
        on(CreditRepaymentReceivedV1, async (event, em) => void (await ledger.onCreditRepaymentReceived(event, em, AT_COMMIT))),
        on(CreditCashRefundedV1, async (event, em) => void (await ledger.onCreditCashRefunded(event, em, AT_COMMIT))),
        // reconciliation's read model of the platform's movements (reconciliation.service.ts)
        on(PaymentSucceededV1, async (event, em) => void (await recon.onPaymentSucceeded(event, em))),
        on(PaymentClosedV1, async (event, em) => void (await recon.onPaymentEnded(event, em))),
        on(PaymentFailedV1, async (event, em) => void (await recon.onPaymentEnded(event, em))),
        on(RefundSucceededV1, async (event, em) => void (await recon.onRefund(event, em, 'succeeded'))),
        on(RefundFailedV1, async (event, em) => void (await recon.onRefund(event, em, 'closed'))),
      ],
      inject: [LedgerService, OnboardingReadModel, ReconciliationService],
    },
  ],
  exports: [SUBSCRIPTIONS],
})
export class SettlementSubscriptionsModule {}

@Module({
  imports: [
    // settlement.posted is awaited by no one on the payment's path: the relay lets 250 ms of
    // commits gather per round (≈ one consumer commit per payment at 15/s was a round each, issue 14)
    ServiceKitModule.forRoot({ service: 'settlement', migrations, entities, outboxGatherMs: 250 }),
    LedgerModule,
    SettlementBatchesModule,
    PayoutsModule,
    ReportsModule,
    ReconciliationModule,
    SettlementSubscriptionsModule,
  ],
})
export class AppModule {}
