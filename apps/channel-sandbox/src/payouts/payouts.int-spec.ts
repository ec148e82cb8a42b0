import { randomUUID } from 'node:crypto';
import { startTestService, type CallResult, type TestService } from '@countypay/testing';
import { CoreBankingModule } from '../core-banking/core-banking.module';
import { migrations } from '../data-source';
import { SandboxPayoutsModule } from './payouts.module';

const T = 't510121';
const OTHER = 't511381';

describe('sandbox core banking: settlement payouts (real PostgreSQL)', () => {
  let svc: TestService;
  const call = (method: string, path: string, body?: unknown): Promise<CallResult> => svc.call(method, path, { body });
  const account = async (holderName: string, tenantId = T): Promise<string> => {
    const accountNo = `62${String(Math.floor(Math.random() * 1e12)).padStart(12, '0')}`;
    const r = await call('POST', `/core/${tenantId}/accounts`, { accountNo, holderName, balanceFen: 0 });
    expect(r.status).toBe(201);
    return accountNo;
  };
  const balance = async (accountNo: string, tenantId = T): Promise<number> => (await call('GET', `/core/${tenantId}/accounts/${accountNo}`)).body.balanceFen;
  const pay = (accountNo: string, accountName: string, amountFen: number, instructionId = `PO-${randomUUID()}`, tenantId = T): Promise<CallResult> =>
    call('POST', `/core/${tenantId}/settlement-payouts`, { instructionId, accountNo, accountName, amountFen });

  beforeAll(async () => {
    svc = await startTestService({ service: 'sandbox', migrations, imports: [CoreBankingModule, SandboxPayoutsModule] });
  });
  afterAll(() => svc?.close());

  it('credits the merchant account once per instruction id; the same id with another amount is refused', async () => {
    const acc = await account('好运来超市');
    const id = `PO-${randomUUID()}`;
    const first = await pay(acc, '好运来超市', 99_620, id);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ instructionId: id, status: 'succeeded', failureReason: null, amountFen: 99_620 });
    const again = await pay(acc, '好运来超市', 99_620, id);
    expect(again.body).toEqual(first.body);
    expect(await balance(acc)).toBe(99_620);
    const mismatch = await pay(acc, '好运来超市', 1, id);
    expect(mismatch.status).toBe(409);
    expect(mismatch.body.error.code).toBe('reference_mismatch');
    expect((await call('GET', `/core/${T}/settlement-payouts/${id}`)).body).toEqual(first.body);
    expect((await call('GET', `/core/${OTHER}/settlement-payouts/${id}`)).status).toBe(404);
  });

  it('fails a payout to a missing account, a closed account (scenario) and on a holder-name mismatch, crediting nothing', async () => {
    const acc = await account('金堂县好运来餐馆');
    expect((await pay(acc, '好运来餐馆', 500)).body).toMatchObject({ status: 'failed', failureReason: 'name_mismatch' });
    expect((await pay('6200000000000001', '谁', 500)).body).toMatchObject({ status: 'failed', failureReason: 'account_not_found' });
    expect((await call('POST', `/admin/core/${T}/payout-scenarios`, { behaviour: 'account_closed', accountNo: acc })).status).toBe(201);
    expect((await pay(acc, '金堂县好运来餐馆', 500)).body).toMatchObject({ status: 'failed', failureReason: 'account_closed' });
    expect(await balance(acc)).toBe(0);
    expect((await call('DELETE', `/admin/core/${T}/payout-scenarios?accountNo=${acc}`)).body).toEqual({ cleared: 1 });
    expect((await pay(acc, '金堂县好运来餐馆', 500)).body).toMatchObject({ status: 'succeeded' });
    expect(await balance(acc)).toBe(500);
  });

  it('times out after making the payout (the query finds it) or before (the query finds nothing; the same id then pays once)', async () => {
    const acc = await account('春风茶馆');
    await call('POST', `/admin/core/${T}/payout-scenarios`, { behaviour: 'timeout_after_processing', accountNo: acc });
    const lost = `PO-${randomUUID()}`;
    const r1 = await pay(acc, '春风茶馆', 700, lost);
    expect(r1.status).toBe(504);
    expect(r1.body.error.code).toBe('channel_timeout');
    expect((await call('GET', `/core/${T}/settlement-payouts/${lost}`)).body).toMatchObject({ status: 'succeeded', amountFen: 700 });
    expect(await balance(acc)).toBe(700);

    await call('POST', `/admin/core/${T}/payout-scenarios`, { behaviour: 'timeout_before_processing', accountNo: acc });
    const never = `PO-${randomUUID()}`;
    expect((await pay(acc, '春风茶馆', 300, never)).status).toBe(504);
    expect((await call('GET', `/core/${T}/settlement-payouts/${never}`)).status).toBe(404);
    expect((await pay(acc, '春风茶馆', 300, never)).body).toMatchObject({ status: 'succeeded' });
    expect((await pay(acc, '春风茶馆', 300, never)).body).toMatchObject({ status: 'succeeded' });
    expect(await balance(acc)).toBe(1_000);
  });

  it('refuses malformed input with 400', async () => {
    expect((await call('POST', `/core/${T}/settlement-payouts`, { instructionId: 'bad id!', accountNo: '1', accountName: '', amountFen: -1 })).status).toBe(
      400,
    );
    expect((await call('POST', `/admin/core/${T}/payout-scenarios`, { behaviour: 'account_closed' })).status).toBe(400);
  });
});
