import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { ApiError, COUNTIES } from '@countypay/contracts';
import { inTenantTransaction } from '@countypay/persistence';
import { isBusinessDate } from '../domain/business-day';
import { grossOf } from '../domain/clearing';
import { ReconciliationRepository } from '../reconciliation/reconciliation.repository';
import { SettlementBatchesRepository } from '../settlement-batches/settlement-batches.repository';
import type { DailyReport, DailyReportLine, ProvinceReport, ProvinceReportCounty } from './dto/reports.dto';
import { ReportsRepository } from './reports.repository';

function n(v: bigint): number {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  if (v > max || v < -max) throw new RangeError('amount out of the safe range');
  return Number(v);
}

const yuan = (fen: number): string => `${fen < 0 ? '-' : ''}${Math.floor(Math.abs(fen) / 100)}.${String(Math.abs(fen) % 100).padStart(2, '0')}`;

/**
 * A county's daily settlement report: the entries its batch cleared by product and channel, the
 * batch's payouts, and the same figures read back from the ledger's postings (`ledger.ties`).
 * As JSON, CSV (amounts in yuan, Chinese headers first) and XLSX.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: ReportsRepository,
    private readonly batches: SettlementBatchesRepository,
    private readonly recon: ReconciliationRepository,
  ) {}

  async daily(tenantId: string, businessDate: string): Promise<DailyReport> {
    if (!isBusinessDate(businessDate)) throw new ApiError('invalid_request', 'businessDate must be a calendar date YYYY-MM-DD', 'businessDate');
    return inTenantTransaction(this.ds, tenantId, async (em) => {
      const b = await this.batches.findBatchByDate(em, businessDate);
      if (!b || b.status === 'aborted')
        throw new ApiError('not_found', `business date ${businessDate} has no settlement batch (not cut off yet?)`, 'businessDate');
      const rows = await this.repo.lines(em, tenantId, b.id);
      const lines: DailyReportLine[] = rows.map((r) => ({
        product: r.product,
        channel: r.channel,
        paymentCount: r.paymentCount,
        paymentsFen: n(r.paymentsFen),
        refundCount: r.refundCount,
        refundsFen: n(r.refundsFen),
        feesFen: n(r.feesFen),
        splitsFen: n(r.splitsInFen - r.splitsOutFen),
        creditSalesFen: n(r.creditSalesFen),
        adjustmentsFen: n(r.adjustmentsFen),
        netFen: n(grossOf(r) - r.feesFen),
      }));
      const totals = lines.reduce(
        (t, l) => ({
          ...t,
          paymentCount: t.paymentCount + l.paymentCount,
          paymentsFen: t.paymentsFen + l.paymentsFen,
          refundCount: t.refundCount + l.refundCount,
          refundsFen: t.refundsFen + l.refundsFen,
          feesFen: t.feesFen + l.feesFen,
          splitsFen: t.splitsFen + l.splitsFen,
          creditSalesFen: t.creditSalesFen + l.creditSalesFen,
          adjustmentsFen: t.adjustmentsFen + l.adjustmentsFen,
          netFen: t.netFen + l.netFen,
        }),
        {
          product: '*',
          channel: '*',
          paymentCount: 0,
          paymentsFen: 0,
          refundCount: 0,
          refundsFen: 0,
          feesFen: 0,
          splitsFen: 0,
          creditSalesFen: 0,
          adjustmentsFen: 0,
          netFen: 0,
        },
      );
      const ledger = await this.repo.ledger(em, tenantId, b.id);
      const paidOut = await this.repo.paidOut(em, tenantId, b.id);
      const payouts = await this.repo.payoutSums(em, b.id);
      const ties = n(ledger.feeIncomeFen) === totals.feesFen && n(ledger.merchantPayableFen) === totals.netFen && paidOut === payouts.succeededFen;
      return {
        businessDate,
        settlementDate: b.settlementDate,
        batchId: b.id,
        batchStatus: b.status,
        lines,
        totals,
        merchantCount: b.itemCount,
        payoutPlannedFen: n(b.payoutFen),
        paidOutFen: n(payouts.succeededFen),
        payoutsFailed: payouts.failedMerchants,
        heldFen: n(b.heldFen),
        reserveFen: n(b.reserveFen),
        ledger: { feeIncomeFen: n(ledger.feeIncomeFen), merchantPayableFen: n(ledger.merchantPayableFen), paidOutFen: n(paidOut), ties },
        currency: 'CNY',
        openReconciliationCases: await this.recon.openCaseCount(em),
        generatedAt: new Date().toISOString(),
      };
    });
  }

  /**
   * The province roll-up of a business date: every county's figures from its own daily report (each
   * read in that county's own transaction, row-level security as for its operators), a county
   * without a batch for the date listed with zeros, and the province's totals.
   */
  async province(businessDate: string): Promise<ProvinceReport> {
    if (!isBusinessDate(businessDate)) throw new ApiError('invalid_request', 'businessDate must be a calendar date YYYY-MM-DD', 'businessDate');
    const counties: ProvinceReportCounty[] = [];
    for (const c of COUNTIES) {
      let r: DailyReport | undefined;
      try {
        r = await this.daily(c.tenantId, businessDate);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'not_found')) throw e;
      }
      const open = r ? r.openReconciliationCases : await inTenantTransaction(this.ds, c.tenantId, (em) => this.recon.openCaseCount(em));
      counties.push({
        tenantId: c.tenantId,
        name: c.shortName,
        batchStatus: r?.batchStatus ?? null,
        paymentCount: r?.totals.paymentCount ?? 0,
        paymentsFen: r?.totals.paymentsFen ?? 0,
        refundCount: r?.totals.refundCount ?? 0,
        refundsFen: r?.totals.refundsFen ?? 0,
        feesFen: r?.totals.feesFen ?? 0,
        netFen: r?.totals.netFen ?? 0,
        paidOutFen: r?.paidOutFen ?? 0,
        openReconciliationCases: open,
        ledgerTies: r ? r.ledger.ties : null,
      });
    }
    const sum = (pick: (c: ProvinceReportCounty) => number): number => counties.reduce((t, c) => t + pick(c), 0);
    return {
      businessDate,
      counties,
      totals: {
        countiesCutOff: counties.filter((c) => c.batchStatus !== null).length,
        paymentCount: sum((c) => c.paymentCount),
        paymentsFen: sum((c) => c.paymentsFen),
        refundCount: sum((c) => c.refundCount),
        refundsFen: sum((c) => c.refundsFen),
        feesFen: sum((c) => c.feesFen),
        netFen: sum((c) => c.netFen),
        paidOutFen: sum((c) => c.paidOutFen),
        openReconciliationCases: sum((c) => c.openReconciliationCases),
      },
      currency: 'CNY',
      generatedAt: new Date().toISOString(),
    };
  }

  async provinceCsv(businessDate: string): Promise<string> {
    const r = await this.province(businessDate);
    const header = [
      '县 county',
      '名称 name',
      '批次状态 batch',
      '支付笔数 payments',
      '支付金额(元) payments (yuan)',
      '退款笔数 refunds',
      '退款金额(元) refunds (yuan)',
      '手续费(元) fees (yuan)',
      '净额(元) net (yuan)',
      '已付款(元) paid out (yuan)',
      '未结差错 open cases',
    ];
    const row = (c: Omit<ProvinceReportCounty, 'ledgerTies'>): Array<string | number> => [
      c.tenantId,
      c.name,
      c.batchStatus ?? '',
      c.paymentCount,
      yuan(c.paymentsFen),
      c.refundCount,
      yuan(c.refundsFen),
      yuan(c.feesFen),
      yuan(c.netFen),
      yuan(c.paidOutFen),
      c.openReconciliationCases,
    ];
    return stringify([header, ...r.counties.map(row), row({ ...r.totals, tenantId: '*', name: '全省 province', batchStatus: null })]);
  }

  async dailyCsv(tenantId: string, businessDate: string): Promise<string> {
    const r = await this.daily(tenantId, businessDate);
    const header = [
      '产品 product',
      '渠道 channel',
      '支付笔数 payments',
      '支付金额(元) payments (yuan)',
      '退款笔数 refunds',
      '退款金额(元) refunds (yuan)',
      '手续费(元) fees (yuan)',
      '分账(元) splits (yuan)',
      '信用付(元) credit sales (yuan)',
      '调账(元) adjustments (yuan)',
      '净额(元) net (yuan)',
    ];
    const rows = [...r.lines, r.totals].map((l) => [
      l.product,
      l.channel,
      l.paymentCount,
      yuan(l.paymentsFen),
      l.refundCount,
      yuan(l.refundsFen),
      yuan(l.feesFen),
      yuan(l.splitsFen),
      yuan(l.creditSalesFen),
      yuan(l.adjustmentsFen),
      yuan(l.netFen),
    ]);
    return stringify([
      header,
      ...rows,
      [],
      ['应付款(元) payouts planned (yuan)', yuan(r.payoutPlannedFen)],
      ['已付款(元) paid out (yuan)', yuan(r.paidOutFen)],
      ['付款失败 payouts failed', r.payoutsFailed],
      ['未结差错 open reconciliation cases', r.openReconciliationCases],
    ]);
  }

  async dailyXlsx(tenantId: string, businessDate: string): Promise<Buffer> {
    const r = await this.daily(tenantId, businessDate);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(`结算日报 ${businessDate}`);
    ws.addRow(['产品', '渠道', '支付笔数', '支付金额(元)', '退款笔数', '退款金额(元)', '手续费(元)', '分账(元)', '信用付(元)', '调账(元)', '净额(元)']);
    for (const l of [...r.lines, r.totals])
      ws.addRow([
        l.product,
        l.channel,
        l.paymentCount,
        l.paymentsFen / 100,
        l.refundCount,
        l.refundsFen / 100,
        l.feesFen / 100,
        l.splitsFen / 100,
        l.creditSalesFen / 100,
        l.adjustmentsFen / 100,
        l.netFen / 100,
      ]);
    ws.addRow([]);
    ws.addRow(['应付款(元)', r.payoutPlannedFen / 100]);
    ws.addRow(['已付款(元)', r.paidOutFen / 100]);
    ws.addRow(['付款失败', r.payoutsFailed]);
    ws.addRow(['未结差错', r.openReconciliationCases]);
    for (const c of [4, 6, 7, 8, 9, 10, 11]) ws.getColumn(c).numFmt = '#,##0.00';
    return Buffer.from(await wb.xlsx.writeBuffer());
  }
}
