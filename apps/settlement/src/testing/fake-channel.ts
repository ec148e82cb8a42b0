import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { stringify } from 'csv-stringify/sync';

/**
 * A payment channel's reconciliation interfaces as the channel sandbox's contract describes them
 * (`apps/channel-sandbox/src/statements`, `.../payments`), for settlement's integration tests: the
 * channel is an external system, so the tests run a local node:http server in its place (an app
 * never imports another). It serves the statement file of a tenant and day in the channel's own
 * format (WeChat's backtick CSV or the county core banking's pipe text, written from the rows the
 * test gives), answers payment and refund queries from the records the test gives, and makes refunds once
 * per refund id.
 */
export interface FakeStatementRow {
  type: 'payment' | 'refund' | 'reversal';
  orderId: string;
  refundId?: string;
  channelTradeNo: string;
  channelRefundNo?: string;
  amountFen: bigint;
  status: 'succeeded' | 'closed' | 'reversed';
  at?: string;
}

export interface FakePaymentRecord {
  status: 'succeeded' | 'closed' | 'reversed' | 'failed';
  channelTradeNo: string;
  amountFen: number;
  refundedFen?: number;
}

const yuan = (fen: bigint): string => {
  const neg = fen < 0n;
  const d = (neg ? -fen : fen).toString().padStart(3, '0');
  return `${neg ? '-' : ''}${d.slice(0, -2)}.${d.slice(-2)}`;
};

function wechat(rows: readonly FakeStatementRow[]): string {
  const header = ['交易时间', '微信订单号', '商户订单号', '交易状态', '应结订单金额', '微信退款单号', '商户退款单号', '退款金额', '退款状态'];
  const tick = (v: string): string => `\`${v}`;
  const lines = rows.map((r) => {
    const at = r.at ?? '2026-11-20 12:00:00';
    if (r.type === 'refund')
      return [
        at,
        r.channelTradeNo,
        r.orderId,
        'REFUND',
        '0.00',
        r.channelRefundNo ?? '',
        r.refundId ?? '',
        yuan(r.amountFen),
        r.status === 'succeeded' ? 'SUCCESS' : 'FAIL',
      ].map(tick);
    if (r.type === 'reversal') return [at, r.channelTradeNo, r.orderId, 'REVOKED', yuan(r.amountFen), '', '', yuan(r.amountFen), ''].map(tick);
    const state = r.status === 'succeeded' ? 'SUCCESS' : r.status === 'reversed' ? 'REVOKED' : 'CLOSED';
    return [at, r.channelTradeNo, r.orderId, state, yuan(r.amountFen), '', '', '0.00', ''].map(tick);
  });
  const paid = rows.filter((r) => r.type === 'payment').reduce((s, r) => s + r.amountFen, 0n);
  const refunded = rows.filter((r) => r.type !== 'payment').reduce((s, r) => s + r.amountFen, 0n);
  return stringify(
    [header, ...lines, ['总交易单数', '应结订单总金额', '退款总金额', '手续费总金额'], [String(rows.length), yuan(paid), yuan(refunded), '0.00'].map(tick)],
    {
      record_delimiter: '\r\n',
    },
  );
}

function coreBanking(date: string, rows: readonly FakeStatementRow[]): string {
  const type = { payment: 'PAY', refund: 'RFD', reversal: 'REV' } as const;
  const state = { succeeded: 'S', closed: 'C', reversed: 'R' } as const;
  const total = rows.reduce((s, r) => s + r.amountFen, 0n);
  return (
    [
      `${date}|${rows.length}|${yuan(total)}`,
      '记账日期|流水类型|状态|平台订单号|平台退款号|核心流水号|核心退款流水号|金额|记账时间',
      ...rows.map((r) =>
        [
          date,
          type[r.type],
          state[r.status],
          r.orderId,
          r.refundId ?? '',
          r.channelTradeNo,
          r.channelRefundNo ?? '',
          yuan(r.amountFen),
          r.at ?? `${date} 12:00:00`,
        ].join('|'),
      ),
    ].join('\n') + '\n'
  );
}

export class FakeChannel {
  readonly refunds = new Map<string, { channel: string; tenantId: string; orderId: string; amountFen: number }>();
  readonly calls: Array<{ method: string; path: string }> = [];
  private readonly statements = new Map<string, FakeStatementRow[]>();
  private readonly payments = new Map<string, FakePaymentRecord>();
  private readonly refundRecords = new Map<string, { status: 'succeeded' | 'failed'; amountFen: number; orderId: string }>();
  private readonly raw = new Map<string, string>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }

  setStatement(channel: string, tenantId: string, date: string, rows: FakeStatementRow[]): void {
    this.statements.set(`${channel}/${tenantId}/${date}`, rows);
  }

  /** Serves these bytes as the statement (e.g. a file that does not read as its format). */
  setRawStatement(channel: string, tenantId: string, date: string, body: string): void {
    this.raw.set(`${channel}/${tenantId}/${date}`, body);
  }

  /** What the channel answers to a refund query (退款查询) of `refundId`; refunds it made itself are answered too. */
  setRefund(channel: string, tenantId: string, refundId: string, r: { status: 'succeeded' | 'failed'; amountFen: number; orderId: string }): void {
    this.refundRecords.set(`${channel}/${tenantId}/${refundId}`, r);
  }

  setPayment(channel: string, tenantId: string, orderId: string, p: FakePaymentRecord | undefined): void {
    if (p) this.payments.set(`${channel}/${tenantId}/${orderId}`, p);
    else this.payments.delete(`${channel}/${tenantId}/${orderId}`);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    this.calls.push({ method: req.method ?? '', path: url.pathname });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown, type = 'application/json'): void => {
      res.writeHead(status, { 'content-type': type });
      res.end(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body));
    };
    let m = /^\/statements\/([a-z_]+)\/(t\d{6})\/(\d{4}-\d{2}-\d{2})\/file$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const raw = this.raw.get(`${m[1]}/${m[2]}/${m[3]}`);
      if (raw !== undefined) return send(200, raw, 'text/plain; charset=utf-8');
      const rows = this.statements.get(`${m[1]}/${m[2]}/${m[3]}`) ?? [];
      if (m[1] === 'wechat') return send(200, wechat(rows), 'text/csv; charset=utf-8');
      if (m[1] === 'county_bank') return send(200, coreBanking(m[3], rows), 'text/plain; charset=utf-8');
      return send(404, { error: { code: 'not_found', message: 'the fake serves wechat and county_bank statements only' } });
    }
    m = /^\/channels\/([a-z_]+)\/payments\/([0-9a-f-]{36})$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const p = this.payments.get(`${m[1]}/${url.searchParams.get('tenantId')}/${m[2]}`);
      return p ? send(200, { ...p, orderId: m[2] }) : send(404, { error: { code: 'payment_not_found', message: 'no such order' } });
    }
    m = /^\/channels\/([a-z_]+)\/refunds\/([A-Za-z0-9_.:-]{1,64})$/.exec(url.pathname);
    if (req.method === 'GET' && m) {
      const tenantId = url.searchParams.get('tenantId');
      const made = this.refunds.get(m[2]);
      const r =
        this.refundRecords.get(`${m[1]}/${tenantId}/${m[2]}`) ??
        (made && made.channel === m[1] && made.tenantId === tenantId ? { ...made, status: 'succeeded' } : undefined);
      return r
        ? send(200, { status: r.status, channelRefundNo: `RF${m[2].slice(-12)}`, refundId: m[2], orderId: r.orderId, amountFen: r.amountFen })
        : send(404, { error: { code: 'payment_not_found', message: 'no such refund' } });
    }
    m = /^\/channels\/([a-z_]+)\/refunds$/.exec(url.pathname);
    if (req.method === 'POST' && m) {
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { tenantId: string; orderId: string; refundId: string; amountFen: number };
      if (!this.refunds.has(b.refundId)) this.refunds.set(b.refundId, { channel: m[1], tenantId: b.tenantId, orderId: b.orderId, amountFen: b.amountFen });
      return send(200, {
        status: 'succeeded',
        channelRefundNo: `RF${b.refundId.slice(-12)}`,
        refundId: b.refundId,
        orderId: b.orderId,
        amountFen: b.amountFen,
      });
    }
    send(404, { error: { code: 'route_not_found', message: url.pathname } });
  }
}
