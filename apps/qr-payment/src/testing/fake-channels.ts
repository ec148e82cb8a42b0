import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The payment channels (WeChat Pay, Alipay, UnionPay, the county bank) as the channel sandbox's
 * contract describes them, for qr-payment's integration tests: the channels are external
 * systems, so the tests run a local node:http server in their place. The amount's last two
 * digits choose the outcome (the sandbox's magic amounts):
 *
 * | fen % 100 | answer                                                     |
 * |-----------|------------------------------------------------------------|
 * | 11/12/13  | failed: insufficient_funds / card_frozen / risk_rejected   |
 * | 21        | user_paying, then succeeded from the second query on       |
 * | 22        | user_paying for ever (the payer never confirms)            |
 * | 31        | 504 after 300 ms, never recorded (query and reverse: 404)  |
 * | otherwise | succeeded                                                  |
 */
interface FakePayment {
  status: 'succeeded' | 'failed' | 'user_paying' | 'reversed' | 'closed';
  amountFen: number;
  channelTradeNo: string;
  reason?: string;
  queries: number;
  payerId: string;
}
export class FakeChannels {
  readonly requests: Array<{ method: string; path: string; body: Record<string, unknown> }> = [];
  private readonly payments = new Map<string, FakePayment>();
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
  paysOf(orderId: string) {
    return this.requests.filter((r) => r.method === 'POST' && /\/payments$/.test(r.path) && r.body.orderId === orderId);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += String(chunk);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname, body });
    const send = (status: number, payload: object): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
    };
    const parts = url.pathname.split('/').filter(Boolean); // channels/:channel/payments[/:orderId[/reverse]]
    if (req.method === 'POST' && parts[2] === 'payments' && parts.length === 3) {
      const amount = Number(body.amountFen);
      const orderId = String(body.orderId);
      const existing = this.payments.get(orderId);
      if (existing) return send(200, { status: existing.status, channelTradeNo: existing.channelTradeNo, payerId: existing.payerId });
      const payerId = String(body.payerId ?? `p_${createHmac('sha256', 'p').update(String(body.payerCode)).digest('hex').slice(0, 12)}`);
      const p: FakePayment = { status: 'succeeded', amountFen: amount, channelTradeNo: `ch_${orderId.slice(0, 8)}`, queries: 0, payerId };
      const tail = amount % 100;
      if (tail === 31) {
        await new Promise((r) => setTimeout(r, 300));
        return send(504, { error: 'timeout' }); // never recorded: a query answers 404
      }
      if (tail === 11) Object.assign(p, { status: 'failed', reason: 'insufficient_funds' });
      if (tail === 12) Object.assign(p, { status: 'failed', reason: 'card_frozen' });
      if (tail === 13) Object.assign(p, { status: 'failed', reason: 'risk_rejected' });
      if (tail === 21 || tail === 22) p.status = 'user_paying';
      this.payments.set(orderId, p);
      return send(200, { status: p.status, channelTradeNo: p.channelTradeNo, payerId, ...(p.reason ? { reason: p.reason } : {}) });
    }
    if (req.method === 'GET' && parts[2] === 'payments' && parts.length === 4) {
      const p = this.payments.get(parts[3]!);
      if (!p) return send(404, { error: { code: 'payment_not_found' } });
      p.queries++;
      if (p.status === 'user_paying' && p.amountFen % 100 === 21 && p.queries >= 2) p.status = 'succeeded';
      return send(200, { status: p.status, channelTradeNo: p.channelTradeNo, amountFen: p.amountFen, payerId: p.payerId });
    }
    if (req.method === 'POST' && parts[2] === 'payments' && (parts[4] === 'reverse' || parts[4] === 'close')) {
      const p = this.payments.get(parts[3]!);
      // as the sandbox (and WeChat's ORDERNOTEXIST): a payment the channel never received cannot be reversed
      if (!p) return send(404, { error: { code: 'payment_not_found' } });
      p.status = 'reversed';
      return send(200, { status: 'reversed' });
    }
    if (req.method === 'POST' && parts[2] === 'refunds') {
      return send(200, { status: 'succeeded', channelRefundNo: `rf_${String(body.refundId).slice(0, 8)}` });
    }
    send(404, { error: 'no route' });
  }
}
