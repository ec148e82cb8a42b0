import { useEffect, useState } from 'react';
import { Card, Col, Row, Space, Statistic } from 'antd';
import { api, type Page } from '../api';
import { useT, yuan } from '../i18n';
import { HourlyChart } from './chart';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

interface Order {
  id: string;
  status: string;
  amountFen: number;
  createdAt: string;
  paidAt: string | null;
}

/** Today's payments of one county (the province picks it): volume, success rate, latency by hour. */
export function OverviewPage({ session }: { session: Session }) {
  const t = useT();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [orders, setOrders] = useState<Order[]>([]);
  useEffect(() => {
    if (!tenant) return;
    void api<Page<Order>>('GET', '/v1/qr/orders?limit=100', undefined, { tenantId: tenant }).then(
      (p) => setOrders(p.data),
      () => setOrders([]),
    );
  }, [tenant]);
  const today = new Date().toDateString();
  const todays = orders.filter((o) => new Date(o.createdAt).toDateString() === today);
  const volume = Array.from({ length: 24 }, () => 0);
  const latencySum = Array.from({ length: 24 }, () => 0);
  const latencyN = Array.from({ length: 24 }, () => 0);
  for (const o of todays) {
    const h = new Date(o.createdAt).getHours();
    volume[h]! += 1;
    if (o.paidAt) {
      latencySum[h]! += new Date(o.paidAt).getTime() - new Date(o.createdAt).getTime();
      latencyN[h]! += 1;
    }
  }
  const succeeded = todays.filter((o) => o.status === 'succeeded');
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
      <Row gutter={16}>
        <Col span={6}>
          <Card>
            <Statistic title={t.count} value={todays.length} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t.amount} value={yuan(succeeded.reduce((n, o) => n + o.amountFen, 0))} />
          </Card>
        </Col>
        <Col span={6}>
          <Card>
            <Statistic title={t.successRate} value={todays.length ? `${Math.round((succeeded.length * 100) / todays.length)}%` : '-'} />
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
            <HourlyChart title={t.latencyByHour} values={latencySum.map((s, h) => (latencyN[h] ? Math.round(s / latencyN[h]!) : 0))} kind="line" />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
