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
      card_quickpay: '银行卡快捷支付',
      county_credit: '信用付（县农商行）',
    },
    card: {
      known: '已绑定的银行卡',
      newCard: '使用新卡',
      cardNo: '银行卡号',
      holderName: '持卡人姓名',
      idNumber: '身份证号',
      mobile: '银行预留手机号',
      bind: '获取验证码并绑卡',
      code: '短信验证码',
      confirmBind: '确认绑卡',
      sendPayCode: '获取支付验证码',
      confirmPay: '确认支付',
      sent: '验证码已发送至',
    },
    credit: {
      customerRef: '信用付客户号',
      mobile: '银行预留手机号',
      sendCode: '获取验证码',
      code: '短信验证码',
      verify: '验证并查看分期方案',
      apr: '年化利率',
      installments: '期',
      cost: '总利息及费用',
      period: '期数',
      due: '还款日',
      principal: '本金',
      interest: '利息',
      total: '应还',
      confirm: '确认使用信用付支付',
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
      card_quickpay: 'Bank card quick pay',
      county_credit: 'County credit (pay later)',
    },
    card: {
      known: 'Your bound cards',
      newCard: 'Use a new card',
      cardNo: 'Card number',
      holderName: 'Card holder name',
      idNumber: 'ID number',
      mobile: 'Mobile reserved at the bank',
      bind: 'Send code and bind card',
      code: 'SMS code',
      confirmBind: 'Confirm binding',
      sendPayCode: 'Send payment code',
      confirmPay: 'Confirm payment',
      sent: 'Code sent to',
    },
    credit: {
      customerRef: 'Credit customer number',
      mobile: 'Mobile reserved at the bank',
      sendCode: 'Send code',
      code: 'SMS code',
      verify: 'Verify and see installment plans',
      apr: 'APR',
      installments: 'installment(s)',
      cost: 'Total interest and fees',
      period: 'No.',
      due: 'Due',
      principal: 'Principal',
      interest: 'Interest',
      total: 'Total',
      confirm: 'Confirm and pay with credit',
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
.f{display:block;width:100%;box-sizing:border-box;padding:12px;margin:6px 0;font-size:16px;border:1px solid #ccc;border-radius:8px}
.sec{background:#fff;color:#1677ff;border:1px solid #1677ff;margin-top:8px}
.msg{color:#c00;min-height:1.2em;margin:6px 0}
.plan{border:1px solid #ddd;border-radius:10px;padding:10px;margin:8px 0}
.apr{font-size:22px;font-weight:700;color:#c40}
table{width:100%;border-collapse:collapse;font-size:13px}td,th{padding:3px;text-align:right}
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
${open && v.methods.includes('card_quickpay') ? cardPane(t) : ''}
${open && v.methods.includes('county_credit') ? creditPane(t) : ''}
<div class="card" id="qr" hidden><div>${esc(t.scan)}</div><code id="qrPayload"></code></div>
${v.returnUrl && !open ? `<p><a id="back" href="${esc(v.returnUrl)}">${esc(t.back)}</a></p>` : ''}
</main>
<script>
const STATUS = ${JSON.stringify(t.status)};
const T = ${JSON.stringify({ card: t.card, credit: t.credit })};
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
  if (v.status !== 'created' && v.status !== 'paying') { for (const id of ['methods', 'pay', 'cardPane', 'creditPane']) document.getElementById(id)?.remove(); return; }
  setTimeout(poll, 1500);
}
setTimeout(poll, 1500);
const btn = document.getElementById('pay');
if (btn) btn.onclick = async () => {
  const method = document.querySelector('input[name=method]:checked')?.value;
  if (method === 'card_quickpay') { showPane('cardPane'); loadCards(); return; }
  if (method === 'county_credit') { showPane('creditPane'); return; }
  btn.disabled = true;
  const r = await fetch(self + '/pay', { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ method }) });
  const p = await r.json();
  btn.disabled = false;
  if (!r.ok) { const s = document.getElementById('status'); s.textContent = (p.error && p.error.message) || 'error'; return; }
  if (p.action === 'redirect' && p.redirectUrl) { location.href = p.redirectUrl; return; }
  if (p.action === 'qr_code') { document.getElementById('qr').hidden = false; document.getElementById('qrPayload').textContent = p.qrPayload; return; }
  if (p.action === 'js_bridge' && window.WeixinJSBridge) { window.WeixinJSBridge.invoke('getBrandWCPayRequest', JSON.parse(p.payParamsJson), () => poll()); }
};
${SCRIPT}
</script></body></html>`;
}

type Text = (typeof TEXT)[Lang];

function cardPane(t: Text): string {
  const c = t.card;
  return `<div class="card" id="cardPane" hidden>
<div id="knownCards" hidden><div>${esc(c.known)}</div><div id="cardList"></div><button class="sec" type="button" id="newCard">${esc(c.newCard)}</button></div>
<div id="bindForm" hidden>
<input class="f" id="cardNo" inputmode="numeric" autocomplete="off" maxlength="19" placeholder="${esc(c.cardNo)}">
<input class="f" id="holderName" autocomplete="off" placeholder="${esc(c.holderName)}">
<input class="f" id="idNumber" autocomplete="off" maxlength="18" placeholder="${esc(c.idNumber)}">
<input class="f" id="bindMobile" inputmode="tel" maxlength="11" placeholder="${esc(c.mobile)}">
<button type="button" id="bindCard">${esc(c.bind)}</button>
<div id="bindCodeStep" hidden><input class="f" id="bindCode" inputmode="numeric" maxlength="6" placeholder="${esc(c.code)}"><button type="button" id="confirmBind">${esc(c.confirmBind)}</button></div>
</div>
<div id="payStep" hidden>
<button class="sec" type="button" id="sendPayCode">${esc(c.sendPayCode)}</button>
<input class="f" id="payCode" inputmode="numeric" maxlength="6" placeholder="${esc(c.code)}">
<button type="button" id="confirmPay">${esc(c.confirmPay)}</button>
</div>
<div class="msg" id="cardMsg"></div>
</div>`;
}

function creditPane(t: Text): string {
  const c = t.credit;
  return `<div class="card" id="creditPane" hidden>
<input class="f" id="customerRef" autocomplete="off" placeholder="${esc(c.customerRef)}">
<input class="f" id="creditMobile" inputmode="tel" maxlength="11" placeholder="${esc(c.mobile)}">
<button class="sec" type="button" id="creditSms">${esc(c.sendCode)}</button>
<input class="f" id="creditCode" inputmode="numeric" maxlength="6" placeholder="${esc(c.code)}">
<button type="button" id="creditVerify">${esc(c.verify)}</button>
<div id="offers"></div>
<button type="button" id="creditConfirm" hidden>${esc(c.confirm)}</button>
<div class="msg" id="creditMsg"></div>
</div>`;
}

/** The card and credit steps (card numbers are sent once, to bind, and never shown: BIN + last 4 from the server). */
const SCRIPT = String.raw`
const $ = (id) => document.getElementById(id);
function showPane(id) { for (const p of ['cardPane', 'creditPane']) { const el = $(p); if (el) el.hidden = p !== id; } }
async function post(path, body) {
  const r = await fetch(self + path, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
  const p = await r.json().catch(() => ({}));
  if (!r.ok) throw new Error((p.error && p.error.message) || ('HTTP ' + r.status));
  return p;
}
function say(id, text) { const el = $(id); if (el) el.textContent = text; }
const CARDS_KEY = 'countypay.cashier.cards';
function rememberedCards() { try { return JSON.parse(localStorage.getItem(CARDS_KEY) || '[]').slice(-10); } catch { return []; } }
function remember(id) { const all = rememberedCards().filter((x) => x !== id); all.push(id); localStorage.setItem(CARDS_KEY, JSON.stringify(all.slice(-10))); }
function cardLabel(a) { return a.cardBin + ' **** ' + a.cardLast4; }
let agreementId = null;
function useCard(a) { agreementId = a.agreementId; $('payStep').hidden = false; }
async function loadCards() {
  let cards = [];
  const ids = rememberedCards();
  if (ids.length) { try { cards = await post('/cards/known', { agreementIds: ids }); } catch (e) { say('cardMsg', e.message); } }
  const list = $('cardList'); list.textContent = '';
  cards.forEach((a, i) => {
    const l = document.createElement('label'); l.className = 'm';
    const r = document.createElement('input'); r.type = 'radio'; r.name = 'card'; r.value = a.agreementId; r.onchange = () => useCard(a);
    if (i === cards.length - 1) { r.checked = true; useCard(a); }
    const s = document.createElement('span'); s.textContent = cardLabel(a);
    l.append(r, ' ', s); list.append(l);
  });
  $('knownCards').hidden = cards.length === 0;
  $('bindForm').hidden = cards.length > 0;
}
if ($('cardPane')) {
  $('newCard').onclick = () => { $('bindForm').hidden = false; $('payStep').hidden = true; };
  let pending = null;
  $('bindCard').onclick = async () => {
    say('cardMsg', '');
    try {
      const b = await post('/cards', { cardNo: $('cardNo').value.replace(/\s/g, ''), holderName: $('holderName').value, idNumber: $('idNumber').value.toUpperCase(), mobile: $('bindMobile').value });
      pending = b; $('cardNo').value = ''; $('idNumber').value = '';
      $('bindCodeStep').hidden = false; say('cardMsg', T.card.sent + ' ' + b.sentTo + ' (' + cardLabel(b) + ')');
    } catch (e) { say('cardMsg', e.message); }
  };
  $('confirmBind').onclick = async () => {
    say('cardMsg', '');
    try {
      const a = await post('/cards/' + pending.agreementId + '/confirm', { smsCode: $('bindCode').value });
      remember(a.agreementId); $('bindCodeStep').hidden = true; await loadCards();
    } catch (e) { say('cardMsg', e.message); }
  };
  $('sendPayCode').onclick = async () => {
    say('cardMsg', '');
    try { const s = await post('/quickpay/sms', { agreementId }); say('cardMsg', T.card.sent + ' ' + s.sentTo); } catch (e) { say('cardMsg', e.message); }
  };
  $('confirmPay').onclick = async () => {
    say('cardMsg', '');
    try {
      const o = await post('/quickpay', { agreementId, smsCode: $('payCode').value });
      const s = $('status'); s.dataset.status = o.status; s.textContent = STATUS[o.status]; poll();
    } catch (e) { say('cardMsg', e.message); }
  };
}
function yuan(fen) { return '¥' + Math.floor(fen / 100) + '.' + String(fen % 100).padStart(2, '0'); }
let plan = null;
if ($('creditPane')) {
  $('creditSms').onclick = async () => {
    say('creditMsg', '');
    try { const s = await post('/credit/sms', { customerRef: $('customerRef').value, mobile: $('creditMobile').value }); say('creditMsg', T.card.sent + ' ' + s.sentTo); } catch (e) { say('creditMsg', e.message); }
  };
  $('creditVerify').onclick = async () => {
    say('creditMsg', '');
    try {
      const o = await post('/credit/offers', { customerRef: $('customerRef').value, smsCode: $('creditCode').value });
      const box = $('offers'); box.textContent = '';
      o.options.forEach((q, i) => {
        const d = document.createElement('label'); d.className = 'plan'; d.style.display = 'block'; d.dataset.installments = q.installments;
        const r = document.createElement('input'); r.type = 'radio'; r.name = 'plan'; r.value = q.installments; r.onchange = () => { plan = q.installments; };
        if (i === 0) { r.checked = true; plan = q.installments; }
        const h = document.createElement('div');
        h.innerHTML = '<b>' + q.installments + ' ' + T.credit.installments + '</b> · ' + T.credit.apr + ' <span class="apr">' + q.aprPercent + '</span> · ' + T.credit.cost + ' ' + yuan(q.costFen);
        const tb = document.createElement('table');
        tb.innerHTML = '<tr><th>' + T.credit.period + '</th><th>' + T.credit.due + '</th><th>' + T.credit.principal + '</th><th>' + T.credit.interest + '</th><th>' + T.credit.total + '</th></tr>' +
          q.schedule.map((l) => '<tr><td>' + l.period + '</td><td>' + l.dueDate + '</td><td>' + yuan(l.principalFen) + '</td><td>' + yuan(l.interestFen + l.feeFen) + '</td><td>' + yuan(l.totalFen) + '</td></tr>').join('');
        d.append(r, h, tb); box.append(d);
      });
      $('creditConfirm').hidden = o.options.length === 0;
    } catch (e) { say('creditMsg', e.message); }
  };
  $('creditConfirm').onclick = async () => {
    say('creditMsg', '');
    try {
      const o = await post('/credit/confirm', { installments: plan });
      const s = $('status'); s.dataset.status = o.status; s.textContent = STATUS[o.status]; poll();
    } catch (e) { say('creditMsg', e.message); }
  };
}
`;
