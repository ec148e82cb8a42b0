import { useEffect, useState } from 'react';
import { Alert, Card, Descriptions, Input, Result, Space, Table, Tag } from 'antd';
import { api } from '../api';
import { statusText, useT, yuan } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

// What credit answers today (GET /v1/credit/products, /settings, /lines/{id}, /drawdowns/{id}). Lists of
// credit lines and overdue loans with classification counts are not served yet: their pages join this one
// when those routes land (see index.tsx).
interface Product {
  id: string;
  code: string;
  name: string;
  status: string;
  method: string;
  annualRateBp: number;
  installmentCounts: number[];
  graceDays: number;
}

interface Settings {
  tenantId: string;
  businessDate: string;
  aprCeilingBp: number;
  unsecuredCapFen: number;
  freezeAfterDays: number;
}

interface Line {
  id: string;
  customerRef: string;
  productId: string;
  limitFen: number;
  heldFen: number;
  drawnFen: number;
  availableFen: number;
  state: 'active' | 'frozen' | 'closed';
  expiresOn: string;
  stateReason: string | null;
}

interface Loan {
  loanId: string;
  lineId: string;
  principalFen: number;
  outstandingPrincipalFen: number;
  installments: number;
  state: string;
  loanClass: string;
  daysPastDue: number;
  aprPercent: string;
  drawdownDate: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const bp = (n: number) => `${Math.trunc(n / 100)}.${String(n % 100).padStart(2, '0')}%`;

/** A county's credit products and settings; a credit line or a loan (drawdown) looked up by its id. */
export function CreditPage({ session }: { session: Session }) {
  const t = useT();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [products, setProducts] = useState<Product[]>([]);
  const [settings, setSettings] = useState<Settings>();
  const [line, setLine] = useState<Line | null>();
  const [loan, setLoan] = useState<Loan | null>();
  useEffect(() => {
    void api<{ data: Product[] }>('GET', '/v1/credit/products', undefined, { tenantId: tenant }).then(
      (p) => setProducts(p.data),
      () => setProducts([]),
    );
    void api<Settings>('GET', '/v1/credit/settings', undefined, { tenantId: tenant }).then(setSettings, () => setSettings(undefined));
    setLine(undefined);
    setLoan(undefined);
  }, [tenant]);
  const lookUp = (id: string) => {
    const q = id.trim();
    setLine(undefined);
    setLoan(undefined);
    if (!UUID.test(q)) return setLine(null);
    void api<Line>('GET', `/v1/credit/lines/${q}`, undefined, { tenantId: tenant }).then(setLine, () => setLine(null));
    void api<Loan>('GET', `/v1/credit/drawdowns/${q}`, undefined, { tenantId: tenant }).then(setLoan, () => setLoan(null));
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
        {settings && (
          <Tag color="blue">
            {t.businessDate} {settings.businessDate} · {t.aprCeiling} {bp(settings.aprCeilingBp)} · {t.freezeAfterDays} {settings.freezeAfterDays}
          </Tag>
        )}
      </Space>
      <Card size="small" title={t.creditProducts}>
        <Table
          rowKey="id"
          size="small"
          dataSource={products}
          pagination={false}
          columns={[
            { title: t.productCode, dataIndex: 'code' },
            { title: t.productName, dataIndex: 'name' },
            { title: t.status, dataIndex: 'status', render: (s: string) => <Tag color={s === 'active' ? 'green' : 'default'}>{statusText(t, s)}</Tag> },
            { title: t.repaymentMethod, dataIndex: 'method' },
            { title: t.annualRate, dataIndex: 'annualRateBp', render: bp },
            { title: t.installments, dataIndex: 'installmentCounts', render: (n: number[]) => n.join(' / ') },
            { title: t.graceDays, dataIndex: 'graceDays' },
          ]}
        />
      </Card>
      <Card size="small" title={t.creditLookup}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Input.Search placeholder={t.creditLookupHint} enterButton={t.search} onSearch={lookUp} style={{ width: 480 }} data-testid="credit-lookup" />
          {line === null && loan === null && <Result status="404" title="404" subTitle={t.notFound} />}
          {line && (
            <Descriptions bordered size="small" column={2} title={t.creditLine}>
              <Descriptions.Item label="ID">{line.id}</Descriptions.Item>
              <Descriptions.Item label={t.status}>
                <Tag color={line.state === 'active' ? 'green' : line.state === 'frozen' ? 'red' : 'default'}>{statusText(t, line.state)}</Tag>{' '}
                {line.stateReason ?? ''}
              </Descriptions.Item>
              <Descriptions.Item label={t.creditLimit}>{yuan(line.limitFen)}</Descriptions.Item>
              <Descriptions.Item label={t.available}>{yuan(line.availableFen)}</Descriptions.Item>
              <Descriptions.Item label={t.drawn}>{yuan(line.drawnFen)}</Descriptions.Item>
              <Descriptions.Item label={t.heldCredit}>{yuan(line.heldFen)}</Descriptions.Item>
              <Descriptions.Item label={t.expiresOn}>{line.expiresOn}</Descriptions.Item>
            </Descriptions>
          )}
          {loan && (
            <Descriptions bordered size="small" column={2} title={t.loan}>
              <Descriptions.Item label="ID">{loan.loanId}</Descriptions.Item>
              <Descriptions.Item label={t.status}>{loan.state}</Descriptions.Item>
              <Descriptions.Item label={t.principal}>{yuan(loan.principalFen)}</Descriptions.Item>
              <Descriptions.Item label={t.outstanding}>{yuan(loan.outstandingPrincipalFen)}</Descriptions.Item>
              <Descriptions.Item label={t.loanClass}>
                <Tag color={loan.loanClass === 'normal' ? 'green' : 'red'}>{loan.loanClass}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label={t.daysPastDue}>{loan.daysPastDue}</Descriptions.Item>
            </Descriptions>
          )}
        </Space>
      </Card>
      <Alert type="info" showIcon message={t.creditListsPending} />
    </Space>
  );
}
