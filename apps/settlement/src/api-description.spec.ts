import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describeServices } from '@countypay/service-kit';
import { AppModule } from './app.module';

describe('settlement API description (from the controllers)', () => {
  const api = describeServices([{ service: 'settlement', module: AppModule, publicPrefix: '/v1' }]);

  it('describes exactly the ledger and settlement routes, each with its access rule', () => {
    expect(api.operations.map((o) => `${o.method} ${o.path} ${o.doc.operationId}`).sort()).toEqual([
      'GET /v1/ledger/entries listLedgerEntries',
      'GET /v1/ledger/merchants/{merchantId}/balance getMerchantBalance',
      'GET /v1/ledger/trial-balance getTrialBalance',
      'GET /v1/settlement/batches listSettlementBatches',
      'GET /v1/settlement/batches/{batchId} getSettlementBatch',
      'GET /v1/settlement/batches/{batchId}/items listSettlementBatchItems',
      'GET /v1/settlement/batches/{batchId}/payouts listSettlementPayouts',
      'GET /v1/settlement/reconciliation/cases listReconciliationCases',
      'GET /v1/settlement/reconciliation/cases/{caseId} getReconciliationCase',
      'GET /v1/settlement/reconciliation/runs listReconciliationRuns',
      'GET /v1/settlement/reconciliation/settings getReconciliationSettings',
      'GET /v1/settlement/reports/daily getDailySettlementReport',
      'GET /v1/settlement/reports/daily.csv getDailySettlementReportCsv',
      'GET /v1/settlement/reports/daily.xlsx getDailySettlementReportXlsx',
      'GET /v1/settlement/reports/province getProvinceSettlementReport',
      'GET /v1/settlement/reports/province.csv getProvinceSettlementReportCsv',
      'POST /v1/settlement/batches/{batchId}/abort abortSettlementBatch',
      'POST /v1/settlement/batches/{batchId}/approvals approveSettlementBatch',
      'POST /v1/settlement/batches/{batchId}/payouts startSettlementPayouts',
      'POST /v1/settlement/batches/{batchId}/payouts/retry retrySettlementPayouts',
      'POST /v1/settlement/cutoffs runSettlementCutoff',
      'POST /v1/settlement/merchants/{merchantId}/payout-account setMerchantPayoutAccount',
      'POST /v1/settlement/merchants/{merchantId}/payout-hold holdMerchantPayouts',
      'POST /v1/settlement/merchants/{merchantId}/payout-hold/release releaseMerchantPayoutHold',
      'POST /v1/settlement/reconciliation/cases/{caseId}/adjustment proposeReconciliationAdjustment',
      'POST /v1/settlement/reconciliation/cases/{caseId}/adjustment/approve approveReconciliationAdjustment',
      'POST /v1/settlement/reconciliation/cases/{caseId}/adjustment/reject rejectReconciliationAdjustment',
      'POST /v1/settlement/reconciliation/cases/{caseId}/requery requeryReconciliationCase',
      'POST /v1/settlement/reconciliation/cases/{caseId}/resolve resolveReconciliationCase',
      'POST /v1/settlement/reconciliation/runs runReconciliation',
      'PUT /v1/settlement/reconciliation/settings putReconciliationSettings',
    ]);
    const access = Object.fromEntries(api.operations.map((o) => [o.doc.operationId, o.access]));
    const operators = { kind: 'actors', actors: ['county', 'province'], scopes: [] };
    expect(access).toEqual({
      getMerchantBalance: { kind: 'actors', actors: ['app', 'county', 'province'], scopes: ['merchants:read'] },
      listLedgerEntries: { kind: 'actors', actors: ['app', 'county', 'province'], scopes: ['merchants:read'] },
      getTrialBalance: operators,
      runSettlementCutoff: operators,
      listSettlementBatches: operators,
      getSettlementBatch: operators,
      listSettlementBatchItems: operators,
      approveSettlementBatch: { kind: 'actors', actors: ['county'], scopes: [] },
      abortSettlementBatch: operators,
      holdMerchantPayouts: operators,
      releaseMerchantPayoutHold: operators,
      setMerchantPayoutAccount: operators,
      startSettlementPayouts: operators,
      retrySettlementPayouts: operators,
      listSettlementPayouts: operators,
      getDailySettlementReport: operators,
      getDailySettlementReportCsv: operators,
      getDailySettlementReportXlsx: operators,
      getProvinceSettlementReport: { kind: 'actors', actors: ['province'], scopes: [] },
      getProvinceSettlementReportCsv: { kind: 'actors', actors: ['province'], scopes: [] },
      runReconciliation: operators,
      listReconciliationCases: operators,
      listReconciliationRuns: operators,
      getReconciliationCase: operators,
      requeryReconciliationCase: operators,
      resolveReconciliationCase: operators,
      // maker and checker are county operators (like a batch's approvals)
      proposeReconciliationAdjustment: { kind: 'actors', actors: ['county'], scopes: [] },
      approveReconciliationAdjustment: { kind: 'actors', actors: ['county'], scopes: [] },
      rejectReconciliationAdjustment: { kind: 'actors', actors: ['county'], scopes: [] },
      getReconciliationSettings: operators,
      putReconciliationSettings: operators,
    });
  });

  it('has a schema for every response (entries as a cursor page) and documents the query and path', () => {
    for (const op of api.operations) {
      // the report downloads are CSV and XLSX, every other answer a JSON schema
      if (op.doc.operationId === 'getDailySettlementReportCsv' || op.doc.operationId === 'getProvinceSettlementReportCsv')
        expect(op.response).toMatchObject({ contentType: 'text/csv' });
      else if (op.doc.operationId === 'getDailySettlementReportXlsx')
        expect(op.response).toMatchObject({ contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
      else expect('schemaName' in op.response).toBe(true);
      if ('schemaName' in op.response) expect(api.schemas[op.response.schemaName]).toBeDefined();
      // an approval and a hold's release carry no body: the operator and the path say it all
      const bodiless = [
        'approveSettlementBatch',
        'releaseMerchantPayoutHold',
        'startSettlementPayouts',
        'retrySettlementPayouts',
        'requeryReconciliationCase',
        'approveReconciliationAdjustment',
      ].includes(op.doc.operationId);
      if (['POST', 'PATCH', 'PUT'].includes(op.method) && !bodiless) expect(op.requestBody && api.schemas[op.requestBody.schemaName]).toBeDefined();
      if (bodiless) expect(op.requestBody).toBeUndefined();
    }
    const byId = Object.fromEntries(api.operations.map((o) => [o.doc.operationId, o]));
    expect(byId.listLedgerEntries!.response).toEqual({ schemaName: 'LedgerEntryPage' });
    expect(byId.listLedgerEntries!.parameters.map((p) => `${p.in}:${p.name}`).sort()).toEqual(['query:cursor', 'query:limit', 'query:orderId']);
    expect(byId.getMerchantBalance!.parameters).toEqual([expect.objectContaining({ name: 'merchantId', in: 'path', required: true })]);
    expect(Object.keys(api.schemas)).toEqual(
      expect.arrayContaining(['LedgerEntry', 'LedgerEntryPage', 'LedgerPosting', 'MerchantBalance', 'TrialBalance', 'TrialBalanceAccount']),
    );
  });

  it('has examples (of whole responses and of properties) that satisfy their own schemas', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'doc', components: { schemas: api.schemas } } as never);
    const problems: string[] = [];
    let checked = 0;
    const check = (where: string, schema: Record<string, unknown>): void => {
      const { examples, ...rest } = schema as { examples?: unknown[] };
      if (!examples) return;
      const validate = ajv.compile(JSON.parse(JSON.stringify(rest).replaceAll('"#/components/', '"doc#/components/')));
      for (const example of examples) {
        checked++;
        if (!validate(example)) problems.push(`${where} example ${JSON.stringify(example)}: ${ajv.errorsText(validate.errors)}`);
      }
    };
    for (const [name, schema] of Object.entries(api.schemas)) {
      check(name, schema);
      for (const [prop, s] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) check(`${name}.${prop}`, s);
    }
    for (const op of api.operations) for (const p of op.parameters) check(`${op.doc.operationId} ${p.in} ${p.name}`, p.schema);
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
    for (const name of ['MerchantBalance', 'LedgerEntry', 'TrialBalance']) expect(api.schemas[name]!.examples).toHaveLength(1);
  });

  it('states amounts as integers (fen), nullable properties as such, and every property of a response as required', () => {
    const entry = api.schemas.LedgerEntry as { required: string[]; properties: Record<string, Record<string, unknown>> };
    expect(entry.properties.amountFen!.type).toBe('integer');
    expect(entry.properties.refundId).toMatchObject({ type: ['string', 'null'], description: expect.stringContaining('refund') });
    expect(entry.properties.feeRateBp).toMatchObject({ type: ['integer', 'null'], examples: [38] });
    expect([...entry.required].sort()).toEqual(Object.keys(entry.properties).sort());
    const balance = api.schemas.MerchantBalance as { properties: Record<string, { type?: unknown }> };
    expect(balance.properties.payableFen!.type).toBe('integer');
  });
});
