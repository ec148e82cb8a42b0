import { formatYuan } from '@countypay/money';
import type { PaymentChannel } from '@countypay/contracts';
import { CHANNEL_NAMES } from '../domain/payment-routing';

/** The small HTML pages a payer's phone sees after scanning a static code. */

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
    `<title>${esc(title)}</title><style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}` +
    `input,button{font-size:1.2rem;padding:.5rem;width:100%;box-sizing:border-box;margin:.3rem 0}</style></head><body>${body}</body></html>`
  );
}

/** Opened outside a supported wallet: says which wallets work. */
export function unsupportedWalletPage(merchantName: string, channels: readonly PaymentChannel[]): string {
  const list = channels.map((c) => `<li>${esc(CHANNEL_NAMES[c])}</li>`).join('');
  return page(
    'Please scan with a payment app',
    `<h1>${esc(merchantName)}</h1><p><strong>This payment code works only inside a payment app.</strong> ` +
      `Open one of these apps and scan the code again:</p><ul>${list}</ul>` +
      `<p>此收款码请使用以下支付应用扫码付款。</p>`,
  );
}

/** Opened inside a wallet: the payer types the amount. */
export function amountFormPage(p: { merchantName: string; channel: PaymentChannel; payPath: string; limitFen: bigint }): string {
  return page(
    `Pay ${p.merchantName}`,
    `<h1>${esc(p.merchantName)}</h1><p>Paying with ${esc(CHANNEL_NAMES[p.channel])}</p>` +
      `<form id="f"><label>Amount (fen)<input name="amountFen" inputmode="numeric" pattern="[0-9]+" required></label>` +
      `<input type="hidden" name="payerId" value=""><button type="submit">Pay</button></form>` +
      `<p><small>Static-code payments are limited to ${esc(formatYuan(p.limitFen))} per payer per day.</small></p><p id="r"></p>` +
      `<script>document.getElementById('f').addEventListener('submit',async(e)=>{e.preventDefault();const d=new FormData(e.target);` +
      `const r=await fetch(${JSON.stringify(p.payPath)},{method:'POST',headers:{'content-type':'application/json'},` +
      `body:JSON.stringify({amountFen:Number(d.get('amountFen')),payerId:d.get('payerId')||'web-payer'})});` +
      `const j=await r.json();document.getElementById('r').textContent=j.status||(j.error&&j.error.message)||'';});</script>`,
  );
}
