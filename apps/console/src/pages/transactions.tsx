import { useState } from 'react';
import { Button, DatePicker, Descriptions, Drawer, Input, InputNumber, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { api, type Page } from '../api';
import { useT, yuan } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import { attemptText, deliveryStatusTag, type Delivery } from './webhooks';
import type { Session } from './index';

interface Order {
  id: string;
  outTradeNo: string;
  merchantId: string;
  amountFen: number;
  status: string;
  channel: string | null;
  channelTradeNo: string | null;
  createdAt: string;
  paidAt: string | null;
}

interface LedgerEntry {
  id: string;
  sourceType: string;
  postedAt: string;
  feeFen: number;
  postings: Array<{ account: string; direction: string; amountFen: number }>;
}

/** Search a county's QR payments by out-trade-no; a payment's timeline with its ledger entries and its trace. */
export function TransactionsPage({ session }: { session: Session }) {
  const t = useT();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [rows, setRows] = useState<Order[]>([]);
  const [open, setOpen] = useState<Order>();
  const [ledger, setLedger] = useState<LedgerEntry[]>([]);
  const [deliveries, setDeliveries] = useState<Delivery[]>([]);
  const [trace, setTrace] = useState<{ url: string | null; traceId: string | null; search: string }>();
  const [state, setState] = useState<string>();
  const [merchantId, setMerchantId] = useState('');
  const [minYuan, setMinYuan] = useState<number | null>(null);
  const [maxYuan, setMaxYuan] = useState<number | null>(null);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  /** Any id: an order id or a refund id (UUIDs), else an out-trade-no or a channel transaction number; with the filters. */
  const search = async (q: string) => {
    const filters = new URLSearchParams({ limit: '50' });
    if (state) filters.set('status', state);
    if (merchantId.trim()) filters.set('merchantId', merchantId.trim());
    if (minYuan !== null) filters.set('minAmountFen', String(Math.round(minYuan * 100)));
    if (maxYuan !== null) filters.set('maxAmountFen', String(Math.round(maxYuan * 100)));
    if (range?.[0]) filters.set('createdFrom', range[0].startOf('day').toISOString());
    if (range?.[1]) filters.set('createdTo', range[1].add(1, 'day').startOf('day').toISOString());
    const list = (extra: Record<string, string>) => {
      const p = new URLSearchParams(filters);
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      return api<Page<Order>>('GET', `/v1/qr/orders?${p.toString()}`, undefined, { tenantId: tenant }).then(
        (r) => r.data,
        () => [] as Order[],
      );
    };
    const id = q.trim();
    let found: Order[];
    if (!id) found = await list({});
    else if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) {
      const byId = await api<Order>('GET', `/v1/qr/orders/${id}`, undefined, { tenantId: tenant }).then(
        (o) => [o],
        () => [] as Order[],
      );
      found = [...byId, ...(await list({ refundId: id }))];
    } else found = [...(await list({ outTradeNo: id })), ...(await list({ channelTradeNo: id }))];
    setRows([...new Map(found.map((o) => [o.id, o])).values()]);
  };
  const openTimeline = async (o: Order) => {
    setOpen(o);
    setTrace(undefined);
    setDeliveries([]);
    setLedger(
      (await api<Page<LedgerEntry>>('GET', `/v1/ledger/entries?orderId=${o.id}`, undefined, { tenantId: tenant }).catch(() => ({ data: [] as LedgerEntry[] })))
        .data,
    );
    setDeliveries(
      (
        await api<Page<Delivery>>('GET', `/v1/ops/webhooks/deliveries?orderId=${o.id}&limit=100`, undefined, { tenantId: tenant }).catch(() => ({
          data: [] as Delivery[],
        }))
      ).data,
    );
    setTrace(await api('GET', `/console/api/payments/trace?orderId=${o.id}&tenantId=${tenant ?? ''}`));
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
        <Input.Search placeholder={t.anyId} enterButton={t.search} onSearch={(q) => void search(q)} data-testid="search" style={{ width: 420 }} />
      </Space>
      <Space wrap>
        <Select
          allowClear
          placeholder={t.status}
          style={{ width: 140 }}
          value={state}
          onChange={setState}
          options={['created', 'paying', 'succeeded', 'failed', 'closed'].map((v) => ({ value: v, label: v }))}
        />
        <Input placeholder={`${t.merchant} ID`} style={{ width: 320 }} value={merchantId} onChange={(e) => setMerchantId(e.target.value)} />
        <InputNumber placeholder={`${t.amount} ≥ ¥`} min={0.01} step={0.01} value={minYuan} onChange={setMinYuan} style={{ width: 140 }} />
        <InputNumber placeholder={`${t.amount} ≤ ¥`} min={0.01} step={0.01} value={maxYuan} onChange={setMaxYuan} style={{ width: 140 }} />
        <DatePicker.RangePicker value={range} onChange={(v) => setRange(v)} />
      </Space>
      <Table
        rowKey="id"
        dataSource={rows}
        pagination={false}
        onRow={(o) => ({ onClick: () => void openTimeline(o) })}
        columns={[
          { title: t.outTradeNo, dataIndex: 'outTradeNo' },
          { title: t.orderId, dataIndex: 'id' },
          { title: t.amount, dataIndex: 'amountFen', render: (f: number) => yuan(f) },
          { title: t.status, dataIndex: 'status', render: (s: string) => <Tag color={s === 'succeeded' ? 'green' : s === 'failed' ? 'red' : 'blue'}>{s}</Tag> },
          { title: t.createdAt, dataIndex: 'createdAt' },
        ]}
      />
      <Drawer open={!!open} width={720} title={t.timeline} onClose={() => setOpen(undefined)}>
        {open && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="timeline">
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label={t.orderId}>{open.id}</Descriptions.Item>
              <Descriptions.Item label={t.outTradeNo}>{open.outTradeNo}</Descriptions.Item>
              <Descriptions.Item label={t.amount}>{yuan(open.amountFen)}</Descriptions.Item>
              <Descriptions.Item label={t.merchant}>{open.merchantId}</Descriptions.Item>
            </Descriptions>
            <Timeline
              items={[
                { color: 'blue', children: `created ${open.createdAt}` },
                ...(open.channel ? [{ color: 'blue', children: `channel ${open.channel} ${open.channelTradeNo ?? ''}` }] : []),
                ...(open.paidAt ? [{ color: 'green', children: `${open.status} ${open.paidAt}` }] : [{ color: 'gray', children: open.status }]),
                ...ledger.map((e) => ({
                  color: 'green',
                  children: `${t.ledger}: ${e.sourceType} ${e.postedAt} (${e.postings.map((p) => `${p.direction === 'debit' ? 'Dr' : 'Cr'} ${p.account} ${yuan(p.amountFen)}`).join('; ')})`,
                })),
                // webhooks oldest first, each with its attempts
                ...[...deliveries].reverse().map((d) => ({
                  color: d.status === 'delivered' ? 'green' : d.status === 'failed' ? 'red' : 'blue',
                  children: (
                    <div data-testid={`timeline-delivery-${d.id}`}>
                      {t.webhooks}: {d.eventType} → {d.url} {deliveryStatusTag(t, d.status)}
                      {d.attempts.map((a) => (
                        <div key={a.attemptNo} style={{ paddingLeft: 16, color: a.outcome === 'delivered' ? undefined : '#cf1322' }}>
                          {attemptText(t, a)}
                        </div>
                      ))}
                    </div>
                  ),
                })),
              ]}
            />
            <Typography.Text strong>{t.trace}</Typography.Text>
            {trace?.url ? (
              <Button type="link" href={trace.url} target="_blank" data-testid="trace-link">
                {t.openTrace} {trace.traceId}
              </Button>
            ) : (
              <Typography.Text type="secondary" data-testid="trace-search">
                {trace ? trace.search : '…'}
              </Typography.Text>
            )}
          </Space>
        )}
      </Drawer>
    </Space>
  );
}
