// `npm run demo -- acquiring`: online acquiring (网上收单) from a partner's point of view, against a
// RUNNING platform (`npm start`): onboards a partner app with acquiring:pay and a merchant, creates an
// order and shows its hosted cashier (收银台) link, binds a county bank debit card by quick pay's
// agreement signing (four elements checked by the sandbox's core banking, an SMS code read from the
// sandbox's SMS gateway), pays the order with the agreement and a second SMS code, and prints the
// order, the webhook received and the ledger's postings. No card number is printed: BIN + last 4.
import { CountypayApiError } from '@countypay/sdk';
import { luhnCheckDigit } from '@countypay/security';
import { WebhookReceiver, onboardMerchant, onboardPartner, randomDigits, uniq, until, waitForLedger, yuan } from '../test/load/platform-setup';

const line = (label: string, value: unknown): void => console.log(`  ${label.padEnd(18)} ${String(value)}`);
const heading = (title: string): void => console.log(`\n== ${title} ${'='.repeat(Math.max(0, 70 - title.length))}`);

async function postJson(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
}

export async function acquiringDemo(o: { baseUrl: string; operatorToken: string; tenantId: string; webhookPort: number }): Promise<void> {
  const gatewayPort = Number(new URL(o.baseUrl).port || 80);
  const sandbox = (process.env.COUNTYPAY_SANDBOX_URL ?? `http://127.0.0.1:${gatewayPort + 6}`).replace(/\/+$/, '');
  const hooks = new WebhookReceiver();
  await hooks.start(o.webhookPort);
  console.log(`countypay demo: online acquiring through ${o.baseUrl} (tenant ${o.tenantId}, channel sandbox ${sandbox})`);

  heading('1. onboarding (province operator → partner app with acquiring:pay; merchant approved)');
  const on = await onboardPartner(
    { baseUrl: o.baseUrl, operatorToken: o.operatorToken },
    {
      tenantId: o.tenantId,
      name: `Demo county mall ${uniq()}`,
      appCount: 1,
      callbackUrl: hooks.url,
      scopes: ['acquiring:pay', 'merchants:read', 'merchants:write', 'refunds:write'],
    },
  );
  const app = on.apps[0]!;
  hooks.secrets.set(app.appId, app.webhookSecret);
  const shop = await onboardMerchant(on, app, `金堂县演示商城${uniq().slice(-4)}`);
  line('partner', on.partnerId);
  line('app', `${app.appId} (scopes acquiring:pay, merchants, refunds:write)`);
  line('merchant', `${shop.merchantId} ${shop.legalName}`);
  line('webhooks to', hooks.url);

  heading('2. the partner creates an order (its hosted cashier is the payer’s page)');
  const amountFen = 26_800;
  const order = await until(
    'acquiring to know the merchant',
    async () => {
      try {
        return await app.client.acquiringOrders.create({
          merchantId: shop.merchantId,
          outTradeNo: `demo-acq-${uniq()}`,
          amountFen,
          subject: '金堂脐橙礼盒 10kg',
        });
      } catch (err) {
        if (err instanceof CountypayApiError && (err.code === 'merchant_not_active' || err.code === 'not_found' || err.code === 'unknown_app'))
          return undefined;
        throw err;
      }
    },
    60_000,
    500,
  );
  line('order', order.id);
  line('outTradeNo', order.outTradeNo);
  line('amount', `${order.amountFen} fen (${yuan(order.amountFen)})`);
  line('expires', order.expiresAt);
  line('cashier', `${o.baseUrl}${order.cashierPath}  (public, mobile-first; 中文 / English)`);

  heading('3. the payer binds a county bank debit card (快捷支付协议: four elements + SMS code)');
  const holder = { holderName: '李四', idNumber: '11010519491231002X', mobile: `139${randomDigits(8)}` };
  const body = `622848${randomDigits(12)}`;
  const cardNo = `${body}${luhnCheckDigit(body)}`;
  // the card's deposit account and the holder's details at the county bank (the sandbox's core banking)
  await postJson(`${sandbox}/core/${o.tenantId}/accounts`, { accountNo: cardNo, holderName: holder.holderName, balanceFen: 1_000_000 });
  await postJson(`${sandbox}/core/${o.tenantId}/cards`, { cardNo, idNumber: holder.idNumber, mobile: holder.mobile });
  const latestCode = async (): Promise<string> => {
    const r = (await (await fetch(`${sandbox}/admin/sms?tenantId=${o.tenantId}&mobile=${holder.mobile}`)).json()) as { data: Array<{ text: string }> };
    const m = /验证码 (\d{6})/.exec(r.data[0]?.text ?? '');
    if (!m?.[1]) throw new Error('no SMS code reached the payer’s phone');
    return m[1];
  };
  const pending = await app.client.acquiringCards.bind({ ...holder, cardNo });
  line('agreement', `${pending.agreementId} (${pending.status}; card ${pending.cardBin}…${pending.cardLast4}; strength ${pending.strength})`);
  line('SMS sent to', pending.sentTo);
  const agreement = await app.client.acquiringCards.confirm(pending.agreementId, await latestCode());
  line('confirmed', `${agreement.status} (the SMS code is single use, valid 5 minutes, stored as a hash)`);

  heading('4. the payer pays the order with the agreement and a second SMS code');
  await app.client.acquiringOrders.sendQuickPayCode(order.id, agreement.agreementId);
  const paid = await app.client.acquiringOrders.payByCard(order.id, { agreementId: agreement.agreementId, smsCode: await latestCode() });
  line('status', paid.status);
  line('method', `${paid.method} via ${paid.channel}`);
  line('channelTradeNo', paid.channelTradeNo);
  line('paidAt', paid.paidAt);
  if (paid.status !== 'succeeded') throw new Error(`the payment did not succeed: ${paid.status}`);
  const acct = (await (await fetch(`${sandbox}/core/${o.tenantId}/accounts/${cardNo}`)).json()) as { balanceFen: number };
  line('card balance', `${yuan(acct.balanceFen)} (was ${yuan(1_000_000)})`);

  heading('5. the webhook the partner received');
  const hook = await hooks.waitFor('payment.succeeded', order.id);
  line('event', `${hook.event.type} ${hook.event.id}`);
  line('signature', hook.verified ? 'valid (Standard Webhooks, the app webhook secret)' : 'INVALID');
  console.log(`  body               ${hook.raw}`);

  heading('6. the ledger (GET /v1/ledger/entries?orderId=)');
  const [entry] = await waitForLedger(app.client, order.id, 1);
  line('entry', `${entry!.id} (${entry!.sourceType}, posted ${entry!.postedAt})`);
  line('fee', `${entry!.feeFen} fen at ${entry!.feeRateBp ?? '-'} bp`);
  for (const p of entry!.postings) {
    const dr = p.direction === 'debit' ? yuan(p.amountFen).padStart(12) : ''.padStart(12);
    const cr = p.direction === 'credit' ? yuan(p.amountFen).padStart(12) : ''.padStart(12);
    console.log(`    ${p.direction === 'debit' ? 'Dr' : 'Cr'} ${p.account.padEnd(56)} ${dr} ${cr}`);
  }
  await hooks.stop();
  console.log('\ndone: order → cashier → card agreement (SMS) → quick pay (SMS) → webhook → ledger');
}
