import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, App, Button, DatePicker, Descriptions, Input, Modal, Result, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiFailure, download, type Page } from '../api';
import { statusText, useT, yuan, type Texts } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

// What settlement answers (GET /v1/settlement/batches…, /reports/daily): the browser only lays it out.
type BatchStatus = 'open' | 'closed' | 'pending_approval' | 'approved' | 'paying' | 'settled' | 'partially_failed' | 'aborted';

interface Batch {
  id: string;
  businessDate: string;
  settlementDate: string;
  cycle: string;
  status: BatchStatus;
  entryCount: number;
  itemCount: number;
  tieOut: {
    clearingFen: number;
    payoutFen: number;
    feeFen: number;
    reserveFen: number;
    heldFen: number;
    carriedFen: number;
    balanced: boolean;
    trialBalanceBalanced: boolean;
  };
  approvalThresholdFen: number;
  approvalsRequired: number;
  approvals: Array<{ operatorId: string; approvedAt: string }>;
  createdAt: string;
}

interface BatchDetail extends Batch {
  history: Array<{ action: string; fromStatus: string | null; toStatus: string; actorType: string; actorId: string; reason: string | null; at: string }>;
}

interface BatchItem {
  merchantId: string;
  paymentCount: number;
  paymentsFen: number;
  refundsFen: number;
  feesFen: number;
  splitsInFen: number;
  splitsOutFen: number;
  creditSalesFen: number;
  adjustmentsFen: number;
  netFen: number;
  reserveFen: number;
  payoutFen: number;
  status: 'payable' | 'held' | 'carried';
  holdReason: string | null;
}

interface DailyReport {
  businessDate: string;
  batchId: string;
  batchStatus: string;
  lines: Array<{
    product: string;
    channel: string;
    paymentCount: number;
    paymentsFen: number;
    refundCount: number;
    refundsFen: number;
    feesFen: number;
    netFen: number;
  }>;
  totals: { paymentCount: number; paymentsFen: number; refundsFen: number; feesFen: number; netFen: number };
  merchantCount: number;
  payoutPlannedFen: number;
  paidOutFen: number;
  heldFen: number;
  ledger: { ties: boolean };
}

const BATCH_COLOR: Record<BatchStatus, string> = {
  open: 'default',
  closed: 'blue',
  pending_approval: 'orange',
  approved: 'cyan',
  paying: 'geekblue',
  settled: 'green',
  partially_failed: 'red',
  aborted: 'default',
};

const batchTag = (t: Texts, s: BatchStatus) => <Tag color={BATCH_COLOR[s]}>{t[`batch_${s}`]}</Tag>;

/** A county's settlement batches, newest first (a province operator picks the county). */
export function SettlementBatchesPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [status, setStatus] = useState<BatchStatus>();
  const [rows, setRows] = useState<Batch[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const load = (after?: string) => {
    const q = new URLSearchParams({ limit: '50' });
    if (status) q.set('status', status);
    if (after) q.set('cursor', after);
    void api<Page<Batch>>('GET', `/v1/settlement/batches?${q.toString()}`, undefined, { tenantId: tenant }).then(
      (p) => {
        setRows((prev) => (after ? [...prev, ...p.data] : p.data));
        setCursor(p.nextCursor);
      },
      (e: unknown) => void message.error(e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e)),
    );
  };
  useEffect(() => load(), [tenant, status]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
        <Select
          allowClear
          placeholder={t.status}
          style={{ width: 180 }}
          value={status}
          onChange={setStatus}
          options={(Object.keys(BATCH_COLOR) as BatchStatus[]).map((s) => ({ value: s, label: t[`batch_${s}`] }))}
        />
        <Link to="/settlement/reports">{t.reports}</Link>
      </Space>
      <Table
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={false}
        data-testid="batches"
        columns={[
          { title: t.businessDate, dataIndex: 'businessDate', render: (d: string, b: Batch) => <Link to={`/settlement/batches/${b.id}`}>{d}</Link> },
          { title: t.settlementDate, dataIndex: 'settlementDate' },
          { title: t.cycle, dataIndex: 'cycle' },
          { title: t.status, dataIndex: 'status', render: (s: BatchStatus) => batchTag(t, s) },
          { title: t.merchantCount, dataIndex: 'itemCount' },
          { title: t.payout, render: (_: unknown, b: Batch) => yuan(b.tieOut.payoutFen) },
          { title: t.approvals, render: (_: unknown, b: Batch) => `${b.approvals.length} / ${b.approvalsRequired}` },
          {
            title: t.tieOut,
            render: (_: unknown, b: Batch) => (
              <Tag color={b.tieOut.balanced && b.tieOut.trialBalanceBalanced ? 'green' : 'red'}>
                {b.tieOut.balanced && b.tieOut.trialBalanceBalanced ? t.balanced : t.unbalanced}
              </Tag>
            ),
          },
        ]}
      />
      {cursor && <Button onClick={() => load(cursor)}>{t.more}</Button>}
    </Space>
  );
}

/**
 * One batch by URL: its tie-out, approvals, history and merchants. A county operator approves
 * (above the county's threshold a second, different operator must approve too — the server
 * decides) and holds or releases a merchant's payouts. Another county's batch is the server's 404.
 */
export function SettlementBatchPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const { batchId } = useParams();
  const [tenant] = useCounty(session);
  const [batch, setBatch] = useState<BatchDetail | null>();
  const [items, setItems] = useState<BatchItem[]>([]);
  const [holding, setHolding] = useState<BatchItem>();
  const [reason, setReason] = useState('');
  const county = session.operator.role === 'county';
  const fail = (e: unknown) => void message.error(e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e));
  const load = () => {
    const id = encodeURIComponent(batchId ?? '');
    void api<BatchDetail>('GET', `/v1/settlement/batches/${id}`, undefined, { tenantId: tenant }).then(setBatch, () => setBatch(null));
    void api<Page<BatchItem>>('GET', `/v1/settlement/batches/${id}/items?limit=100`, undefined, { tenantId: tenant }).then(
      (p) => setItems(p.data),
      () => setItems([]),
    );
  };
  useEffect(load, [batchId, tenant]);
  const approve = async () => {
    try {
      setBatch(await api<BatchDetail>('POST', `/v1/settlement/batches/${batchId}/approvals`, undefined, { tenantId: tenant }));
      void message.success(t.approved);
    } catch (e) {
      fail(e);
    }
  };
  const hold = async (m: BatchItem, why: string) => {
    try {
      await api('POST', `/v1/settlement/merchants/${m.merchantId}/payout-hold`, { reason: why }, { tenantId: tenant });
      void message.success(`${m.merchantId}: ${t.holdPayouts}`);
      setHolding(undefined);
      setReason('');
      load();
    } catch (e) {
      fail(e);
    }
  };
  const release = async (m: BatchItem) => {
    try {
      await api('POST', `/v1/settlement/merchants/${m.merchantId}/payout-hold/release`, undefined, { tenantId: tenant });
      void message.success(`${m.merchantId}: ${t.releaseHold}`);
      load();
    } catch (e) {
      fail(e);
    }
  };
  if (batch === undefined) return null;
  if (batch === null) return <Result status="404" title="404" subTitle={t.notFound} data-testid="not-found" />;
  const approvedByMe = batch.approvals.some((a) => a.operatorId === session.operator.operatorId);
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="batch">
      <Descriptions
        bordered
        size="small"
        column={2}
        title={
          <Space>
            {t.batch} {batch.businessDate} {batchTag(t, batch.status)}
          </Space>
        }
        extra={
          county &&
          batch.status === 'pending_approval' && (
            <Button type="primary" disabled={approvedByMe} onClick={() => void approve()} data-testid="approve-batch">
              {approvedByMe ? t.awaitingSecondApprover : t.approve}
            </Button>
          )
        }
      >
        <Descriptions.Item label="ID">{batch.id}</Descriptions.Item>
        <Descriptions.Item label={t.settlementDate}>{batch.settlementDate}</Descriptions.Item>
        <Descriptions.Item label={t.clearing}>{yuan(batch.tieOut.clearingFen)}</Descriptions.Item>
        <Descriptions.Item label={t.payout}>{yuan(batch.tieOut.payoutFen)}</Descriptions.Item>
        <Descriptions.Item label={t.fees}>{yuan(batch.tieOut.feeFen)}</Descriptions.Item>
        <Descriptions.Item label={t.held}>{yuan(batch.tieOut.heldFen)}</Descriptions.Item>
        <Descriptions.Item label={t.approvals}>
          {batch.approvals.length} / {batch.approvalsRequired} {batch.approvals.map((a) => `${a.operatorId.slice(0, 8)} ${a.approvedAt}`).join('; ')}
        </Descriptions.Item>
        <Descriptions.Item label={t.approvalThreshold}>{yuan(batch.approvalThresholdFen)}</Descriptions.Item>
      </Descriptions>
      {!(batch.tieOut.balanced && batch.tieOut.trialBalanceBalanced) && <Alert type="error" showIcon message={t.unbalanced} />}
      <Table
        rowKey="merchantId"
        size="small"
        dataSource={items}
        pagination={false}
        columns={[
          { title: t.merchant, dataIndex: 'merchantId', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
          { title: t.count, dataIndex: 'paymentCount' },
          { title: t.amount, dataIndex: 'paymentsFen', render: yuan },
          { title: t.fees, dataIndex: 'feesFen', render: yuan },
          { title: t.splitsNet, render: (_: unknown, i: BatchItem) => yuan(i.splitsInFen - i.splitsOutFen) },
          { title: t.creditSales, dataIndex: 'creditSalesFen', render: yuan },
          { title: t.adjustments, dataIndex: 'adjustmentsFen', render: yuan },
          { title: t.payout, dataIndex: 'payoutFen', render: yuan },
          {
            title: t.status,
            dataIndex: 'status',
            render: (s: string, i: BatchItem) => (
              <Tag color={s === 'held' ? 'red' : 'default'}>{s === 'held' ? `${t.held}: ${i.holdReason ?? ''}` : statusText(t, s)}</Tag>
            ),
          },
          {
            title: '',
            render: (_: unknown, i: BatchItem) =>
              i.status === 'held' ? (
                <Button size="small" onClick={() => void release(i)}>
                  {t.releaseHold}
                </Button>
              ) : (
                <Button size="small" danger onClick={() => setHolding(i)}>
                  {t.holdPayouts}
                </Button>
              ),
          },
        ]}
      />
      <Timeline
        items={batch.history.map((h) => ({
          children: `${h.at} ${h.action} ${h.fromStatus ?? ''} → ${h.toStatus} (${h.actorType} ${h.actorId.slice(0, 8)})${h.reason ? ` ${h.reason}` : ''}`,
        }))}
      />
      <Modal
        open={!!holding}
        title={`${t.holdPayouts}: ${holding?.merchantId ?? ''}`}
        onCancel={() => setHolding(undefined)}
        onOk={() => void hold(holding!, reason)}
        okButtonProps={{ disabled: reason.trim().length === 0 }}
      >
        <Input.TextArea placeholder={t.reason} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </Space>
  );
}

/** The daily settlement report of a business date, with CSV and XLSX downloads. */
export function SettlementReportsPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [date, setDate] = useState<Dayjs>(() => dayjs().subtract(1, 'day'));
  const [report, setReport] = useState<DailyReport | null>();
  const businessDate = date.format('YYYY-MM-DD');
  useEffect(() => {
    void api<DailyReport>('GET', `/v1/settlement/reports/daily?businessDate=${businessDate}`, undefined, { tenantId: tenant }).then(setReport, () =>
      setReport(null),
    );
  }, [tenant, businessDate]);
  const fetchFile = (ext: 'csv' | 'xlsx') =>
    void download(`/v1/settlement/reports/daily.${ext}?businessDate=${businessDate}`, `settlement-${tenant ?? ''}-${businessDate}.${ext}`, {
      tenantId: tenant,
    }).catch((e: unknown) => void message.error(e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e)));
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
        <DatePicker value={date} onChange={(d) => d && setDate(d)} allowClear={false} />
        <Button onClick={() => fetchFile('csv')} disabled={!report} data-testid="download-csv">
          {t.downloadCsv}
        </Button>
        <Button onClick={() => fetchFile('xlsx')} disabled={!report} data-testid="download-xlsx">
          {t.downloadXlsx}
        </Button>
      </Space>
      {report === null && <Alert type="info" showIcon message={t.noReport} />}
      {report && (
        <>
          <Descriptions bordered size="small" column={3}>
            <Descriptions.Item label={t.batch}>
              <Link to={`/settlement/batches/${report.batchId}`}>{report.batchStatus}</Link>
            </Descriptions.Item>
            <Descriptions.Item label={t.merchantCount}>{report.merchantCount}</Descriptions.Item>
            <Descriptions.Item label={t.ledgerTies}>
              <Tag color={report.ledger.ties ? 'green' : 'red'}>{report.ledger.ties ? t.balanced : t.unbalanced}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t.payout}>{yuan(report.payoutPlannedFen)}</Descriptions.Item>
            <Descriptions.Item label={t.paidOut}>{yuan(report.paidOutFen)}</Descriptions.Item>
            <Descriptions.Item label={t.held}>{yuan(report.heldFen)}</Descriptions.Item>
          </Descriptions>
          <Table
            rowKey={(l) => `${l.product}:${l.channel}`}
            size="small"
            pagination={false}
            dataSource={report.lines}
            columns={[
              { title: t.product, dataIndex: 'product' },
              { title: t.channel, dataIndex: 'channel' },
              { title: t.count, dataIndex: 'paymentCount' },
              { title: t.amount, dataIndex: 'paymentsFen', render: yuan },
              { title: t.refunds, dataIndex: 'refundsFen', render: yuan },
              { title: t.fees, dataIndex: 'feesFen', render: yuan },
              { title: t.net, dataIndex: 'netFen', render: yuan },
            ]}
          />
        </>
      )}
    </Space>
  );
}
