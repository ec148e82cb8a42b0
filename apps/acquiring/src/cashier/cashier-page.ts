import type { CashierView } from './cashier.dto';

export type Lang = 'zh' | 'en';

const TEXT = {
  zh: {
    title: '收银台',
    merchant: '收款方',
    subject: '商品',
    amount: '应付金额',
    remaining: '剩余支付时间',
    choose: '选择支付方式',
    pay: '立即支付',
    status: { created: '待支付', paying: '支付中…', succeeded: '支付成功', failed: '支付失败', closed: '订单已关闭' },
    back: '返回商户',
    other: 'English',
    scan: '请使用微信扫码支付',
    methods: {
      wechat_jsapi: '微信支付',
      wechat_h5: '微信支付',
      wechat_native: '微信扫码支付',
      alipay_wap: '支付宝',
      alipay_page: '支付宝',
      unionpay_online: '银联在线支付',
    },
  },
  en: {
    title: 'Checkout',
    merchant: 'Payee',
    subject: 'Item',
    amount: 'Amount due',
    remaining: 'Time left to pay',
    choose: 'Choose a payment method',
    pay: 'Pay now',
    status: { created: 'Awaiting payment', paying: 'Paying…', succeeded: 'Paid', failed: 'Payment failed', closed: 'Order closed' },
    back: 'Back to the merchant',
    other: '中文',
    scan: 'Scan with WeChat to pay',
    methods: {
      wechat_jsapi: 'WeChat Pay',
      wechat_h5: 'WeChat Pay',
      wechat_native: 'WeChat Pay (QR)',
      alipay_wap: 'Alipay',
      alipay_page: 'Alipay',
      unionpay_online: 'UnionPay online',
    },
  },
} as const;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function yuan(fen: number): string {
  return `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
}

/** The hosted cashier page: mobile first, Chinese by default (English switch); never shows card data. */
export function cashierPage(v: CashierView, lang: Lang, selfPath: string): string {
  const t = TEXT[lang];
  const open = v.status === 'created' || v.status === 'paying';
  const methods = v.methods
    .map((m, i) => `<label class="m"><input type="radio" name="method" value="${m}"${i === 0 ? ' checked' : ''}> <span>${esc(t.methods[m])}</span></label>`)
    .join('');
  return `<!doctype html>
<html lang="${lang === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC",sans-serif;margin:0;background:#f5f6f7;color:#222}
main{max-width:480px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;padding:16px;margin-bottom:12px}
.amount{font-size:34px;font-weight:600;margin:8px 0}
.row{display:flex;justify-content:space-between;padding:6px 0;color:#555}
.m{display:flex;align-items:center;gap:10px;padding:14px 4px;border-bottom:1px solid #eee;font-size:17px}
button{width:100%;padding:14px;font-size:18px;border:0;border-radius:10px;background:#1677ff;color:#fff}
#status{font-size:18px;font-weight:600;text-align:center}
.lang{float:right;font-size:14px}
</style></head>
<body><main>
<div class="card"><a class="lang" href="${esc(selfPath)}?lang=${lang === 'zh' ? 'en' : 'zh'}">${esc(t.other)}</a>
<h1 style="font-size:20px">${esc(t.title)}</h1>
<div class="row"><span>${esc(t.amount)}</span></div>
<div class="amount" id="amount">${esc(yuan(v.amountFen))}</div>
<div class="row"><span>${esc(t.merchant)}</span><span id="merchant">${esc(v.merchantName)}</span></div>
<div class="row"><span>${esc(t.subject)}</span><span>${esc(v.subject)}</span></div>
${open ? `<div class="row"><span>${esc(t.remaining)}</span><span id="remaining" data-seconds="${v.remainingSeconds}"></span></div>` : ''}
</div>
<div class="card"><div id="status" data-status="${v.status}">${esc(t.status[v.status])}</div></div>
${open && v.methods.length ? `<div class="card" id="methods"><div>${esc(t.choose)}</div>${methods}</div><button id="pay">${esc(t.pay)}</button>` : ''}
<div class="card" id="qr" hidden><div>${esc(t.scan)}</div><code id="qrPayload"></code></div>
${v.returnUrl && !open ? `<p><a id="back" href="${esc(v.returnUrl)}">${esc(t.back)}</a></p>` : ''}
</main>
<script>
const STATUS = ${JSON.stringify(t.status)};
const self = ${JSON.stringify(selfPath)};
let left = Number(document.getElementById('remaining')?.dataset.seconds ?? 0);
function tick() {
  const el = document.getElementById('remaining');
  if (!el) return;
  el.textContent = String(Math.floor(left / 60)).padStart(2, '0') + ':' + String(left % 60).padStart(2, '0');
  if (left > 0) left--;
}
tick(); setInterval(tick, 1000);
async function poll() {
  const r = await fetch(self, { headers: { accept: 'application/json' } });
  if (!r.ok) return;
  const v = await r.json();
  const s = document.getElementById('status');
  s.dataset.status = v.status; s.textContent = STATUS[v.status];
  if (v.status !== 'created' && v.status !== 'paying') { document.getElementById('methods')?.remove(); document.getElementById('pay')?.remove(); return; }
  setTimeout(poll, 1500);
}
setTimeout(poll, 1500);
const btn = document.getElementById('pay');
if (btn) btn.onclick = async () => {
  const method = document.querySelector('input[name=method]:checked')?.value;
  btn.disabled = true;
  const r = await fetch(self + '/pay', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ method }) });
  const p = await r.json();
  btn.disabled = false;
  if (!r.ok) { const s = document.getElementById('status'); s.textContent = (p.error && p.error.message) || 'error'; return; }
  if (p.action === 'redirect' && p.redirectUrl) { location.href = p.redirectUrl; return; }
  if (p.action === 'qr_code') { document.getElementById('qr').hidden = false; document.getElementById('qrPayload').textContent = p.qrPayload; return; }
  if (p.action === 'js_bridge' && window.WeixinJSBridge) { window.WeixinJSBridge.invoke('getBrandWCPayRequest', JSON.parse(p.payParamsJson), () => poll()); }
};
</script></body></html>`;
}
