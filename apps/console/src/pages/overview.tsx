import { useEffect, useState } from 'react';
import { Card, Col, Row, Space, Statistic, Table, Tag } from 'antd';
import { api, type Page } from '../api';
import { useT, yuan } from '../i18n';
import { HourlyChart } from './chart';
import type { Session } from './index';

// What the server computes (GET /v1/qr/stats/daily, GET /v1/ops/health): the browser only lays it out.
interface HourStats {
  hour: number;
  orders: number;
  succeeded: number;
  amountFen: number;
  latencyMsAvg: number | null;
}

interface CountyStats {
  tenantId: string;
  orders: number;
  succeeded: number;
  failed: number;
  amountFen: number;
  successRate: number | null;
  latencyMsAvg: number | null;
  latencyMsP95: number | null;
  hours: HourStats[];
}

interface Health {
  consumers: Array<{ group: string; lag: number }>;
  webhookBacklog: Array<{ tenantId: string; pending: number; oldestDueSeconds: number }>;
  outboxLag: Array<{ service: string; status: 'ok' | 'unavailable'; pending: number | null; oldestPendingSeconds: number | null }>;
  deadLetters: Array<{ topic: string; count: number }> | null;
}

interface Row extends CountyStats {
  name: string;
  backlog: number;
}

const percent = (r: number | null): string => (r === null ? '-' : `${(r * 100).toFixed(1)}%`);

/** The hourly series of several counties added up (latency weighted by each hour's succeeded orders). */
function sumHours(counties: CountyStats[]): { volume: number[]; latency: number[] } {
  const volume = Array.from({ length: 24 }, () => 0);
  const latencySum = Array.from({ length: 24 }, () => 0);
  const latencyN = Array.from({ length: 24 }, () => 0);
  for (const c of counties)
    for (const h of c.hours) {
      volume[h.hour]! += h.orders;
      if (h.latencyMsAvg !== null) {
        latencySum[h.hour]! += h.latencyMsAvg * h.succeeded;
        latencyN[h.hour]! += h.succeeded;
      }
    }
  return { volume, latency: latencySum.map((s, h) => (latencyN[h] ? Math.round(s / latencyN[h]!) : 0)) };
}

/**
 * Province: today's 99 counties (volume, amount, success rate, latency, webhook backlog) and the
 * platform's health; a county row opens that county. County operator: its own county only (the
 * server decides). Charts: volume and latency over the day.
 */
export function OverviewPage({ session }: { session: Session }) {
  const t = useT();
  const province = session.operator.role === 'province';
  const [stats, setStats] = useState<CountyStats[]>([]);
  const [health, setHealth] = useState<Health>();
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const [focus, setFocus] = useState<string>();
  useEffect(() => {
    void api<{ counties: CountyStats[] }>('GET', '/v1/qr/stats/daily', undefined, { tenantId: null }).then(
      (s) => setStats(s.counties),
      () => setStats([]),
    );
    void api<Health>('GET', '/v1/ops/health', undefined, { tenantId: null }).then(setHealth, () => setHealth(undefined));
    void api<Page<{ tenantId: string; name: string; shortName?: string }>>('GET', '/v1/admin/tenants?limit=100', undefined, { tenantId: null }).then(
      (p) => setNames(new Map(p.data.map((x) => [x.tenantId, x.shortName ?? x.name]))),
      () => setNames(new Map()),
    );
  }, []);
  const backlog = new Map((health?.webhookBacklog ?? []).map((b) => [b.tenantId, b.pending]));
  const empty = (tenantId: string): CountyStats => ({
    tenantId,
    orders: 0,
    succeeded: 0,
    failed: 0,
    amountFen: 0,
    successRate: null,
    latencyMsAvg: null,
    latencyMsP95: null,
    hours: [],
  });
  const byTenant = new Map(stats.map((s) => [s.tenantId, s]));
  // every county the operator may see, with or without payments today
  const tenants = province ? [...new Set([...names.keys(), ...byTenant.keys()])].sort() : session.operator.tenantId ? [session.operator.tenantId] : [];
  const rows: Row[] = tenants.map((id) => ({ ...(byTenant.get(id) ?? empty(id)), name: names.get(id) ?? id, backlog: backlog.get(id) ?? 0 }));
  const shown = focus ? rows.filter((r) => r.tenantId === focus) : rows;
  const orders = shown.reduce((n, r) => n + r.orders, 0);
  const succeeded = shown.reduce((n, r) => n + r.succeeded, 0);
  const final = succeeded + shown.reduce((n, r) => n + r.failed, 0);
  const { volume, latency } = sumHours(shown);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="overview">
      {province && (
        <Space>
          <Tag color={focus ? 'default' : 'green'} style={{ cursor: 'pointer' }} onClick={() => setFocus(undefined)} data-testid="overview-all">
            {t.allCounties}
          </Tag>
          {focus && <Tag color="green">{`${focus} ${names.get(focus) ?? ''}`}</Tag>}
        </Space>
      )}
      <Row gutter={16}>
        <Col span={4}>
          <Card>
            <Statistic title={t.count} value={orders} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t.amount} value={yuan(shown.reduce((n, r) => n + r.amountFen, 0))} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic title={t.successRate} value={final ? percent(succeeded / final) : '-'} />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic
              title={`${t.consumerLag} / ${t.outboxOldest}`}
              value={
                health
                  ? `${health.consumers.reduce((n, c) => n + c.lag, 0)} / ${Math.round(Math.max(0, ...health.outboxLag.map((o) => o.oldestPendingSeconds ?? 0)))} s`
                  : '-'
              }
            />
          </Card>
        </Col>
        <Col span={5}>
          <Card>
            <Statistic
              title={`${t.webhookBacklog} / ${t.deadLetterCount}`}
              value={`${shown.reduce((n, r) => n + r.backlog, 0)} / ${health?.deadLetters ? health.deadLetters.reduce((n, d) => n + d.count, 0) : '-'}`}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col span={12}>
          <Card>
            <HourlyChart title={t.volumeByHour} values={volume} kind="bar" />
          </Card>
        </Col>
        <Col span={12}>
          <Card>
            <HourlyChart title={t.latencyByHour} values={latency} kind="line" />
          </Card>
        </Col>
      </Row>
      <div data-testid="county-table">
        <Table<Row>
          rowKey="tenantId"
          size="small"
          dataSource={rows}
          pagination={{ pageSize: 20, showSizeChanger: false }}
          onRow={(r) => ({ onClick: () => province && setFocus(r.tenantId), style: { cursor: province ? 'pointer' : 'default' } })}
          columns={[
            { title: t.county, dataIndex: 'tenantId', render: (id: string, r) => `${id} ${r.name}` },
            { title: t.count, dataIndex: 'orders', sorter: (a, b) => a.orders - b.orders },
            { title: t.amount, dataIndex: 'amountFen', render: (f: number) => yuan(f), sorter: (a, b) => a.amountFen - b.amountFen },
            { title: t.successRate, dataIndex: 'successRate', render: percent },
            { title: t.failed, dataIndex: 'failed' },
            { title: t.latencyAvg, dataIndex: 'latencyMsAvg', render: (v: number | null) => v ?? '-' },
            { title: t.latencyP95, dataIndex: 'latencyMsP95', render: (v: number | null) => v ?? '-' },
            {
              title: t.webhookBacklog,
              dataIndex: 'backlog',
              render: (n: number) => <Tag color={n > 0 ? 'orange' : 'default'}>{n}</Tag>,
              sorter: (a, b) => a.backlog - b.backlog,
            },
          ]}
        />
      </div>
      {health && (
        <Card title={t.health} size="small">
          <Row gutter={16}>
            <Col span={12}>
              <Table
                rowKey="group"
                size="small"
                pagination={false}
                dataSource={health.consumers}
                columns={[
                  { title: t.consumerGroup, dataIndex: 'group' },
                  { title: t.consumerLag, dataIndex: 'lag', render: (n: number) => <Tag color={n > 0 ? 'orange' : 'green'}>{n}</Tag> },
                ]}
              />
            </Col>
            <Col span={12} data-testid="outbox-lag">
              <Table
                rowKey="service"
                size="small"
                pagination={false}
                dataSource={health.outboxLag}
                columns={[
                  { title: t.service, dataIndex: 'service' },
                  {
                    title: t.outboxOldest,
                    render: (_: unknown, o: Health['outboxLag'][number]) =>
                      o.status === 'unavailable' ? (
                        <Tag color="red">{t.unavailable}</Tag>
                      ) : (
                        <Tag color={(o.oldestPendingSeconds ?? 0) > 60 ? 'red' : (o.oldestPendingSeconds ?? 0) > 5 ? 'orange' : 'green'}>
                          {Math.round(o.oldestPendingSeconds ?? 0)} s
                        </Tag>
                      ),
                  },
                  { title: t.outboxPending, dataIndex: 'pending', render: (n: number | null) => n ?? '-' },
                ]}
              />
            </Col>
          </Row>
          <Table
            style={{ marginTop: 16 }}
            rowKey="tenantId"
            size="small"
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={health.webhookBacklog}
            data-testid="webhook-backlog"
            columns={[
              { title: t.county, dataIndex: 'tenantId', render: (id: string) => `${id} ${names.get(id) ?? ''}` },
              { title: t.webhookBacklog, dataIndex: 'pending' },
              { title: t.oldestDue, dataIndex: 'oldestDueSeconds', render: (n: number) => `${Math.round(n)} s` },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
