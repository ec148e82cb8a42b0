import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { countypayMerchantAccount, encodeMpm } from '@countypay/emvco';
import { describeServices, type DescribedApi } from '@countypay/service-kit';
import { AppModule } from './app.module';
import { decodePayload } from './decode/decode-payload';
import { DecodedQrPayload } from './decode/dto/decode.dto';
import { CreatedQrOrder, QrOrder } from './orders/dto/qr-order.dto';
import { orderView } from './orders/order-view';
import type { OrderRecord } from './orders/orders.repository';
import { dynamicOrderPayload } from './orders/qr-payload';
import { QrRefund } from './refunds/dto/refunds.dto';
import { refundView } from './refunds/refund-view';

/** Every route qr-payment offers through the gateway: adding or removing one is a decision, made here. */
const OPERATIONS = [
  'POST /v1/qr/orders → createQrOrder',
  'GET /v1/qr/orders → listQrOrders',
  'GET /v1/qr/orders/{id} → getQrOrder',
  'GET /v1/qr/orders/{id}/qr.png → getQrOrderPng',
  'GET /v1/qr/orders/{id}/qr.svg → getQrOrderSvg',
  'POST /v1/qr/orders/{id}/close → closeQrOrder',
  'POST /v1/qr/orders/{id}/pay → payQrOrder',
  'POST /v1/qr/orders/{id}/credit-quote → quoteQrOrderCredit',
  'POST /v1/qr/pos/payments → createQrPosPayment',
  'POST /v1/qr/orders/{id}/refunds → createQrRefund',
  'GET /v1/qr/orders/{id}/refunds → listQrRefunds',
  'GET /v1/qr/stats/daily → getQrDailyStats',
  'GET /v1/qr/codes/{merchantId} → getQrStaticCode',
  'GET /v1/qr/codes/{merchantId}/{storeId} → getQrStoreStaticCode',
  'GET /v1/qr/r/{tenantCode}/{merchantId} → resolveQrStaticCode',
  'GET /v1/qr/r/{tenantCode}/{merchantId}/{storeId} → resolveQrStoreStaticCode',
  'POST /v1/qr/r/{tenantCode}/{merchantId}/pay → payQrStaticCode',
  'POST /v1/qr/r/{tenantCode}/{merchantId}/{storeId}/pay → payQrStoreStaticCode',
  'POST /v1/qr/decode → decodeQrPayload',
];

describe('the API description of qr-payment', () => {
  let api: DescribedApi;
  beforeAll(() => {
    api = describeServices([{ service: 'qr-payment', module: AppModule, publicPrefix: '/v1' }]);
  });

  it('describes exactly the routes above (the channel notifications and health routes are internal)', () => {
    expect(api.operations.map((o) => `${o.method} ${o.path} → ${o.doc.operationId}`).sort()).toEqual([...OPERATIONS].sort());
  });

  it('every operation has a response schema, every POST its request body schema', () => {
    for (const op of api.operations) {
      if ('schemaName' in op.response) expect(api.schemas[op.response.schemaName]).toBeDefined();
      else expect(op.response.contentType).toMatch(/^image\//);
      if (op.method === 'POST' && !op.path.endsWith('/close')) {
        expect(op.requestBody).toBeDefined();
        expect(api.schemas[op.requestBody!.schemaName]).toBeDefined();
      }
    }
    // closing takes no body: it is the one POST without one
    expect(api.operations.filter((o) => o.method === 'POST' && !o.requestBody).map((o) => o.doc.operationId)).toEqual(['closeQrOrder']);
  });

  it('the static codes, their payment and decode are public; every other route is for authenticated callers with a scope', () => {
    const pub = api.operations.filter((o) => o.access.kind === 'public').map((o) => o.doc.operationId);
    expect(pub.sort()).toEqual(['decodeQrPayload', 'payQrStaticCode', 'payQrStoreStaticCode', 'resolveQrStaticCode', 'resolveQrStoreStaticCode']);
    for (const op of api.operations.filter((o) => o.access.kind === 'actors'))
      if (op.access.kind === 'actors') expect(op.access.scopes.length).toBeGreaterThan(0);
  });

  it('the create-order route is the merchant-presented code only: it says so, and points to the POS route for payer codes', () => {
    const create = api.operations.find((o) => o.doc.operationId === 'createQrOrder')!;
    expect(create.doc.summary).not.toMatch(/payer code|customer-presented/i);
    expect(create.doc.description).toContain('POST /v1/qr/pos/payments');
    expect(Object.keys((api.schemas.CreateQrOrderRequest!.properties ?? {}) as object)).not.toContain('payerCode');
    expect(api.operations.find((o) => o.doc.operationId === 'createQrPosPayment')!.requestBody?.schemaName).toBe('CreateQrPosPaymentRequest');
  });

  it('lists are cursor pages (orders) or the whole list (refunds of an order)', () => {
    expect(api.operations.find((o) => o.doc.operationId === 'listQrOrders')!.response).toEqual({ schemaName: 'QrOrderPage' });
    expect(api.schemas.QrOrderPage).toBeDefined();
    expect(api.operations.find((o) => o.doc.operationId === 'listQrRefunds')!.response).toEqual({ schemaName: 'QrRefundList' });
    const query = api.operations
      .find((o) => o.doc.operationId === 'listQrOrders')!
      .parameters.filter((p) => p.in === 'query')
      .map((p) => p.name);
    expect(query.sort()).toEqual([
      'channelTradeNo',
      'createdFrom',
      'createdTo',
      'cursor',
      'limit',
      'maxAmountFen',
      'merchantId',
      'minAmountFen',
      'outTradeNo',
      'refundId',
      'status',
    ]);
  });
});

/**
 * What the services return must be exactly what the response classes describe: checked with
 * class-validator (the classes) and with the JSON Schemas the document is made of.
 */
describe('response classes match the views', () => {
  const api = describeServices([{ service: 'qr-payment', module: AppModule, publicPrefix: '/v1' }]);
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: 'doc', components: { schemas: api.schemas } } as never);
  const schemaProblems = (name: string, value: unknown): string[] => {
    const validate = ajv.compile({ $ref: `doc#/components/schemas/${name}` });
    return validate(JSON.parse(JSON.stringify(value))) ? [] : [`${name}: ${ajv.errorsText(validate.errors)}`];
  };
  const problems = (cls: new () => object, value: object): string[] => [
    ...validateSync(plainToInstance(cls, value), { whitelist: true, forbidNonWhitelisted: true }).map((e) => JSON.stringify(e.constraints ?? e.children)),
    ...schemaProblems(cls.name, value),
  ];

  it('every example in the schemas validates against its own property', () => {
    const bad: string[] = [];
    for (const [name, schema] of Object.entries(api.schemas)) {
      for (const [prop, s] of Object.entries((schema.properties ?? {}) as Record<string, { examples?: unknown[] }>)) {
        for (const example of s.examples ?? []) {
          const validate = ajv.compile(JSON.parse(JSON.stringify(s).replaceAll('"#/components/', '"doc#/components/')));
          if (!validate(example)) bad.push(`${name}.${prop}: ${ajv.errorsText(validate.errors)}`);
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('a nullable enumeration admits null', () => {
    const props = api.schemas.QrOrder!.properties as Record<string, { enum?: unknown[] }>;
    expect(props.channel!.enum).toContain(null);
    expect(props.closeReason!.enum).toContain(null);
  });

  const record: OrderRecord = {
    id: '9b2e7c1a-4f3d-4e8b-a6c5-2d1f0e9b8a7c',
    tenantId: 't510121',
    appId: 'app_7k2m9q4x8c1v5b3n6z0p',
    outTradeNo: 'JT20261129-000123',
    merchantId: '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e',
    storeId: null,
    terminalId: null,
    kind: 'dynamic',
    channel: null,
    amountFen: 12_800n,
    state: 'created',
    description: null,
    payerKey: null,
    payerId: null,
    channelTradeNo: null,
    failureReason: null,
    closeReason: null,
    businessDay: '2026-11-29',
    expiresAt: new Date('2026-11-29T06:15:00Z'),
    paidAt: null,
    createdAt: new Date('2026-11-29T06:00:00.123Z'),
    updatedAt: new Date('2026-11-29T06:00:00.123Z'),
    creditLineId: null,
    creditInstallments: null,
    creditAppId: null,
    creditHoldId: null,
    version: 1,
  };

  it('orders, new and paid', () => {
    expect(problems(QrOrder, orderView(record))).toEqual([]);
    const paid = {
      ...record,
      state: 'succeeded' as const,
      channel: 'wechat' as const,
      payerId: 'wx_1',
      channelTradeNo: 'ch_1',
      paidAt: new Date(),
      closeReason: null,
    };
    expect(problems(QrOrder, orderView(paid))).toEqual([]);
    const reversed = {
      ...paid,
      state: 'closed' as const,
      closeReason: 'reversed' as const,
      paidAt: null,
      storeId: '11111111-2222-4333-8444-555555555555',
      terminalId: '2c4e6a8b-0d1f-4a3b-8c5d-7e9f0a1b2c3d',
    };
    expect(problems(QrOrder, orderView(reversed))).toEqual([]);
    const merchant = { merchantId: record.merchantId, legalName: '金堂县赵镇便民超市有限公司', mcc: '5411', city: '成都市' };
    const payload = dynamicOrderPayload({ tenantId: 't510121', merchant, orderId: record.id, amountFen: record.amountFen });
    expect(problems(CreatedQrOrder, { ...orderView(record), qr: { payload, pngPath: '/qr/orders/x/qr.png', svgPath: '/qr/orders/x/qr.svg' } })).toEqual([]);
  });

  it('refunds', () => {
    const refund = {
      id: '3d5f7b9c-1e2a-4b4c-9d6e-8f0a1b2c3d4e',
      tenantId: 't510121',
      orderId: record.id,
      outRefundNo: 'RF-1',
      amountFen: 3_000n,
      state: 'pending' as const,
      reason: null,
      channelRefundNo: null,
      failureReason: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      version: 1,
    };
    expect(problems(QrRefund, refundView(refund))).toEqual([]);
  });

  it('decoded payloads, valid and not', () => {
    const payload = encodeMpm({
      pointOfInitiation: 'dynamic',
      merchantAccounts: [countypayMerchantAccount({ merchantId: 'bxwtPkpbTG2Of5AaKzxNXg', tenantCode: 't510121' })],
      merchantCategoryCode: '5411',
      transactionCurrency: '156',
      countryCode: 'CN',
      amountFen: 12_800n,
      tipOrConvenience: { kind: 'fixed_fee', feeFen: 100n },
      merchantName: '金堂县赵镇便民超市',
      merchantCity: '成都',
      additionalData: { billNumber: 'm8Q2rLw5SdaLr2kC9wpd1w', referenceLabel: 'm8Q2rLw5SdaLr2kC9wpd1w' },
      merchantInfoLanguage: { languagePreference: 'ZH', merchantName: '金堂县赵镇便民超市' },
    });
    expect(problems(DecodedQrPayload, decodePayload(payload))).toEqual([]);
    expect(problems(DecodedQrPayload, decodePayload(payload.slice(0, -1) + '0'))).toEqual([]);
    expect(problems(DecodedQrPayload, decodePayload('0002'))).toEqual([]);
  });
});
