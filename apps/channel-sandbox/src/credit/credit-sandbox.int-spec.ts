/** The credit simulators of the channel sandbox (SMS gateway, repayment debits) against the real PostgreSQL. */
import { startTestService, type TestService } from '@countypay/testing';
import { migrations } from '../data-source';
import { CreditSandboxModule } from './credit-sandbox.module';

const T = 't510122';
let svc: TestService;

beforeAll(async () => {
  svc = await startTestService({ service: 'sbxcredit', migrations, imports: [CreditSandboxModule] });
}, 60_000);

afterAll(async () => {
  await svc?.close();
});

it('keeps the SMS sent to a mobile, newest first, per tenant', async () => {
  expect((await svc.call('POST', `/credit-sms/${T}/messages`, { body: { mobile: '13800138000', text: '验证码 111111' } })).status).toBe(202);
  await svc.call('POST', `/credit-sms/${T}/messages`, { body: { mobile: '13800138000', text: '验证码 222222' } });
  const got = await svc.call('GET', `/credit-sms/${T}/messages?mobile=13800138000`);
  expect(got.body.data.map((m: { text: string }) => m.text)).toEqual(['验证码 222222', '验证码 111111']);
  expect((await svc.call('GET', `/credit-sms/t510129/messages?mobile=13800138000`)).body.data).toEqual([]);
  expect((await svc.call('POST', `/credit-sms/${T}/messages`, { body: { mobile: '123', text: 'x' } })).status).toBe(400);
});

it('debits a repayment once per reference and declines a short balance', async () => {
  expect((await svc.call('POST', `/core/${T}/accounts`, { body: { accountNo: '6222000011112222', holderName: '张三', balanceFen: 1_000 } })).status).toBe(201);
  const d = { accountNo: '6222000011112222', amountFen: 600, reference: 'loan-1:1:2026-04-20' };
  expect((await svc.call('POST', `/core/${T}/credit-debits`, { body: d })).body).toEqual({ status: 'succeeded', reference: d.reference });
  expect((await svc.call('POST', `/core/${T}/credit-debits`, { body: d })).body.status).toBe('succeeded');
  expect((await svc.call('GET', `/core/${T}/accounts/6222000011112222`)).body.balanceFen).toBe(400);
  const short = await svc.call('POST', `/core/${T}/credit-debits`, { body: { ...d, reference: 'loan-1:2:2026-05-20' } });
  expect(short.body).toEqual({ status: 'declined', reference: 'loan-1:2:2026-05-20', reason: 'insufficient_funds' });
  expect((await svc.call('POST', `/core/${T}/credit-debits`, { body: { ...d, amountFen: 1 } })).body.error.code).toBe('reference_mismatch');
});

it('credits a cash refund of credit once per reference, answers it to a query, and fails (recording nothing) on a missing account', async () => {
  expect((await svc.call('POST', `/core/${T}/accounts`, { body: { accountNo: '6222000033334444', holderName: '李四', balanceFen: 500 } })).status).toBe(201);
  const r = { accountNo: '6222000033334444', amountFen: 2_000, reference: 'refund-7f3c' };
  expect((await svc.call('GET', `/core/${T}/credit-refunds/${r.reference}`)).status).toBe(404);
  expect((await svc.call('POST', `/core/${T}/credit-refunds`, { body: r })).body).toEqual({ status: 'succeeded', reference: r.reference });
  expect((await svc.call('POST', `/core/${T}/credit-refunds`, { body: r })).body.status).toBe('succeeded');
  expect((await svc.call('GET', `/core/${T}/accounts/6222000033334444`)).body.balanceFen).toBe(2_500);
  expect((await svc.call('GET', `/core/${T}/credit-refunds/${r.reference}`)).body).toEqual({ status: 'succeeded', reference: r.reference, amountFen: 2_000 });
  expect((await svc.call('POST', `/core/${T}/credit-refunds`, { body: { ...r, amountFen: 1 } })).body.error.code).toBe('reference_mismatch');
  const missing = await svc.call('POST', `/core/${T}/credit-refunds`, { body: { ...r, accountNo: '6222000099990000', reference: 'refund-none' } });
  expect(missing.body).toEqual({ status: 'failed', reference: 'refund-none', reason: 'account_not_found' });
  expect((await svc.call('GET', `/core/${T}/credit-refunds/refund-none`)).status).toBe(404);
});
