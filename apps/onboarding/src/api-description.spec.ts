import { describeServices, type DescribedApi } from '@countypay/service-kit';
import { AppModule } from './app.module';

/**
 * onboarding's part of the public API, as the OpenAPI generator reads it from the controllers.
 * Adding, removing or moving a route must change the list below: it is deliberate.
 */
const OPERATIONS = [
  // partners' apps: merchants, stores, terminals
  'POST /v1/merchants createMerchant',
  'GET /v1/merchants listMerchants',
  'GET /v1/merchants/{merchantId} getMerchant',
  'PATCH /v1/merchants/{merchantId} updateMerchant',
  'POST /v1/merchants/{merchantId}/stores createStore',
  'GET /v1/stores/{storeId} getStore',
  'POST /v1/stores/{storeId}/terminals createTerminal',
  // operator console: merchant review
  'POST /v1/admin/merchants/{merchantId}/approve approveMerchant',
  'POST /v1/admin/merchants/{merchantId}/reject rejectMerchant',
  'POST /v1/admin/merchants/{merchantId}/suspend suspendMerchant',
  'POST /v1/admin/merchants/{merchantId}/resume resumeMerchant',
  'POST /v1/admin/merchants/{merchantId}/close closeMerchant',
  // operator console: operators
  'POST /v1/admin/operators createOperator',
  'GET /v1/admin/operators listOperators',
  'POST /v1/admin/operators/{operatorId}/disable disableOperator',
  'POST /v1/admin/operators/{operatorId}/console-login setOperatorConsoleLogin',
  // operator console: tenants and their config
  'GET /v1/admin/tenants listTenants',
  'GET /v1/admin/tenants/{tenantId} getTenant',
  'PATCH /v1/admin/tenants/{tenantId}/config updateTenantConfig',
  'POST /v1/admin/tenants/{tenantId}/suspend suspendTenant',
  'POST /v1/admin/tenants/{tenantId}/resume resumeTenant',
  // operator console: partners, their apps and credentials
  'POST /v1/admin/partners createPartner',
  'GET /v1/admin/partners listPartners',
  'GET /v1/admin/partners/{partnerId} getPartner',
  'POST /v1/admin/partners/{partnerId}/suspend suspendPartner',
  'POST /v1/admin/partners/{partnerId}/resume resumePartner',
  'POST /v1/admin/partners/{partnerId}/apps createApp',
  'GET /v1/admin/apps listApps',
  'GET /v1/admin/apps/{appId} getApp',
  'PATCH /v1/admin/apps/{appId} updateApp',
  'POST /v1/admin/apps/{appId}/suspend suspendApp',
  'POST /v1/admin/apps/{appId}/resume resumeApp',
  'POST /v1/admin/apps/{appId}/credentials rotateAppCredential',
  // operator console: audit log
  'GET /v1/admin/audit listAuditEntries',
];

/** Actions that take no body: the path says everything (all of them POST …/suspend, /resume, /disable). */
const BODYLESS = [
  'POST /v1/admin/operators/{operatorId}/disable',
  'POST /v1/admin/tenants/{tenantId}/suspend',
  'POST /v1/admin/tenants/{tenantId}/resume',
  'POST /v1/admin/partners/{partnerId}/suspend',
  'POST /v1/admin/partners/{partnerId}/resume',
  'POST /v1/admin/apps/{appId}/suspend',
  'POST /v1/admin/apps/{appId}/resume',
];

describe('onboarding API description', () => {
  let api: DescribedApi;

  it('describes every public route without an error', () => {
    api = describeServices([{ service: 'onboarding', module: AppModule, publicPrefix: '/v1' }]);
  });

  it('describes exactly the listed operations (internal routes, health and metrics are not public)', () => {
    expect(api.operations.map((o) => `${o.method} ${o.path} ${o.doc.operationId}`).sort()).toEqual([...OPERATIONS].sort());
    for (const o of api.operations) expect(o.path).not.toMatch(/\/internal\//);
  });

  it('has the response schema of every operation', () => {
    for (const o of api.operations) {
      expect('schemaName' in o.response).toBe(true);
      if ('schemaName' in o.response) expect(api.schemas[o.response.schemaName]).toBeDefined();
    }
  });

  it('has a request body schema on every POST and PATCH but the bodyless actions', () => {
    for (const o of api.operations.filter((x) => x.method === 'POST' || x.method === 'PATCH')) {
      const route = `${o.method} ${o.path}`;
      if (BODYLESS.includes(route)) expect({ route, body: o.requestBody }).toEqual({ route, body: undefined });
      else expect({ route, body: o.requestBody && api.schemas[o.requestBody.schemaName] !== undefined }).toEqual({ route, body: true });
    }
  });

  it('open to apps only with merchants:read or merchants:write, and the console routes to operators only', () => {
    for (const o of api.operations) {
      expect(o.access.kind).toBe('actors');
      if (o.access.kind !== 'actors') continue;
      if (o.path.startsWith('/v1/admin/')) expect(o.access.actors).not.toContain('app');
      else expect(o.access.scopes.length).toBeGreaterThan(0);
    }
  });

  it('lets a tenant config change name exactly the fields of a tenant config', () => {
    const props = (name: string): string[] => Object.keys((api.schemas[name]?.properties ?? {}) as object).sort();
    expect(props('UpdateTenantConfigRequest')).toEqual(props('TenantConfig'));
    expect(props('UpdateTenantConfigRequest').length).toBeGreaterThan(5);
  });

  it('documents the settlement account type and its rules', () => {
    const input = api.schemas.MerchantSettlementAccountInput as { required: string[]; properties: Record<string, { enum?: string[]; description?: string }> };
    expect(input.required).toContain('accountType');
    expect(input.properties.accountType?.enum).toEqual(['debit_card', 'corporate_account']);
    expect(input.properties.accountType?.description).toMatch(/Luhn.*8 to 32 digits/s);
    const shown = api.schemas.MerchantSettlementAccount as { properties: Record<string, unknown> };
    expect(Object.keys(shown.properties).sort()).toEqual(['accountName', 'accountNo', 'accountType', 'bankName']);
  });
});
