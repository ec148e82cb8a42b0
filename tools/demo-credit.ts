// `npm run demo -- credit`: credit payment (信用支付) from a partner's and a county bank's point of
// view, against a RUNNING platform (`npm start`, whose credit business clock is manual — the sandbox
// profile). Onboards a partner app and a county operator, sets up a credit product, opens a deposit
// account in the sandbox's core banking, applies for a line with the customer's SMS consent, gets it
// approved, buys on credit in 3 installments, advances the county's business clock through the
// statement date and the due date (the automatic debit repays the first installment) and prints the
// schedule, the statement, the repayment and the ledger's postings.
import { type CountypayClient } from '@countypay/sdk';
import { WebhookReceiver, onboardPartner, openCountyAccount, randomDigits, uniq, until, yuan } from '../test/load/platform-setup';

interface Installment {
  period: number;
  dueDate: string;
  principalFen: number;
  interestFen: number;
  totalFen: number;
  state: string;
}
interface Posting {
  account: string;
  direction: 'debit' | 'credit';
  amountFen: number;
}
interface Entry {
  id: string;
  sourceType: string;
  amountFen: number;
  postedAt: string;
  postings: Posting[];
}

const line = (label: string, value: unknown): void => console.log(`  ${label.padEnd(18)} ${String(value)}`);
const heading = (title: string): void => console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);

function printSchedule(schedule: readonly Installment[]): void {
  console.log(`    ${'#'.padEnd(3)} ${'due'.padEnd(11)} ${'principal'.padStart(12)} ${'interest'.padStart(10)} ${'total'.padStart(12)}  state`);
  for (const i of schedule)
    console.log(
      `    ${String(i.period).padEnd(3)} ${i.dueDate.padEnd(11)} ${yuan(i.principalFen).padStart(12)} ${yuan(i.interestFen).padStart(10)} ${yuan(i.totalFen).padStart(12)}  ${i.state}`,
    );
}

function printEntry(e: Entry): void {
  line('entry', `${e.id} (${e.sourceType}, ${yuan(e.amountFen)}, posted ${e.postedAt})`);
  for (const p of e.postings) {
    const dr = p.direction === 'debit' ? yuan(p.amountFen).padStart(12) : ''.padStart(12);
    const cr = p.direction === 'credit' ? yuan(p.amountFen).padStart(12) : ''.padStart(12);
    console.log(`    ${p.direction === 'debit' ? 'Dr' : 'Cr'} ${p.account.padEnd(40)} ${dr} ${cr}`);
  }
}

async function ledgerEntry(county: { request: CountypayClient['request'] }, orderId: string): Promise<Entry> {
  return until(
    `the ledger to post ${orderId}`,
    async () => (await county.request<{ data: Entry[] }>('GET', '/v1/ledger/entries', { query: { orderId } })).data[0],
    30_000,
    300,
  );
}

export async function creditDemo(o: { baseUrl: string; operatorToken: string; tenantId: string; webhookPort: number }): Promise<void> {
  const gatewayPort = Number(new URL(o.baseUrl).port || 80);
  const sandbox = (process.env.COUNTYPAY_SANDBOX_URL ?? `http://127.0.0.1:${gatewayPort + 6}`).replace(/\/+$/, '');
  const region = o.tenantId.slice(1);
  const hooks = new WebhookReceiver();
  await hooks.start(o.webhookPort);
  console.log(`countypay demo: credit payment through ${o.baseUrl} (tenant ${o.tenantId}, core banking sandbox ${sandbox})`);

  heading('1. onboarding (province operator → partner app with credit:pay; county operator)');
  const on = await onboardPartner(
    { baseUrl: o.baseUrl, operatorToken: o.operatorToken },
    { tenantId: o.tenantId, name: `Demo county market ${uniq()}`, appCount: 1, callbackUrl: hooks.url, scopes: ['credit:pay', 'refunds:write'] },
  );
  const app = on.apps[0]!;
  hooks.secrets.set(app.appId, app.webhookSecret);
  line('partner', on.partnerId);
  line('app', `${app.appId} (scopes credit:pay, refunds:write)`);
  line('webhooks to', hooks.url);
  await until(
    'the gateway to know the app',
    async () =>
      app.client.request('GET', '/v1/credit/lines').then(
        () => true,
        () => undefined,
      ),
    30_000,
    300,
  );

  heading('2. the county bank sets up a credit product (惠农贷, 18 % a year, ceiling 24 %)');
  const product = await on.county.request<{ id: string; code: string }>('POST', '/v1/credit/products', {
    body: {
      code: `DEMO-${uniq()}`,
      name: '惠农贷 (demo)',
      method: 'equal_installment',
      annualRateBp: 1_800,
      monthlyFeeBp: 0,
      installmentCounts: [1, 3, 6, 12],
      interestFreeDays: 50,
      statementDay: 1,
      dueDay: 20,
      graceDays: 3,
      penaltyMultiplierBp: 15_000,
      minPaymentPrincipalBp: 1_000,
    },
  });
  line('product', `${product.id} ${product.code}: statement on the 1st, due on the 20th, 3 grace days`);

  heading('3. the customer applies through the partner app (SMS consent), the county approves ¥50,000.00');
  const accountNo = await openCountyAccount(sandbox, o.tenantId, 10_000_000);
  line('deposit account', `${accountNo.slice(0, 4)}****${accountNo.slice(-4)} with ${yuan(10_000_000)} (sandbox core banking)`);
  const mobile = `139${randomDigits(8)}`;
  const application = await app.client.request<{ id: string; mobileMasked: string }>('POST', '/v1/credit/applications', {
    body: {
      customerRef: `demo-${uniq()}`,
      customerName: '王二小',
      mobile,
      region: `${region}101`,
      productId: product.id,
      requestedLimitFen: 5_000_000,
      repaymentAccountNo: accountNo,
    },
  });
  const code = await until(
    'the consent SMS',
    async () => {
      const r = (await (await fetch(`${sandbox}/credit-sms/${o.tenantId}/messages?mobile=${mobile}`)).json()) as { data: Array<{ text: string }> };
      return /(\d{6})/.exec(r.data[0]?.text ?? '')?.[1];
    },
    10_000,
    200,
  );
  line('application', `${application.id} (SMS code sent to ${application.mobileMasked})`);
  await app.client.request('POST', `/v1/credit/applications/${application.id}/consent`, { body: { smsCode: code } });
  const approved = await on.county.request<{ lineId: string }>('POST', `/v1/credit/applications/${application.id}/approve`, {
    body: { limitFen: 5_000_000, expiresOn: '2029-12-31', reason: '经营稳定，授信通过' },
  });
  line('credit line', `${approved.lineId}: limit ${yuan(5_000_000)}, active`);

  heading('4. buy seed and fertiliser for ¥1,200.00 on credit, in 3 installments');
  const quote = await app.client.request<{ aprPercent: string; costFen: number; schedule: Installment[] }>(
    'POST',
    `/v1/credit/lines/${approved.lineId}/quote`,
    {
      body: { amountFen: 120_000, installments: 3 },
    },
  );
  line('APR (年化利率)', `${quote.aprPercent}, cost ${yuan(quote.costFen)} — shown before the customer confirms`);
  const loan = await app.client.request<{ loanId: string; drawdownDate: string; schedule: Installment[] }>(
    'POST',
    `/v1/credit/lines/${approved.lineId}/payments`,
    {
      body: { outTradeNo: `demo-${uniq()}`, amountFen: 120_000, installments: 3 },
    },
  );
  line('drawdown', `${loan.loanId} on ${loan.drawdownDate}`);
  printSchedule(loan.schedule);
  printEntry(await ledgerEntry(on.county, loan.loanId));

  heading("5. advance the county's business clock through the statement date and the first due date");
  const settings = await on.county.request<{ businessDate: string }>('GET', '/v1/credit/settings');
  const due = loan.schedule[0]!.dueDate;
  const days = Math.round((Date.parse(due) - Date.parse(settings.businessDate)) / 86_400_000);
  const before = ((await (await fetch(`${sandbox}/core/${o.tenantId}/accounts/${accountNo}`)).json()) as { balanceFen: number }).balanceFen;
  await on.county.request('POST', '/v1/credit/clock/advance', { body: { days } });
  line('business date', `${settings.businessDate} → ${due} (${days} days; the daily jobs ran for each)`);
  const statements = await app.client.request<{
    data: Array<{ id: string; statementDate: string; dueDate: string; totalDueFen: number; minimumPaymentFen: number }>;
  }>('GET', `/v1/credit/lines/${approved.lineId}/statements`);
  for (const s of statements.data)
    line('statement', `${s.id} of ${s.statementDate}: ${yuan(s.totalDueFen)} due by ${s.dueDate} (minimum ${yuan(s.minimumPaymentFen)})`);
  const after = ((await (await fetch(`${sandbox}/core/${o.tenantId}/accounts/${accountNo}`)).json()) as { balanceFen: number }).balanceFen;
  line('automatic debit', `${yuan(before - after)} taken from the deposit account on ${due}`);
  const repaid = await until(
    'the repayment webhook',
    async () => hooks.received.find((w) => w.event.type === 'credit.repayment-received' && (w.event.data as { lineId?: string }).lineId === approved.lineId),
    30_000,
    300,
  );
  const r = repaid.event.data as { repaymentId: string; amountFen: number; principalFen: number; interestFen: number };
  line(
    'webhook',
    `${repaid.event.type} (${repaid.verified ? 'signature valid' : 'INVALID signature'}): principal ${yuan(r.principalFen)}, interest ${yuan(r.interestFen)}`,
  );
  const after3 = await app.client.request<{ schedule: Installment[]; outstandingPrincipalFen: number }>('GET', `/v1/credit/drawdowns/${loan.loanId}`);
  printSchedule(after3.schedule);
  line('outstanding', yuan(after3.outstandingPrincipalFen));

  heading('6. the ledger of the county (double entry: loans receivable, interest income, customer deposits)');
  printEntry(await ledgerEntry(on.county, r.repaymentId));
  const tb = await on.county.request<{ balanced: boolean; debitsFen: number; creditsFen: number }>('GET', '/v1/ledger/trial-balance');
  line('trial balance', `debits ${yuan(tb.debitsFen)} = credits ${yuan(tb.creditsFen)}: ${tb.balanced ? 'balanced' : 'NOT BALANCED'}`);
  await hooks.stop();
}
