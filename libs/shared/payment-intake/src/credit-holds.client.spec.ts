import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from '@countypay/contracts';
import { CreditCallError, CreditHoldsClient, CreditOutcomeUnknownError } from './credit-holds.client';

// A stand-in for credit's HTTP face on a local port: each test sets how it answers; every request
// is recorded (method, path, headers, body) so the tests read what the client sent.

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}
type Answer = (req: Seen, res: ServerResponse) => void;

let server: Server;
let baseUrl: string;
let answer: Answer;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      seen.push(s);
      answer(s, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (seen.length = 0));

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const auth = {
  audiences: [] as string[],
  assertionHeader(audience: string): Record<string, string> {
    this.audiences.push(audience);
    return { 'x-cp-assertion': `signed-for-${audience}` };
  },
};
const T = 't510121';
const LINE = '0b5c1c0e-7d8a-4f61-9a57-3f2a55c0d1e4';
const HOLD = '3d5f7b9c-1e2a-4b4c-9d6e-8f0a1b2c3d4e';
const client = () => new CreditHoldsClient({ baseUrl, caller: 'qr-payment', auth, timeoutMs: 300 });

describe('CreditHoldsClient', () => {
  it('holds on credit’s internal route, as its caller, signed for credit, and returns the hold', async () => {
    answer = (_req, res) => json(res, 201, { id: HOLD, lineId: LINE, paymentRef: 'order-1', amountFen: 120000, installments: 3, state: 'held', loanId: null });
    const hold = await client().hold({ tenantId: T, lineId: LINE, amountFen: 120000, installments: 3, paymentRef: 'order-1' }, 'req-1');
    expect(hold.state).toBe('held');
    expect(hold.id).toBe(HOLD);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.path).toBe('/credit/internal/holds');
    expect(seen[0]!.headers['x-cp-assertion']).toBe('signed-for-credit');
    expect(seen[0]!.headers['x-request-id']).toBe('req-1');
    // no merchantId key when none is given (credit's DTO forbids unknown or empty fields)
    expect(seen[0]!.body).toEqual({ tenantId: T, lineId: LINE, amountFen: 120000, installments: 3, caller: 'qr-payment', paymentRef: 'order-1' });
  });

  it('captures, releases (with its reason), reverses and quotes on their own routes', async () => {
    answer = (_req, res) => json(res, 200, { ok: true });
    const c = client();
    await c.capture(T, HOLD);
    await c.release(T, HOLD, 'order_closed');
    await c.reverseDrawdown(T, '5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d');
    await c.quote({ tenantId: T, lineId: LINE, amountFen: 5000, installments: 1 });
    expect(seen.map((s) => s.path)).toEqual([
      `/credit/internal/holds/${HOLD}/capture`,
      `/credit/internal/holds/${HOLD}/release`,
      '/credit/internal/drawdowns/5a4b3c2d-1e0f-4a9b-8c7d-6e5f4a3b2c1d/reverse',
      '/credit/internal/quote',
    ]);
    expect(seen.map((s) => s.body)).toEqual([
      { tenantId: T },
      { tenantId: T, reason: 'order_closed' },
      { tenantId: T },
      { tenantId: T, lineId: LINE, amountFen: 5000, installments: 1 },
    ]);
  });

  it('passes credit’s refusal through as the same public error (code, message, param)', async () => {
    answer = (_req, res) =>
      json(res, 422, {
        error: {
          type: 'invalid_request_error',
          code: 'credit_insufficient',
          message: 'the amount exceeds the available credit',
          param: 'amountFen',
          requestId: 'r',
        },
      });
    const e = await client()
      .hold({ tenantId: T, lineId: LINE, amountFen: 999_999_99, installments: 1, paymentRef: 'order-2' })
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe('credit_insufficient');
    expect((e as ApiError).message).toBe('the amount exceeds the available credit');
    expect((e as ApiError).param).toBe('amountFen');
  });

  it('does not pass a refusal of its own credentials to the payer, nor a body that is not an error', async () => {
    answer = (_req, res) => json(res, 401, { error: { type: 'authentication_error', code: 'invalid_service_assertion', message: 'no' } });
    await expect(client().capture(T, HOLD)).rejects.toBeInstanceOf(CreditCallError);
    answer = (_req, res) => json(res, 409, { error: { code: 'no_such_code_anywhere', message: 'x' } });
    await expect(client().capture(T, HOLD)).rejects.toBeInstanceOf(CreditCallError);
    answer = (_req, res) => {
      res.writeHead(404);
      res.end('<html>not found</html>');
    };
    await expect(client().capture(T, HOLD)).rejects.toBeInstanceOf(CreditCallError);
  });

  it('reports the outcome unknown on a deadline, a 5xx and a refused connection', async () => {
    answer = () => undefined; // never answers: the client's deadline (300 ms) ends the call
    await expect(client().hold({ tenantId: T, lineId: LINE, amountFen: 100, installments: 1, paymentRef: 'order-3' })).rejects.toBeInstanceOf(
      CreditOutcomeUnknownError,
    );
    answer = (_req, res) => json(res, 504, { error: { code: 'upstream_timeout', message: 'x' } });
    await expect(client().release(T, HOLD)).rejects.toBeInstanceOf(CreditOutcomeUnknownError);
    answer = (_req, res) => json(res, 500, { error: { code: 'internal_error', message: 'x' } });
    await expect(client().capture(T, HOLD)).rejects.toBeInstanceOf(CreditOutcomeUnknownError);
    const nowhere = new CreditHoldsClient({ baseUrl: 'http://127.0.0.1:1', caller: 'acquiring', auth, timeoutMs: 300 });
    await expect(nowhere.capture(T, HOLD)).rejects.toBeInstanceOf(CreditOutcomeUnknownError);
  });
});
