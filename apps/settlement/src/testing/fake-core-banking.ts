import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A county core banking's settlement payouts as the channel sandbox's contract describes them
 * (`apps/channel-sandbox/src/payouts`), for settlement's integration tests: the bank is an
 * external system, so the tests run a local node:http server in its place (an app never imports
 * another). A payout is made once per instruction id; it fails for a missing or closed account
 * or a holder-name mismatch; a timeout is injected per account: `after` makes the payout and
 * answers 504, `before` answers 504 without making it.
 */
interface Account {
  holderName: string;
  balanceFen: number;
  closed: boolean;
}

interface Payout {
  instructionId: string;
  accountNo: string;
  amountFen: number;
  status: 'succeeded' | 'failed';
  failureReason: string | null;
}

export class FakeCoreBanking {
  readonly calls: Array<{ method: string; path: string }> = [];
  private readonly accounts = new Map<string, Account>();
  private readonly payouts = new Map<string, Payout>();
  private readonly timeouts = new Map<string, 'before' | 'after'>();
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

  openAccount(tenantId: string, accountNo: string, holderName: string): void {
    this.accounts.set(`${tenantId}:${accountNo}`, { holderName, balanceFen: 0, closed: false });
  }

  setClosed(tenantId: string, accountNo: string, closed: boolean): void {
    this.account(tenantId, accountNo).closed = closed;
  }

  timeoutNext(tenantId: string, accountNo: string, when: 'before' | 'after'): void {
    this.timeouts.set(`${tenantId}:${accountNo}`, when);
  }

  balance(tenantId: string, accountNo: string): number {
    return this.account(tenantId, accountNo).balanceFen;
  }

  private account(tenantId: string, accountNo: string): Account {
    const a = this.accounts.get(`${tenantId}:${accountNo}`);
    if (!a) throw new Error(`no account ${accountNo}`);
    return a;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').split('?')[0]!;
    this.calls.push({ method: req.method ?? '', path });
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const pay = /^\/core\/(t\d{6})\/settlement-payouts$/.exec(path);
    const query = /^\/core\/(t\d{6})\/settlement-payouts\/([A-Za-z0-9_.:-]{1,64})$/.exec(path);
    if (req.method === 'POST' && pay) {
      const tenantId = pay[1]!;
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { instructionId: string; accountNo: string; accountName: string; amountFen: number };
      const key = `${tenantId}:${b.accountNo}`;
      const timeout = this.timeouts.get(key);
      this.timeouts.delete(key);
      if (timeout === 'before') return send(504, { error: { code: 'channel_timeout' } });
      let p = this.payouts.get(`${tenantId}:${b.instructionId}`);
      if (p && (p.accountNo !== b.accountNo || p.amountFen !== b.amountFen)) return send(409, { error: { code: 'reference_mismatch' } });
      if (!p) {
        const a = this.accounts.get(key);
        const failureReason = !a ? 'account_not_found' : a.closed ? 'account_closed' : a.holderName !== b.accountName ? 'name_mismatch' : null;
        p = { instructionId: b.instructionId, accountNo: b.accountNo, amountFen: b.amountFen, status: failureReason ? 'failed' : 'succeeded', failureReason };
        this.payouts.set(`${tenantId}:${b.instructionId}`, p);
        if (a && !failureReason) a.balanceFen += b.amountFen;
      }
      if (timeout === 'after') return send(504, { error: { code: 'channel_timeout' } });
      return send(200, view(p));
    }
    if (req.method === 'GET' && query) {
      const p = this.payouts.get(`${query[1]}:${query[2]}`);
      return p ? send(200, view(p)) : send(404, { error: { code: 'payment_not_found' } });
    }
    send(404, { error: { code: 'route_not_found' } });
  }
}

function view(p: Payout): Record<string, unknown> {
  return { instructionId: p.instructionId, status: p.status, failureReason: p.failureReason, amountFen: p.amountFen, at: new Date().toISOString() };
}
