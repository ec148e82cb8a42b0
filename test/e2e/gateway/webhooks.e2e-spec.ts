// Issue 3 end to end: a partner's callback receiver gets the payment.succeeded webhook of a
// payment made through the gateway, retried after failures, signed per Standard Webhooks.
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseWebhook, verifyWebhook, type QrOrder, type WebhookDelivery } from '@countypay/sdk';
import { gatewayUrl } from '../support/platform';
import { activeMerchant, eventually, firstPayableOrder, onboardApp, signedFetch } from './gateway-fixtures';

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  answered: number;
}

/** The pid of the process listening on a local TCP port, or of the client end of a local connection (`ss`). */
function pidOf(filter: string, listening: boolean): number | undefined {
  try {
    const out = execFileSync('ss', [listening ? '-tlnpH' : '-tnpH', filter], { encoding: 'utf8' });
    const m = /pid=(\d+)/.exec(out);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A partner's callback endpoint on 127.0.0.1: answers 500 to the first `failures` deliveries of
 * THIS platform's gateway, then 200.
 *
 * Why the sender check: every platform on this machine (`npm start`, other developers' e2e
 * runs) shares the Kafka topics (only the consumer groups differ, tools/platform.mjs), so their
 * gateways also consume this platform's AppUpdatedV1/PaymentSucceededV1 and deliver the same
 * webhook to this receiver. Those foreign deliveries are answered 200 and kept apart.
 */
async function receiver(failures: number): Promise<{ url: string; received: Received[]; foreign: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const foreign: Received[] = [];
  const gatewayPid = pidOf(`sport = :${new URL(gatewayUrl()).port}`, true);
  let port = 0;
  const server: Server = createServer((req, res) => {
    const senderPid = pidOf(`sport = :${req.socket.remotePort} and dport = :${port}`, false);
    const ours = gatewayPid === undefined || senderPid === undefined || senderPid === gatewayPid;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = ours && received.length < failures ? 500 : 200;
      (ours ? received : foreign).push({ headers: req.headers, body: Buffer.concat(chunks), answered });
      res.statusCode = answered;
      res.end(answered === 200 ? 'ok' : 'try again');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/countypay/webhooks`,
    received,
    foreign,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('gateway e2e: webhooks', () => {
  it('delivers payment.succeeded once accepted after three 500s, signed with the app webhook secret; the delivery log shows the 4 attempts', async () => {
    const hook = await receiver(3);
    try {
      const app = await onboardApp({ callbackUrls: [hook.url] });
      const m = await activeMerchant(app);
      // a dynamic order (created once qr-payment knows the merchant), paid by the payer's wallet
      const order = await firstPayableOrder(app, m, 2500);
      const paid = await app.client.request<QrOrder>('POST', `/v1/qr/orders/${order.id}/pay`, { body: { channel: 'wechat', payerId: 'wx_e2e_payer_1' } });
      expect(paid.id).toBe(order.id);
      const final = await eventually('the order to succeed', async () => {
        const o = await app.client.qrOrders.get(order.id);
        return o.status === 'succeeded' ? o : undefined;
      });
      expect(final).toMatchObject({ amountFen: 2500, status: 'succeeded', channel: 'wechat' });

      // the delivery log: delivered on the 4th attempt
      const delivery = await eventually(
        'the webhook to be delivered',
        async () => {
          const page = await app.client.webhookDeliveries.list();
          const d = page.data.find((x: WebhookDelivery) => x.eventType === 'payment.succeeded');
          return d && d.status === 'delivered' ? d : undefined;
        },
        90_000,
      );
      expect(delivery).toMatchObject({ url: hook.url, status: 'delivered', attemptCount: 4, lastStatusCode: 200 });
      const attempts = [...delivery.attempts].sort((a, b) => a.attemptNo - b.attemptNo);
      expect(attempts.map((a) => [a.attemptNo, a.statusCode, a.outcome, a.errorClass])).toEqual([
        [1, 500, 'failed', 'http_status'],
        [2, 500, 'failed', 'http_status'],
        [3, 500, 'failed', 'http_status'],
        [4, 200, 'delivered', null],
      ]);
      const one = await app.client.webhookDeliveries.get(delivery.id);
      expect(one.attempts).toHaveLength(4);
      // the raw API answers it too
      expect((await signedFetch(app, 'GET', `/v1/webhooks/deliveries/${delivery.id}`)).status).toBe(200);

      // what the receiver saw: four calls of the one event, the last one accepted
      const succeeded = hook.received.filter((r) => (JSON.parse(r.body.toString('utf8')) as { type: string }).type === 'payment.succeeded');
      expect(succeeded.map((r) => r.answered)).toEqual([500, 500, 500, 200]);
      const ids = new Set(succeeded.map((r) => r.headers['webhook-id']));
      expect(ids.size).toBe(1);
      expect([...ids][0]).toBe(delivery.eventId);
      for (const r of succeeded) expect(verifyWebhook(r.headers, r.body, app.webhookSecret)).toBe(true);
      const accepted = succeeded[3];
      const event = parseWebhook(accepted.headers, accepted.body, app.webhookSecret);
      expect(event).toMatchObject({
        id: delivery.eventId,
        type: 'payment.succeeded',
        tenantId: app.tenantId,
        data: {
          orderId: order.id,
          outTradeNo: order.outTradeNo,
          merchantId: m.merchant.merchantId,
          partnerAppId: app.appId,
          amountFen: 2500,
          currency: 'CNY',
          channel: 'wechat',
        },
      });
      // a wrong secret or a changed body does not verify
      expect(verifyWebhook(accepted.headers, accepted.body, 'whsec_' + Buffer.alloc(32, 7).toString('base64'))).toBe(false);
      expect(verifyWebhook(accepted.headers, Buffer.from(accepted.body.toString('utf8').replace('2500', '2600')), app.webhookSecret)).toBe(false);
    } finally {
      await hook.close();
    }
  });
});
