// The ops console's operator sign-in against the real PostgreSQL (issue 11): scrypt passwords,
// lock-out after five wrong ones, sessions with a CSRF token, sign-out, and every step audited.
import { randomBytes } from 'node:crypto';
import { startTestService, testActors, type CallResult, type TestService } from '@countypay/testing';
import type { Actor } from '@countypay/service-kit';
import { AppsModule } from '../apps/apps.module';
import { CoreModule } from '../common/core.module';
import { OnboardingConfig } from '../config/onboarding.config';
import { migrations } from '../data-source';
import { OperatorsModule } from '../operators/operators.module';
import { TenantsModule } from '../tenants/tenants.module';
import { testOnboardingConfig } from '../testing/onboarding-test-service';
import { ConsoleAccountsConfig } from './console-accounts.config';
import { ConsoleAccountsModule } from './console-accounts.module';

const T1 = 't510121';
const T2 = 't510116';
const BOOT_PASSWORD = 'bootstrap console password';
const province = testActors.province();
let svc: TestService;

function call(method: string, path: string, actor: Actor | null, body?: unknown): Promise<CallResult> {
  return svc.call(method, path, { ...(actor ? { actor } : { asGateway: true }), ...(body !== undefined ? { body } : {}) });
}

async function countyOperator(tenantId: string, username: string, password: string): Promise<string> {
  const created = await call('POST', '/admin/operators', province, { role: 'county', tenantId, name: `${username} desk` });
  expect(created.status).toBe(201);
  const set = await call('POST', `/admin/operators/${created.body.operatorId}/console-login`, province, { username, password });
  expect(set.status).toBe(200);
  return created.body.operatorId as string;
}

const signIn = (username: string, password: string): Promise<CallResult> => call('POST', '/internal/console/sign-in', null, { username, password });

beforeAll(async () => {
  const config = testOnboardingConfig({ COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN: `cpo_${randomBytes(32).toString('base64url')}` } as Partial<OnboardingConfig>);
  svc = await startTestService({
    service: 'onboarding',
    migrations,
    imports: [CoreModule, OperatorsModule, TenantsModule, AppsModule, ConsoleAccountsModule],
    override: (b) =>
      b
        .overrideProvider(OnboardingConfig)
        .useValue(config)
        .overrideProvider(ConsoleAccountsConfig)
        .useValue(Object.assign(new ConsoleAccountsConfig(), { COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD: BOOT_PASSWORD })),
  });
}, 90_000);

afterAll(async () => {
  await svc?.close();
});

describe('console sign-in', () => {
  it('gives the bootstrap province operator the login `province`', async () => {
    const ok = await signIn('province', BOOT_PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.body.operator).toMatchObject({ role: 'province', tenantId: null, username: 'province' });
  });

  it('signs a county operator in with its password, stored only as a scrypt hash, and refuses a wrong one alike for unknown names', async () => {
    const operatorId = await countyOperator(T1, 'jintang.ops', 'correct horse battery');
    const rows = await svc.schema.adminQuery<{ password_hash: string }>(`select password_hash from operators where operator_id = $1`, [operatorId]);
    expect(rows[0]!.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(rows[0]!.password_hash).not.toContain('correct horse battery');

    const ok = await signIn('jintang.ops', 'correct horse battery');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ operator: { operatorId, role: 'county', tenantId: T1, username: 'jintang.ops' } });
    expect(ok.body.sessionToken).toMatch(/^cps_[A-Za-z0-9_-]{43}$/);
    const sessions = await svc.schema.adminQuery<{ row: string }>(`select row_to_json(s)::text as row from console_sessions s`);
    expect(sessions.some((s) => s.row.includes(ok.body.sessionToken) || s.row.includes(ok.body.csrfToken))).toBe(false);

    for (const [name, pw] of [
      ['jintang.ops', 'wrong password!!'],
      ['nobody.here', 'correct horse battery'],
    ]) {
      const r = await signIn(name!, pw!);
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('invalid_credentials');
      expect(r.body.error.message).toBe('the user name or the password is wrong');
    }
  });

  it('locks the account on the fifth wrong password: even the right one is refused until a province operator resets it', async () => {
    const operatorId = await countyOperator(T2, 'xindu.ops', 'xindu password 1');
    for (let i = 1; i <= 4; i++) expect((await signIn('xindu.ops', `wrong ${i} password`)).status).toBe(401);
    const fifth = await signIn('xindu.ops', 'wrong 5 password');
    expect(fifth.status).toBe(423);
    expect(fifth.body.error.code).toBe('account_locked');
    const right = await signIn('xindu.ops', 'xindu password 1');
    expect(right.status).toBe(423);

    // a county operator may not reset a login; the province may, which unlocks it
    const byCounty = await call('POST', `/admin/operators/${operatorId}/console-login`, testActors.county(T2, 'op'), {
      username: 'xindu.ops',
      password: 'x'.repeat(12),
    });
    expect(byCounty.status).toBe(403);
    const reset = await call('POST', `/admin/operators/${operatorId}/console-login`, province, { username: 'xindu.ops', password: 'xindu password 2' });
    expect(reset.body).toEqual({ operatorId, username: 'xindu.ops', lockedUntil: null });
    expect((await signIn('xindu.ops', 'xindu password 2')).status).toBe(200);

    const audit = await call('GET', `/admin/audit?entity=operator&entityId=${operatorId}&limit=50`, province);
    const actions = (audit.body.data as Array<{ action: string }>).map((a) => a.action);
    expect(actions.filter((a) => a === 'console.sign_in_failed')).toHaveLength(5);
    expect(actions).toEqual(
      expect.arrayContaining(['console.account_locked', 'console.sign_in_refused_locked', 'operator.console_login_set', 'console.signed_in']),
    );
  });

  it('resolves a session, demands its CSRF token on unsafe requests (audited), and ends it on sign-out', async () => {
    const operatorId = await countyOperator(T1, 'jintang.desk', 'desk password 1');
    const { sessionToken, csrfToken } = (await signIn('jintang.desk', 'desk password 1')).body as { sessionToken: string; csrfToken: string };

    const read = await call('POST', '/internal/console/session', null, { sessionToken, method: 'GET', path: '/v1/merchants' });
    expect(read.status).toBe(200);
    expect(read.body.operator).toMatchObject({ operatorId, role: 'county', tenantId: T1 });

    const noCsrf = await call('POST', '/internal/console/session', null, { sessionToken, method: 'POST', path: '/v1/admin/merchants/x/approve' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('invalid_csrf_token');
    const wrongCsrf = await call('POST', '/internal/console/session', null, { sessionToken, csrfToken: 'x'.repeat(43), method: 'POST', path: '/v1/x' });
    expect(wrongCsrf.status).toBe(403);
    const write = await call('POST', '/internal/console/session', null, { sessionToken, csrfToken, method: 'POST', path: '/v1/admin/merchants/x/approve' });
    expect(write.status).toBe(200);

    const audit = await call('GET', `/admin/audit?entity=operator&entityId=${operatorId}&limit=50`, province);
    expect(audit.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'console.action', after: { method: 'POST', path: '/v1/admin/merchants/x/approve' } })]),
    );

    expect((await call('POST', '/internal/console/sign-out', null, { sessionToken })).status).toBe(204);
    const after = await call('POST', '/internal/console/session', null, { sessionToken, method: 'GET', path: '/v1/merchants' });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('invalid_console_session');
    expect((await call('POST', '/internal/console/session', null, { sessionToken: 'cps_forged', method: 'GET' })).status).toBe(401);
  });

  it('refuses a taken user name and a short password at the field', async () => {
    const created = await call('POST', '/admin/operators', province, { role: 'county', tenantId: T1, name: 'dup' });
    const taken = await call('POST', `/admin/operators/${created.body.operatorId}/console-login`, province, {
      username: 'jintang.ops',
      password: 'another password',
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.param).toBe('username');
    const short = await call('POST', `/admin/operators/${created.body.operatorId}/console-login`, province, { username: 'dup.ops', password: 'short' });
    expect(short.status).toBe(400);
    expect(short.body.error.param).toBe('password');
  });
});
