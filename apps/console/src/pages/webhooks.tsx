import { useEffect, useState } from 'react';
import { App, Button, Input, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { api, ApiFailure, type Page } from '../api';
import { useT, type Texts } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

// What the gateway answers (GET /v1/ops/webhooks/deliveries): the browser only lays it out.
export interface WebhookAttempt {
  attemptNo: number;
  triggeredBy: 'schedule' | 'resend';
  statusCode: number | null;
  durationMs: number;
  errorClass: string | null;
  outcome: 'delivered' | 'failed';
  at: string;
}

export interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  url: string;
  appId: string;
  tenantId: string;
  status: 'pending' | 'delivered' | 'failed';
  attemptCount: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastErrorClass: string | null;
  deliveredAt: string | null;
  createdAt: string;
  attempts: WebhookAttempt[];
}

const STATUS_COLOR: Record<Delivery['status'], string> = { pending: 'blue', delivered: 'green', failed: 'red' };

export const deliveryStatusTag = (t: Texts, s: Delivery['status']) => (
  <Tag color={STATUS_COLOR[s]}>{s === 'pending' ? t.deliveryPending : s === 'delivered' ? t.deliveryDelivered : t.deliveryFailed}</Tag>
);

/** One attempt as a line: when, by whom (schedule or resend), what the receiver answered. */
export function attemptText(t: Texts, a: WebhookAttempt): string {
  const answer = a.statusCode !== null ? `HTTP ${a.statusCode}` : (a.errorClass ?? '');
  return `#${a.attemptNo} ${a.at} ${a.triggeredBy === 'resend' ? t.byResend : t.bySchedule} ${answer} ${a.durationMs}ms`;
}

export function AttemptsTimeline({ attempts }: { attempts: WebhookAttempt[] }) {
  const t = useT();
  if (attempts.length === 0) return <Typography.Text type="secondary">{t.noAttempts}</Typography.Text>;
  return <Timeline items={attempts.map((a) => ({ color: a.outcome === 'delivered' ? 'green' : 'red', children: attemptText(t, a) }))} />;
}

/**
 * Webhook deliveries of a county (every app): event, type, endpoint, attempts, status, next
 * attempt; filters; a failed (or any) delivery sent again by an operator — the server scopes it to
 * the operator's county and records who asked.
 */
export function WebhooksPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [rows, setRows] = useState<Delivery[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<string>();
  const [eventType, setEventType] = useState<string>();
  const [appId, setAppId] = useState('');
  const [eventOrOrder, setEventOrOrder] = useState('');
  const fail = (e: unknown) => void message.error(e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e));

  const load = (after?: string) => {
    const q = new URLSearchParams({ limit: '50' });
    if (status) q.set('status', status);
    if (eventType) q.set('eventType', eventType);
    if (appId.trim()) q.set('appId', appId.trim());
    const id = eventOrOrder.trim();
    if (id) q.set(id.startsWith('order:') ? 'orderId' : 'eventId', id.replace(/^order:/, ''));
    if (after) q.set('cursor', after);
    void api<Page<Delivery>>('GET', `/v1/ops/webhooks/deliveries?${q.toString()}`, undefined, { tenantId: tenant }).then((p) => {
      setRows((prev) => (after ? [...prev, ...p.data] : p.data));
      setCursor(p.nextCursor);
    }, fail);
  };
  useEffect(() => load(), [tenant, status, eventType]);

  const resend = async (d: Delivery) => {
    try {
      const r = await api<Delivery>('POST', `/v1/ops/webhooks/deliveries/${d.id}/resend`, undefined, { tenantId: tenant });
      void message.success(`${t.resent}: ${r.eventId}`);
      setRows((prev) => prev.map((x) => (x.id === r.id ? r : x)));
    } catch (e) {
      fail(e);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
        <Select
          allowClear
          placeholder={t.status}
          style={{ width: 140 }}
          value={status}
          onChange={setStatus}
          data-testid="delivery-status"
          options={(['pending', 'delivered', 'failed'] as const).map((v) => ({ value: v, label: deliveryStatusTag(t, v) }))}
        />
        <Select
          allowClear
          placeholder={t.eventType}
          style={{ width: 200 }}
          value={eventType}
          onChange={setEventType}
          options={['payment.succeeded', 'payment.failed', 'payment.closed', 'refund.succeeded', 'refund.failed'].map((v) => ({ value: v, label: v }))}
        />
        <Input placeholder="App ID" style={{ width: 260 }} value={appId} onChange={(e) => setAppId(e.target.value)} />
        <Input.Search
          placeholder={t.eventOrOrderId}
          style={{ width: 420 }}
          value={eventOrOrder}
          onChange={(e) => setEventOrOrder(e.target.value)}
          onSearch={() => load()}
          enterButton={t.search}
          data-testid="delivery-search"
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={false}
        data-testid="deliveries"
        expandable={{ expandedRowRender: (d) => <AttemptsTimeline attempts={d.attempts} /> }}
        columns={[
          { title: t.eventId, dataIndex: 'eventId', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
          { title: t.eventType, dataIndex: 'eventType' },
          { title: t.endpoint, dataIndex: 'url', render: (u: string, d: Delivery) => <span title={d.appId}>{u}</span> },
          { title: t.attempts, dataIndex: 'attemptCount' },
          { title: t.status, dataIndex: 'status', render: (s: Delivery['status']) => deliveryStatusTag(t, s) },
          { title: t.lastAnswer, render: (_: unknown, d: Delivery) => (d.lastStatusCode !== null ? `HTTP ${d.lastStatusCode}` : (d.lastErrorClass ?? '-')) },
          { title: t.nextAttempt, dataIndex: 'nextAttemptAt', render: (v: string | null) => v ?? '-' },
          {
            title: '',
            render: (_: unknown, d: Delivery) => (
              <Button size="small" type={d.status === 'failed' ? 'primary' : 'default'} data-testid={`resend-${d.id}`} onClick={() => void resend(d)}>
                {t.resend}
              </Button>
            ),
          },
        ]}
      />
      {cursor && <Button onClick={() => load(cursor)}>{t.more}</Button>}
    </Space>
  );
}
