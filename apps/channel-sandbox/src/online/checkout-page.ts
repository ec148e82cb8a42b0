import type { Channel } from '../domain/channels';
import type { PaymentStatus } from '../domain/payment-state';

const NAMES: Record<Channel, string> = { wechat: '微信支付（沙箱）', alipay: '支付宝（沙箱）', unionpay: '银联在线（沙箱）', county_bank: '县级银行（沙箱）' };

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The simulated wallet's payment page: the amount and two buttons (pay, decline), as a payer sees it. */
export function checkoutPage(channel: Channel, tenantId: string, orderId: string, p: { amountFen: bigint; status: PaymentStatus } | undefined): string {
  const yuan = p ? `¥${(p.amountFen / 100n).toString()}.${(p.amountFen % 100n).toString().padStart(2, '0')}` : '—';
  const action = `/online/payer/${channel}/${orderId}`;
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(NAMES[channel])}</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px;text-align:center}
button{display:block;width:100%;padding:14px;margin:12px 0;font-size:17px;border-radius:8px;border:0}
#pay{background:#07c160;color:#fff}#decline{background:#eee}</style></head>
<body><h1>${esc(NAMES[channel])}</h1><p id="amount" style="font-size:32px">${esc(yuan)}</p>
<p id="status" data-status="${p ? esc(p.status) : 'unknown'}">${p ? esc(p.status) : '订单不存在'}</p>
${p && p.status === 'user_paying' ? `<button id="pay">确认支付</button><button id="decline">余额不足（拒绝）</button>` : ''}
<script>
for (const [id, action] of [['pay', 'pay'], ['decline', 'decline']]) {
  const b = document.getElementById(id);
  if (b) b.onclick = async () => {
    const r = await fetch(${JSON.stringify(action)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ tenantId: ${JSON.stringify(tenantId)}, action }) });
    const j = await r.json();
    const s = document.getElementById('status'); s.textContent = j.status || (j.error && j.error.code); s.dataset.status = j.status || 'error';
    for (const x of document.querySelectorAll('button')) x.remove();
  };
}
</script></body></html>`;
}
