import { useState } from 'react';
import { Button, Descriptions, Drawer, Input, Space, Table, Tag, Timeline, Typography } from 'antd';
import { api, type Page } from '../api';
import { useT, yuan } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
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
  const [trace, setTrace] = useState<{ url: string | null; traceId: string | null; search: string }>();
  const search = async (q: string) => {
    const p = await api<Page<Order>>('GET', `/v1/qr/orders?limit=50${q ? `&outTradeNo=${encodeURIComponent(q)}` : ''}`, undefined, { tenantId: tenant });
    setRows(p.data);
  };
  const openTimeline = async (o: Order) => {
    setOpen(o);
    setTrace(undefined);
    setLedger(
      (await api<Page<LedgerEntry>>('GET', `/v1/ledger/entries?orderId=${o.id}`, undefined, { tenantId: tenant }).catch(() => ({ data: [] as LedgerEntry[] })))
        .data,
    );
    setTrace(await api('GET', `/console/api/payments/trace?orderId=${o.id}&tenantId=${tenant ?? ''}`));
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
        <Input.Search placeholder={t.outTradeNo} enterButton={t.search} onSearch={(q) => void search(q)} data-testid="search" style={{ width: 360 }} />
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
