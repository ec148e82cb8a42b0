import { useEffect, useRef, useState } from 'react';
import { App, Button, Card, Descriptions, Input, Result, Select, Space, Table, Tabs, Tag } from 'antd';
import * as echarts from 'echarts';
import { api, ApiFailure, type Page } from '../api';
import { statusText, useT, yuan, type Texts } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

// What credit answers (GET /v1/credit/products, /settings, /lines (cursor pages, filters), /lines/{id},
// /lines/{id}/drawdowns, /lines/{id}/statements, /drawdowns/{id}, /overdue-loans, /reports/classification):
// the browser only lays it out.
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

interface Statement {
  id: string;
  statementDate: string;
  periodStart: string;
  dueDate: string;
  newDrawdownCount: number;
  newDrawdownsFen: number;
  principalFen: number;
  interestFen: number;
  feeFen: number;
  penaltyFen: number;
  totalDueFen: number;
  minimumPaymentFen: number;
}

type LoanClass = 'normal' | 'special_mention' | 'substandard' | 'doubtful' | 'loss';
const LOAN_CLASSES: LoanClass[] = ['normal', 'special_mention', 'substandard', 'doubtful', 'loss'];
const CLASS_COLOR: Record<LoanClass, string> = { normal: 'green', special_mention: 'gold', substandard: 'orange', doubtful: 'volcano', loss: 'red' };

interface Classification {
  tenantId: string;
  businessDate: string;
  categories: Array<{ loanClass: LoanClass; labelZh: string; labelEn: string; loans: number; outstandingPrincipalFen: number }>;
  totalLoans: number;
  totalOutstandingPrincipalFen: number;
  asOf: string;
}

interface Loan {
  loanId: string;
  lineId: string;
  principalFen: number;
  outstandingPrincipalFen: number;
  installments: number;
  state: string;
  loanClass: LoanClass;
  daysPastDue: number;
  aprPercent: string;
  drawdownDate: string;
}

const classTag = (t: Texts, c: string) => <Tag color={CLASS_COLOR[c as LoanClass] ?? 'default'}>{t[`lc_${c as LoanClass}`] ?? c}</Tag>;

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
      <Tabs
        key={tenant}
        items={[
          { key: 'lines', label: t.creditLines, children: <LinesTab tenant={tenant} /> },
          { key: 'overdue', label: t.overdueLoans, children: <OverdueTab tenant={tenant} /> },
          { key: 'classification', label: t.classificationReport, children: <ClassificationTab tenant={tenant} /> },
        ]}
      />
    </Space>
  );
}

/** Cursor pages of a list route: the rows so far, the next cursor, load (first page) and more. */
function usePages<T>(path: string | undefined, query: Record<string, string | undefined>, tenant: string | undefined) {
  const { message } = App.useApp();
  const [rows, setRows] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const key = JSON.stringify(query);
  const load = (after?: string) => {
    if (!path) return;
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(query)) if (v) q.set(k, v);
    if (after) q.set('cursor', after);
    setLoading(true);
    void api<Page<T>>('GET', `${path}?${q.toString()}`, undefined, { tenantId: tenant })
      .then(
        (p) => {
          setRows((prev) => (after ? [...prev, ...p.data] : p.data));
          setCursor(p.nextCursor);
        },
        (e: unknown) => {
          if (!after) setRows([]);
          void message.error(e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e));
        },
      )
      .finally(() => setLoading(false));
  };
  useEffect(() => load(), [path, key, tenant]);
  return { rows, cursor, loading, more: () => cursor && load(cursor) };
}

const lineStateTag = (t: Texts, s: string) => <Tag color={s === 'active' ? 'green' : s === 'frozen' ? 'red' : 'default'}>{statusText(t, s)}</Tag>;

function LinesTab({ tenant }: { tenant: string | undefined }) {
  const t = useT();
  const [state, setState] = useState<string>();
  const [customerRef, setCustomerRef] = useState<string>();
  const [open, setOpen] = useState<Line>();
  const { rows, cursor, loading, more } = usePages<Line>('/v1/credit/lines', { state, customerRef }, tenant);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <Select
          allowClear
          placeholder={t.status}
          style={{ width: 160 }}
          value={state}
          onChange={setState}
          data-testid="line-state"
          options={(['active', 'frozen', 'closed'] as const).map((s) => ({ value: s, label: statusText(t, s) }))}
        />
        <span data-testid="line-customer">
          <Input.Search allowClear placeholder={t.customerRef} style={{ width: 260 }} onSearch={(v) => setCustomerRef(v.trim() || undefined)} />
        </span>
      </Space>
      <Table
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={rows}
        pagination={false}
        data-testid="credit-lines"
        onRow={(l) => ({ onClick: () => setOpen(l), style: { cursor: 'pointer' } })}
        columns={[
          { title: t.customerRef, dataIndex: 'customerRef' },
          { title: t.status, dataIndex: 'state', render: (s: string) => lineStateTag(t, s) },
          { title: t.creditLimit, dataIndex: 'limitFen', render: yuan },
          { title: t.drawn, dataIndex: 'drawnFen', render: yuan },
          { title: t.heldCredit, dataIndex: 'heldFen', render: yuan },
          { title: t.available, dataIndex: 'availableFen', render: yuan },
          { title: t.expiresOn, dataIndex: 'expiresOn' },
          { title: 'ID', dataIndex: 'id', render: (id: string) => <code>{id.slice(0, 8)}</code> },
        ]}
      />
      {cursor && (
        <Button onClick={more} data-testid="lines-more">
          {t.more}
        </Button>
      )}
      {open && <LineDetail key={open.id} line={open} tenant={tenant} />}
    </Space>
  );
}

function LineDetail({ line, tenant }: { line: Line; tenant: string | undefined }) {
  const t = useT();
  const base = `/v1/credit/lines/${encodeURIComponent(line.id)}`;
  const loans = usePages<Loan>(`${base}/drawdowns`, {}, tenant);
  const statements = usePages<Statement>(`${base}/statements`, {}, tenant);
  return (
    <Card size="small" title={`${t.creditLine} ${line.customerRef} · ${line.id}`} data-testid="line-detail">
      <Descriptions size="small" column={4}>
        <Descriptions.Item label={t.status}>
          {lineStateTag(t, line.state)} {line.stateReason ?? ''}
        </Descriptions.Item>
        <Descriptions.Item label={t.creditLimit}>{yuan(line.limitFen)}</Descriptions.Item>
        <Descriptions.Item label={t.drawn}>{yuan(line.drawnFen)}</Descriptions.Item>
        <Descriptions.Item label={t.available}>{yuan(line.availableFen)}</Descriptions.Item>
      </Descriptions>
      <Tabs
        items={[
          {
            key: 'drawdowns',
            label: t.drawdowns,
            children: (
              <>
                <LoanTable rows={loans.rows} loading={loans.loading} testId="line-drawdowns" />
                {loans.cursor && <Button onClick={loans.more}>{t.more}</Button>}
              </>
            ),
          },
          {
            key: 'statements',
            label: t.statements,
            children: (
              <>
                <Table
                  rowKey="id"
                  size="small"
                  loading={statements.loading}
                  dataSource={statements.rows}
                  pagination={false}
                  data-testid="line-statements"
                  columns={[
                    { title: t.statementDate, dataIndex: 'statementDate' },
                    { title: t.period, render: (_: unknown, s: Statement) => `${s.periodStart} ~ ${s.statementDate}` },
                    { title: t.dueDate, dataIndex: 'dueDate' },
                    { title: t.newDrawdowns, render: (_: unknown, s: Statement) => `${s.newDrawdownCount} · ${yuan(s.newDrawdownsFen)}` },
                    { title: t.principal, dataIndex: 'principalFen', render: yuan },
                    { title: t.interest, dataIndex: 'interestFen', render: yuan },
                    { title: t.fees, dataIndex: 'feeFen', render: yuan },
                    { title: t.penalty, dataIndex: 'penaltyFen', render: yuan },
                    { title: t.totalDue, dataIndex: 'totalDueFen', render: yuan },
                    { title: t.minimumPayment, dataIndex: 'minimumPaymentFen', render: yuan },
                  ]}
                />
                {statements.cursor && <Button onClick={statements.more}>{t.more}</Button>}
              </>
            ),
          },
        ]}
      />
    </Card>
  );
}

function LoanTable({ rows, loading, testId }: { rows: Loan[]; loading: boolean; testId: string }) {
  const t = useT();
  return (
    <Table
      rowKey="loanId"
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={false}
      data-testid={testId}
      columns={[
        { title: t.loan, dataIndex: 'loanId', render: (id: string) => <code>{id.slice(0, 8)}</code> },
        { title: t.drawdownDate, dataIndex: 'drawdownDate' },
        { title: t.principal, dataIndex: 'principalFen', render: yuan },
        { title: t.outstanding, dataIndex: 'outstandingPrincipalFen', render: yuan },
        { title: t.installments, dataIndex: 'installments' },
        { title: t.annualRate, dataIndex: 'aprPercent' },
        { title: t.status, dataIndex: 'state', render: (s: string) => statusText(t, s) },
        { title: t.loanClass, dataIndex: 'loanClass', render: (c: string) => classTag(t, c) },
        { title: t.daysPastDue, dataIndex: 'daysPastDue' },
      ]}
    />
  );
}

/** Overdue loans, longest overdue first (the server's order), filtered by class. */
function OverdueTab({ tenant }: { tenant: string | undefined }) {
  const t = useT();
  const [loanClass, setLoanClass] = useState<LoanClass>();
  const { rows, cursor, loading, more } = usePages<Loan>('/v1/credit/overdue-loans', { loanClass }, tenant);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Select
        allowClear
        placeholder={t.loanClass}
        style={{ width: 180 }}
        value={loanClass}
        onChange={setLoanClass}
        data-testid="overdue-class"
        options={LOAN_CLASSES.map((c) => ({ value: c, label: t[`lc_${c}`] }))}
      />
      <LoanTable rows={rows} loading={loading} testId="overdue-loans" />
      {cursor && <Button onClick={more}>{t.more}</Button>}
    </Space>
  );
}

function ClassificationTab({ tenant }: { tenant: string | undefined }) {
  const t = useT();
  const [report, setReport] = useState<Classification | null>();
  useEffect(() => {
    void api<Classification>('GET', '/v1/credit/reports/classification', undefined, { tenantId: tenant }).then(setReport, () => setReport(null));
  }, [tenant]);
  if (report === undefined) return null;
  if (report === null) return <Result status="warning" subTitle={t.classUnavailable} />;
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="classification">
      <Descriptions bordered size="small" column={3}>
        <Descriptions.Item label={t.businessDate}>{report.businessDate}</Descriptions.Item>
        <Descriptions.Item label={t.totalLoans}>{report.totalLoans}</Descriptions.Item>
        <Descriptions.Item label={t.outstanding}>{yuan(report.totalOutstandingPrincipalFen)}</Descriptions.Item>
      </Descriptions>
      <Table
        rowKey="loanClass"
        size="small"
        pagination={false}
        dataSource={report.categories}
        data-testid="classification-table"
        columns={[
          { title: t.loanClass, dataIndex: 'loanClass', render: (c: string) => classTag(t, c) },
          { title: t.count, dataIndex: 'loans' },
          { title: t.outstanding, dataIndex: 'outstandingPrincipalFen', render: yuan },
        ]}
      />
      <ClassificationChart t={t} report={report} />
    </Space>
  );
}

/** Balances by class as bars (yuan on the axis; exact amounts stay in the table). */
function ClassificationChart({ t, report }: { t: Texts; report: Classification }) {
  const el = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!el.current) return;
    const chart = echarts.init(el.current);
    chart.setOption({
      title: { text: t.classificationBalances, textStyle: { fontSize: 14 } },
      tooltip: { trigger: 'axis' },
      legend: { right: 0, top: 0, data: [t.outstanding, t.count] },
      grid: { top: 60 },
      xAxis: { type: 'category', data: report.categories.map((c) => t[`lc_${c.loanClass}`]) },
      yAxis: [
        { type: 'value', name: '¥' },
        { type: 'value', name: t.count, minInterval: 1 },
      ],
      series: [
        {
          name: t.outstanding,
          type: 'bar',
          // fen → yuan for the axis only (display); the table shows the exact amounts
          data: report.categories.map((c) => ({ value: Math.trunc(c.outstandingPrincipalFen / 100), itemStyle: { color: barColor[c.loanClass] } })),
        },
        { name: t.count, type: 'line', yAxisIndex: 1, data: report.categories.map((c) => c.loans) },
      ],
      animation: false,
    });
    return () => chart.dispose();
  }, [t, report]);
  return <div ref={el} style={{ height: 300 }} data-testid="classification-chart" />;
}

const barColor: Record<LoanClass, string> = { normal: '#0a7a4f', special_mention: '#d4b106', substandard: '#fa8c16', doubtful: '#fa541c', loss: '#cf1322' };
