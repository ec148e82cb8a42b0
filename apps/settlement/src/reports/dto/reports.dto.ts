import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Min, ValidateNested } from 'class-validator';
import { ApiSchema, Nullable } from '@countypay/service-kit';

export class DailyReportQuery {
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: '$property must be a date YYYY-MM-DD' })
  @ApiSchema({ description: 'the business date (its batch must have been cut off)', examples: ['2026-11-28'] })
  businessDate!: string;
}

/** The money figures of a report row: a product and channel's day, a county's day, the province's day. */
export class ReportFigures {
  @IsInt()
  @Min(0)
  paymentCount!: number;

  @IsInt()
  @Min(0)
  paymentsFen!: number;

  @IsInt()
  @Min(0)
  refundCount!: number;

  @IsInt()
  @Min(0)
  refundsFen!: number;

  @IsInt()
  @ApiSchema({ description: 'fees charged, less fees returned on refunds', examples: [38] })
  feesFen!: number;

  @IsInt()
  @ApiSchema({ description: 'payments − refunds − fees (a day: + splits + credit sales + adjustments)', examples: [9962] })
  netFen!: number;
}

export class DailyReportLine extends ReportFigures {
  @IsInt()
  @ApiSchema({ description: 'profit sharing: splits in (escrow → payable, shares and releases) − splits out (reversals)', examples: [0] })
  splitsFen!: number;

  @IsInt()
  @ApiSchema({ description: 'credit drawdowns paid to merchants, less their reversals and refunds', examples: [0] })
  creditSalesFen!: number;

  @IsInt()
  @ApiSchema({ description: 'reconciliation adjustments and make-up orders (signed)', examples: [0] })
  adjustmentsFen!: number;

  @IsString()
  @ApiSchema({ description: 'qr, acquiring, credit', examples: ['qr'] })
  product!: string;

  @IsString()
  @ApiSchema({ description: 'wechat, alipay, unionpay, county_bank', examples: ['wechat'] })
  channel!: string;
}

export class DailyReportLedgerCheck {
  @IsInt()
  @ApiSchema({ description: "net fee income posted by the day's entries (from the postings)", examples: [38] })
  feeIncomeFen!: number;

  @IsInt()
  @ApiSchema({ description: "net merchant payable posted by the entries the day's batch cleared (from the postings)", examples: [9962] })
  merchantPayableFen!: number;

  @IsInt()
  @ApiSchema({ description: "bank clearing credited by the batch's succeeded payouts (from the postings)", examples: [9962] })
  paidOutFen!: number;

  @IsBoolean()
  @ApiSchema({ description: 'the report figures equal the ledger postings', examples: [true] })
  ties!: boolean;
}

@ApiSchema({
  examples: [
    {
      businessDate: '2026-11-28',
      settlementDate: '2026-11-29',
      batchId: '6a1f3c2e-9b7d-4e21-8c55-0f3e7a9d2b41',
      batchStatus: 'settled',
      lines: [
        {
          product: 'qr',
          channel: 'wechat',
          paymentCount: 1,
          paymentsFen: 10000,
          refundCount: 0,
          refundsFen: 0,
          feesFen: 38,
          splitsFen: 0,
          creditSalesFen: 0,
          adjustmentsFen: 0,
          netFen: 9962,
        },
      ],
      totals: {
        product: '*',
        channel: '*',
        paymentCount: 1,
        paymentsFen: 10000,
        refundCount: 0,
        refundsFen: 0,
        feesFen: 38,
        splitsFen: 0,
        creditSalesFen: 0,
        adjustmentsFen: 0,
        netFen: 9962,
      },
      merchantCount: 1,
      payoutPlannedFen: 9962,
      paidOutFen: 9962,
      payoutsFailed: 0,
      heldFen: 0,
      reserveFen: 0,
      ledger: { feeIncomeFen: 38, merchantPayableFen: 9962, paidOutFen: 9962, ties: true },
      currency: 'CNY',
      openReconciliationCases: 0,
      generatedAt: '2026-11-29T02:00:00.000Z',
    },
  ],
})
export class DailyReport {
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  settlementDate!: string;

  @IsUUID()
  batchId!: string;

  @IsString()
  batchStatus!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => DailyReportLine)
  @ApiSchema({ description: 'by product and channel' })
  lines!: DailyReportLine[];

  @ValidateNested()
  @Type(() => DailyReportLine)
  @ApiSchema({ description: "the day's totals (product and channel '*')" })
  totals!: DailyReportLine;

  @IsInt()
  @Min(0)
  merchantCount!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ payouts the batch planned (after holds and reserves)', examples: [9962] })
  payoutPlannedFen!: number;

  @IsInt()
  @ApiSchema({ description: 'Σ payouts the bank made', examples: [9962] })
  paidOutFen!: number;

  @IsInt()
  @Min(0)
  @ApiSchema({ description: 'merchants whose latest payout attempt failed', examples: [0] })
  payoutsFailed!: number;

  @IsInt()
  heldFen!: number;

  @IsInt()
  reserveFen!: number;

  @ValidateNested()
  @Type(() => DailyReportLedgerCheck)
  ledger!: DailyReportLedgerCheck;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsInt()
  @Min(0)
  @ApiSchema({ description: "the county's reconciliation cases (差错) still open when the report was made, across every channel and date", examples: [0] })
  openReconciliationCases!: number;

  @IsISO8601({ strict: true })
  generatedAt!: string;
}

/** One county's figures of a business date in the province roll-up. */
export class ProvinceReportCounty extends ReportFigures {
  @Matches(/^t\d{6}$/)
  tenantId!: string;

  @IsString()
  @ApiSchema({ description: "the county bank's short name", examples: ['金堂农商行'] })
  name!: string;

  @Nullable()
  @IsString()
  @ApiSchema({ description: "the date's batch status; null when the county has not cut the date off", examples: ['settled'] })
  batchStatus!: string | null;

  @IsInt()
  @Min(0)
  paidOutFen!: number;

  @IsInt()
  @Min(0)
  openReconciliationCases!: number;

  @Nullable()
  @IsBoolean()
  @ApiSchema({ description: "the county's report ties to its ledger (null without a batch)", examples: [true] })
  ledgerTies!: boolean | null;
}

export class ProvinceReportTotals extends ReportFigures {
  @IsInt()
  @Min(0)
  countiesCutOff!: number;

  @IsInt()
  @Min(0)
  paidOutFen!: number;

  @IsInt()
  @Min(0)
  openReconciliationCases!: number;
}

@ApiSchema({
  examples: [
    {
      businessDate: '2026-11-28',
      counties: [
        {
          tenantId: 't510121',
          name: '金堂农商行',
          batchStatus: 'settled',
          paymentCount: 1,
          paymentsFen: 10000,
          refundCount: 0,
          refundsFen: 0,
          feesFen: 38,
          netFen: 9962,
          paidOutFen: 9962,
          openReconciliationCases: 0,
          ledgerTies: true,
        },
      ],
      totals: {
        countiesCutOff: 1,
        paymentCount: 1,
        paymentsFen: 10000,
        refundCount: 0,
        refundsFen: 0,
        feesFen: 38,
        netFen: 9962,
        paidOutFen: 9962,
        openReconciliationCases: 0,
      },
      currency: 'CNY',
      generatedAt: '2026-11-29T02:00:00.000Z',
    },
  ],
})
export class ProvinceReport {
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  businessDate!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => ProvinceReportCounty)
  @ApiSchema({ description: 'every county of the province, in the order of the reference list' })
  counties!: ProvinceReportCounty[];

  @ValidateNested()
  @Type(() => ProvinceReportTotals)
  totals!: ProvinceReportTotals;

  @IsIn(['CNY'])
  currency!: 'CNY';

  @IsISO8601({ strict: true })
  generatedAt!: string;
}
