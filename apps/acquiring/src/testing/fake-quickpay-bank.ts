import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The county bank's quick-pay interfaces as the channel sandbox's contract describes them
 * (`apps/channel-sandbox/src/quickpay`: card check, SMS gateway, agreements signed and revoked,
 * debit), for acquiring's integration tests: the bank is an external system, so the tests run a
 * local node:http server in its place (an app never imports another). Every card matches; a
 * payment on an agreement the bank revoked or never signed is declined (`agreement_revoked` /
 * `agreement_unknown`); a revocation can be made to time out before or after revoking (504).
 */
export class FakeQuickpayBank {
  readonly calls: Array<{ method: string; path: string }> = [];
  readonly sms: Array<{ tenantId: string; mobile: string; text: string }> = [];
  private readonly agreements = new Map<string, { cardNo: string; status: 'active' | 'revoked' }>();
  private readonly revokeTimeouts = new Map<string, 'before' | 'after'>();
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

  /** the latest code texted to `mobile` */
  latestCode(mobile: string): string {
    const m = [...this.sms].reverse().find((x) => x.mobile === mobile);
    const code = m && /验证码 (\d{6})/.exec(m.text)?.[1];
    if (!code) throw new Error(`no SMS code for ${mobile}`);
    return code;
  }

  agreementStatus(agreementId: string): 'active' | 'revoked' | undefined {
    return this.agreements.get(agreementId)?.status;
  }

  timeoutNextRevoke(agreementId: string, when: 'before' | 'after'): void {
    this.revokeTimeouts.set(agreementId, when);
  }

  debits(): number {
    return this.calls.filter((c) => c.path === '/channels/county_bank/online/quickpay').length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const path = (req.url ?? '').split('?')[0]!;
    this.calls.push({ method: req.method ?? '', path });
    const body = chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
    const send = (status: number, answer: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    };
    const notFound = () => send(404, { error: { code: 'not_found', message: 'no such agreement' } });
    if (req.method === 'POST' && /^\/core\/t\d{6}\/cards\/verify$/.test(path)) return send(200, { matched: true });
    const sms = /^\/sms\/(t\d{6})\/messages$/.exec(path);
    if (req.method === 'POST' && sms) {
      this.sms.push({ tenantId: sms[1]!, mobile: String(body.mobile), text: String(body.text) });
      return send(200, { sent: true });
    }
    if (req.method === 'POST' && path === '/channels/county_bank/online/agreements') {
      const id = String(body.agreementId);
      if (!this.agreements.has(id)) this.agreements.set(id, { cardNo: String(body.cardNo), status: 'active' });
      return send(200, { agreementId: id, status: this.agreements.get(id)!.status });
    }
    const one = /^\/channels\/county_bank\/online\/agreements\/([0-9a-f-]{36})(\/revoke)?$/.exec(path);
    if (one) {
      const id = one[1]!;
      const a = this.agreements.get(id);
      if (req.method === 'GET' && !one[2]) return a ? send(200, { agreementId: id, status: a.status }) : notFound();
      if (req.method === 'POST' && one[2]) {
        const timeout = this.revokeTimeouts.get(id);
        this.revokeTimeouts.delete(id);
        if (timeout === 'before') return send(504, { error: { code: 'channel_timeout', message: 'no answer' } });
        if (!a) return notFound();
        a.status = 'revoked';
        if (timeout === 'after') return send(504, { error: { code: 'channel_timeout', message: 'no answer' } });
        return send(200, { agreementId: id, status: 'revoked' });
      }
    }
    if (req.method === 'POST' && path === '/channels/county_bank/online/quickpay') {
      const a = body.agreementId ? this.agreements.get(String(body.agreementId)) : undefined;
      const reason = !a || a.cardNo !== body.cardNo ? 'agreement_unknown' : a.status !== 'active' ? 'agreement_revoked' : undefined;
      return send(200, {
        status: reason ? 'failed' : 'succeeded',
        channelTradeNo: `cb${randomUUID().replace(/-/g, '').slice(0, 20)}`,
        amountFen: body.amountFen,
        payerId: body.cardNo,
        ...(reason ? { reason } : {}),
      });
    }
    return send(404, { error: { code: 'route_not_found', message: `${req.method} ${path}` } });
  }
}
