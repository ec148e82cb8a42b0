// Profit sharing (分账) for county and province operators: the receivers partners registered, the
// escrow of shared orders per merchant (held, split, released, reversed, refunded) and an order's
// splits with their states. Read-only: partners split through the API.
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { App, Button, Card, Descriptions, Empty, Input, Result, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api, ApiFailure, type Page } from '../api';
import { statusText, useT, yuan, type Texts } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

interface Receiver {
  id: string;
  merchantId: string;
  merchantName: string;
  relation: string;
  description: string | null;
  createdAt: string;
}

interface EscrowRow {
  orderId: string;
  outTradeNo: string;
  merchantId: string;
  amountFen: number;
  feeFen: number;
  heldFen: number;
  splitFen: number;
  releasedFen: number;
  reversedFen: number;
  refundedFromEscrowFen: number;
  paidAt: string;
  finishedAt: string | null;
}

interface MerchantEscrow {
  merchantId: string;
  merchantName: string;
  orders: number;
  heldOrders: number;
  amountFen: number;
  feeFen: number;
  heldFen: number;
  splitFen: number;
  releasedFen: number;
  reversedFen: number;
  refundedFromEscrowFen: number;
}

interface Split {
  id: string;
  orderId: string;
  outSplitNo: string;
  totalFen: number;
  status: 'processing' | 'succeeded' | 'failed';
  failureReason: string | null;
  receivers: Array<{ merchantId: string; amountFen: number; reversedFen: number }>;
  createdAt: string;
}

const SPLIT_COLOR: Record<Split['status'], string> = { processing: 'processing', succeeded: 'success', failed: 'error' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const relationText = (t: Texts, r: string): string => (`rel_${r}` in t ? t[`rel_${r}` as keyof Texts] : r);

function failureText(e: unknown): string {
  return e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e);
}

export function ProfitSharingPage({ session }: { session: Session }) {
  const t = useT();
  const [tenant, setTenant, tenants] = useCounty(session);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
      <Tabs
        destroyInactiveTabPane
        items={[
          { key: 'escrow', label: t.escrowPositions, children: <EscrowPositions tenant={tenant} /> },
          { key: 'receivers', label: t.sharingReceivers, children: <Receivers tenant={tenant} /> },
          { key: 'order', label: t.orderSplits, children: <OrderLookup /> },
        ]}
      />
    </Space>
  );
}

function Receivers({ tenant }: { tenant?: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [rows, setRows] = useState<Receiver[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const load = (after?: string) => {
    const q = new URLSearchParams({ limit: '50', ...(after ? { cursor: after } : {}) });
    void api<Page<Receiver>>('GET', `/v1/acquiring/profit-sharing/receivers?${q.toString()}`, undefined, { tenantId: tenant }).then(
      (p) => {
        setRows((prev) => (after ? [...prev, ...p.data] : p.data));
        setCursor(p.nextCursor);
      },
      (e: unknown) => void message.error(failureText(e)),
    );
  };
  useEffect(() => load(), [tenant]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Table
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={false}
        data-testid="receivers"
        columns={[
          { title: t.merchant, dataIndex: 'merchantName', render: (n: string, r: Receiver) => n || r.merchantId },
          { title: 'ID', dataIndex: 'merchantId', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
          { title: t.relation, dataIndex: 'relation', render: (r: string) => <Tag>{relationText(t, r)}</Tag> },
          { title: t.note, dataIndex: 'description', render: (d: string | null) => d ?? '-' },
          { title: t.createdAt, dataIndex: 'createdAt' },
        ]}
      />
      {cursor && <Button onClick={() => load(cursor)}>{t.more}</Button>}
    </Space>
  );
}

function EscrowPositions({ tenant }: { tenant?: string }) {
  const t = useT();
  const { message } = App.useApp();
  const [merchantId, setMerchantId] = useState('');
  const [position, setPosition] = useState<'held' | 'finished'>();
  const [rows, setRows] = useState<EscrowRow[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [summary, setSummary] = useState<MerchantEscrow | null>(null);
  const merchant = merchantId.trim();

  const load = (after?: string) => {
    if (merchant && !UUID.test(merchant)) {
      void message.error(t.notFound);
      return;
    }
    const q = new URLSearchParams({ limit: '50' });
    if (merchant) q.set('merchantId', merchant);
    if (position) q.set('position', position);
    if (after) q.set('cursor', after);
    void api<Page<EscrowRow>>('GET', `/v1/acquiring/profit-sharing/escrows?${q.toString()}`, undefined, { tenantId: tenant }).then(
      (p) => {
        setRows((prev) => (after ? [...prev, ...p.data] : p.data));
        setCursor(p.nextCursor);
      },
      (e: unknown) => {
        setRows([]);
        setCursor(null);
        void message.error(e instanceof ApiFailure && e.status === 404 ? t.notFound : failureText(e));
      },
    );
    if (!after) {
      if (!merchant) setSummary(null);
      else
        void api<MerchantEscrow>('GET', `/v1/acquiring/profit-sharing/merchants/${encodeURIComponent(merchant)}/escrow`, undefined, { tenantId: tenant }).then(
          setSummary,
          () => setSummary(null),
        );
    }
  };
  useEffect(() => load(), [tenant, position]);

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Input.Search
          placeholder={t.merchantIdOptional}
          style={{ width: 440 }}
          value={merchantId}
          onChange={(e) => setMerchantId(e.target.value)}
          onSearch={() => load()}
          enterButton={t.search}
          data-testid="escrow-merchant"
        />
        <Select
          allowClear
          placeholder={t.status}
          style={{ width: 140 }}
          value={position}
          onChange={setPosition}
          data-testid="escrow-position"
          options={[
            { value: 'held', label: t.positionHeld },
            { value: 'finished', label: t.positionFinished },
          ]}
        />
      </Space>
      {summary && (
        <Card size="small" title={summary.merchantName} data-testid="escrow-summary">
          <Descriptions size="small" column={4}>
            <Descriptions.Item label={t.orderCount}>{summary.orders}</Descriptions.Item>
            <Descriptions.Item label={t.heldOrders}>{summary.heldOrders}</Descriptions.Item>
            <Descriptions.Item label={t.amount}>{yuan(summary.amountFen)}</Descriptions.Item>
            <Descriptions.Item label={t.fee}>{yuan(summary.feeFen)}</Descriptions.Item>
            <Descriptions.Item label={t.escrowHeld}>
              <span data-testid="summary-held">{yuan(summary.heldFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.escrowSplit}>
              <span data-testid="summary-split">{yuan(summary.splitFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.escrowReleased}>
              <span data-testid="summary-released">{yuan(summary.releasedFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.escrowReversed}>
              <span data-testid="summary-reversed">{yuan(summary.reversedFen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.escrowRefunded}>{yuan(summary.refundedFromEscrowFen)}</Descriptions.Item>
          </Descriptions>
        </Card>
      )}
      <Table
        rowKey="orderId"
        size="small"
        dataSource={rows}
        pagination={false}
        data-testid="escrows"
        expandable={{ expandedRowRender: (r) => <SplitsOf orderId={r.orderId} tenant={tenant} /> }}
        columns={[
          {
            title: t.outTradeNo,
            dataIndex: 'outTradeNo',
            render: (n: string, r: EscrowRow) => <Link to={`/profit-sharing/orders/${r.orderId}`}>{n}</Link>,
          },
          { title: t.amount, dataIndex: 'amountFen', render: yuan },
          { title: t.fee, dataIndex: 'feeFen', render: yuan },
          { title: t.escrowHeld, dataIndex: 'heldFen', render: yuan },
          { title: t.escrowSplit, dataIndex: 'splitFen', render: yuan },
          { title: t.escrowReleased, dataIndex: 'releasedFen', render: yuan },
          { title: t.escrowReversed, dataIndex: 'reversedFen', render: yuan },
          { title: t.escrowRefunded, dataIndex: 'refundedFromEscrowFen', render: yuan },
          { title: t.paidAt, dataIndex: 'paidAt' },
          {
            title: t.status,
            dataIndex: 'finishedAt',
            render: (f: string | null) => (f ? <Tag>{t.positionFinished}</Tag> : <Tag color="gold">{t.positionHeld}</Tag>),
          },
        ]}
      />
      {cursor && <Button onClick={() => load(cursor)}>{t.more}</Button>}
    </Space>
  );
}

/** An order's splits with their states and each receiver's share (and what refunds took back). */
function SplitsOf({ orderId, tenant }: { orderId: string; tenant?: string }) {
  const t = useT();
  const [splits, setSplits] = useState<Split[] | null>();
  useEffect(() => {
    void api<{ data: Split[] }>('GET', `/v1/acquiring/orders/${encodeURIComponent(orderId)}/splits`, undefined, { tenantId: tenant }).then(
      (r) => setSplits(r.data),
      () => setSplits(null),
    );
  }, [orderId, tenant]);
  if (splits === undefined) return null;
  if (splits === null) return <Result status="404" title="404" subTitle={t.notFound} data-testid="not-found" />;
  if (splits.length === 0) return <Empty description={t.noSplits} />;
  return (
    <Table
      rowKey="id"
      size="small"
      dataSource={splits}
      pagination={false}
      data-testid={`splits-${orderId}`}
      columns={[
        { title: t.outSplitNo, dataIndex: 'outSplitNo' },
        { title: t.amount, dataIndex: 'totalFen', render: yuan },
        {
          title: t.status,
          dataIndex: 'status',
          render: (s: Split['status'], x: Split) => (
            <Tag color={SPLIT_COLOR[s]} data-testid={`split-status-${x.outSplitNo}`}>
              {statusText(t, s)}
              {x.failureReason ? ` (${x.failureReason})` : ''}
            </Tag>
          ),
        },
        {
          title: t.splitReceivers,
          dataIndex: 'receivers',
          render: (rs: Split['receivers']) => (
            <Space direction="vertical" size={0}>
              {rs.map((r) => (
                <span key={r.merchantId}>
                  <Typography.Text code>{r.merchantId.slice(0, 8)}</Typography.Text> {yuan(r.amountFen)}
                  {r.reversedFen > 0 ? ` (${t.escrowReversed} ${yuan(r.reversedFen)})` : ''}
                </span>
              ))}
            </Space>
          ),
        },
        { title: t.createdAt, dataIndex: 'createdAt' },
      ]}
    />
  );
}

function OrderLookup() {
  const t = useT();
  const [orderId, setOrderId] = useState('');
  const [shown, setShown] = useState<string>();
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Input.Search
        placeholder={t.orderIdToSplit}
        style={{ width: 440 }}
        value={orderId}
        onChange={(e) => setOrderId(e.target.value)}
        onSearch={(v) => setShown(v.trim() || undefined)}
        enterButton={t.search}
        data-testid="split-order"
      />
      {shown && (UUID.test(shown) ? <SplitsOf key={shown} orderId={shown} /> : <Result status="404" title="404" subTitle={t.notFound} />)}
    </Space>
  );
}

/** One order's splits by URL: another county's order is a 404 from the server, shown as such. */
export function OrderSplitsPage() {
  const t = useT();
  const { orderId = '' } = useParams();
  return (
    <Card title={`${t.orderSplits} · ${orderId}`}>
      <SplitsOf orderId={orderId} />
    </Card>
  );
}
