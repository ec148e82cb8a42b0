import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, App, Button, Card, DatePicker, Descriptions, Form, Input, Result, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, ApiFailure, type Page } from '../api';
import { statusText, useT, yuan, type Texts } from '../i18n';
import { fenOf, yuanInput } from '../money';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

// What settlement's reconciliation answers (POST /v1/settlement/reconciliation/runs, GET …/cases with
// filters and cursor pages, GET …/cases/{id} with its history, and the case actions: requery, resolve,
// adjustment propose / approve / reject). The server decides every rule (a county's own cases only, the
// maker/checker of an adjustment); the browser lays it out and shows the server's refusals.
const CHANNELS = ['wechat', 'alipay', 'unionpay', 'county_bank'] as const;
type Channel = (typeof CHANNELS)[number];
const CLASSES = ['channel_only', 'platform_only', 'amount_mismatch', 'status_mismatch'] as const;
type CaseClass = (typeof CLASSES)[number];
const STATUSES = ['open', 'pending_review', 'pending_approval', 'resolved'] as const;
type CaseStatus = (typeof STATUSES)[number];

interface Run {
  id: string;
  channel: Channel;
  businessDate: string;
  runCount: number;
  statementRows: number;
  platformRows: number;
  matched: number;
  channelOnly: number;
  platformOnly: number;
  amountMismatch: number;
  statusMismatch: number;
  updatedAt: string;
}

interface Case {
  id: string;
  channel: Channel;
  kind: 'payment' | 'refund';
  class: CaseClass;
  status: CaseStatus;
  businessDate: string;
  lastSeenDate: string;
  orderId: string;
  refundId: string | null;
  channelTradeNo: string | null;
  merchantId: string | null;
  platformAmountFen: number | null;
  channelAmountFen: number | null;
  platformOutcome: string | null;
  channelOutcome: string | null;
  suggestedAdjustmentFen: number | null;
  adjustmentFen: number | null;
  adjustmentReason: string | null;
  proposedBy: string | null;
  approvedBy: string | null;
  ledgerEntryId: string | null;
  resolution: string | null;
  requeryCount: number;
  updatedAt: string;
}

interface CaseDetail extends Case {
  history: Array<{ action: string; fromStatus: string | null; toStatus: string; actorType: string; actorId: string; note: string | null; at: string }>;
}

const STATUS_COLOR: Record<CaseStatus, string> = { open: 'blue', pending_review: 'orange', pending_approval: 'gold', resolved: 'green' };
const statusTag = (t: Texts, s: CaseStatus) => <Tag color={STATUS_COLOR[s]}>{t[`rc_${s}`]}</Tag>;
const classTag = (t: Texts, c: CaseClass) => <Tag color={c === 'amount_mismatch' || c === 'status_mismatch' ? 'volcano' : 'purple'}>{t[`rc_${c}`]}</Tag>;
/** A server value in the operator's language, the raw value when the console has no text for it. */
const known = (t: Texts, prefix: string, v: string): string => (t as Record<string, string>)[`${prefix}${v}`] ?? v;
const amount = (fen: number | null) => (fen === null ? '—' : yuan(fen));

/** An API refusal in the operator's language (the code's own text when the console has one) and the server's words. */
export function refusal(t: Texts, e: unknown): string {
  if (!(e instanceof ApiFailure)) return String(e);
  const key = `err_${e.code}` as keyof Texts;
  return key in t ? `${t[key]}（${e.code}）` : `${e.code}: ${e.message}`;
}

/** Run a channel's reconciliation for a date; the county's cases with filters and cursor pages. */
export function ReconciliationPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [channel, setChannel] = useState<Channel>('wechat');
  const [date, setDate] = useState<Dayjs>(() => dayjs().subtract(1, 'day'));
  const [runs, setRuns] = useState<Run[]>([]);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<string>();
  const [filters, setFilters] = useState<{ class?: CaseClass; status?: CaseStatus; channel?: Channel }>({});
  const [rows, setRows] = useState<Case[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const load = (after?: string) => {
    const q = new URLSearchParams({ limit: '50' });
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    if (after) q.set('cursor', after);
    void api<Page<Case>>('GET', `/v1/settlement/reconciliation/cases?${q.toString()}`, undefined, { tenantId: tenant }).then(
      (p) => {
        setRows((prev) => (after ? [...prev, ...p.data] : p.data));
        setCursor(p.nextCursor);
      },
      (e: unknown) => void message.error(refusal(t, e)),
    );
  };
  useEffect(() => load(), [tenant, filters.class, filters.status, filters.channel]);
  useEffect(() => setRuns([]), [tenant]);
  const runNow = async () => {
    setRunning(true);
    setRunError(undefined);
    try {
      const r = await api<Run>('POST', '/v1/settlement/reconciliation/runs', { channel, businessDate: date.format('YYYY-MM-DD') }, { tenantId: tenant });
      setRuns((prev) => [r, ...prev.filter((x) => x.id !== r.id)]);
      void message.success(t.reconciled);
      load();
    } catch (e) {
      setRunError(refusal(t, e));
    } finally {
      setRunning(false);
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
      </Space>
      <Card size="small" title={t.runReconciliation}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Select
              style={{ width: 160 }}
              value={channel}
              onChange={setChannel}
              data-testid="run-channel"
              options={CHANNELS.map((c) => ({ value: c, label: t[`ch_${c}`] }))}
            />
            <DatePicker value={date} onChange={(d) => d && setDate(d)} allowClear={false} data-testid="run-date" />
            <Button type="primary" loading={running} onClick={() => void runNow()} data-testid="run">
              {t.runReconciliation}
            </Button>
          </Space>
          {runError && <Alert type="error" showIcon message={runError} />}
          <Table
            rowKey="id"
            size="small"
            dataSource={runs}
            pagination={false}
            data-testid="runs"
            locale={{ emptyText: t.noRunsYet }}
            columns={[
              { title: t.channel, dataIndex: 'channel', render: (c: Channel) => t[`ch_${c}`] },
              { title: t.businessDate, dataIndex: 'businessDate' },
              { title: t.runCount, dataIndex: 'runCount' },
              { title: t.statementRows, dataIndex: 'statementRows' },
              { title: t.platformRows, dataIndex: 'platformRows' },
              { title: t.matched, dataIndex: 'matched' },
              { title: t.rc_channel_only, dataIndex: 'channelOnly' },
              { title: t.rc_platform_only, dataIndex: 'platformOnly' },
              { title: t.rc_amount_mismatch, dataIndex: 'amountMismatch' },
              { title: t.rc_status_mismatch, dataIndex: 'statusMismatch' },
            ]}
          />
        </Space>
      </Card>
      <Card size="small" title={t.reconciliationCases}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Space wrap>
            <Select
              allowClear
              placeholder={t.caseClass}
              style={{ width: 160 }}
              value={filters.class}
              onChange={(v: CaseClass | undefined) => setFilters((f) => ({ ...f, class: v }))}
              data-testid="case-class"
              options={CLASSES.map((c) => ({ value: c, label: t[`rc_${c}`] }))}
            />
            <Select
              allowClear
              placeholder={t.status}
              style={{ width: 160 }}
              value={filters.status}
              onChange={(v: CaseStatus | undefined) => setFilters((f) => ({ ...f, status: v }))}
              data-testid="case-status"
              options={STATUSES.map((s) => ({ value: s, label: t[`rc_${s}`] }))}
            />
            <Select
              allowClear
              placeholder={t.channel}
              style={{ width: 160 }}
              value={filters.channel}
              onChange={(v: Channel | undefined) => setFilters((f) => ({ ...f, channel: v }))}
              options={CHANNELS.map((c) => ({ value: c, label: t[`ch_${c}`] }))}
            />
          </Space>
          <Table
            rowKey="id"
            size="small"
            dataSource={rows}
            pagination={false}
            data-testid="cases"
            columns={[
              { title: t.businessDate, dataIndex: 'businessDate', render: (d: string, c: Case) => <Link to={`/reconciliation/cases/${c.id}`}>{d}</Link> },
              { title: t.channel, dataIndex: 'channel', render: (c: Channel) => t[`ch_${c}`] },
              { title: t.kind, dataIndex: 'kind', render: (k: string) => (k === 'refund' ? t.refunds : t.payment) },
              { title: t.caseClass, dataIndex: 'class', render: (c: CaseClass) => classTag(t, c) },
              { title: t.status, dataIndex: 'status', render: (s: CaseStatus) => statusTag(t, s) },
              { title: t.orderId, dataIndex: 'orderId', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
              { title: t.platformAmount, dataIndex: 'platformAmountFen', render: amount },
              { title: t.channelAmount, dataIndex: 'channelAmountFen', render: amount },
            ]}
          />
          {cursor && <Button onClick={() => load(cursor)}>{t.more}</Button>}
        </Space>
      </Card>
    </Space>
  );
}

/**
 * One case by URL, with its history and the actions its status allows. Another county's case is the
 * server's 404. An adjustment is proposed by one operator and approved by another: the server refuses
 * the proposer's own approval, and that refusal is shown where the operator acted.
 */
export function ReconciliationCasePage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const { caseId } = useParams();
  const [tenant] = useCounty(session);
  const [c, setCase] = useState<CaseDetail | null>();
  const [note, setNote] = useState('');
  const [adjYuan, setAdjYuan] = useState('');
  const [adjReason, setAdjReason] = useState('');
  const [rejectReason, setRejectReason] = useState('');
  const [errors, setErrors] = useState<Partial<Record<'note' | 'amountFen' | 'reason' | 'approve' | 'requery' | 'rejectReason', string>>>({});
  const path = `/v1/settlement/reconciliation/cases/${encodeURIComponent(caseId ?? '')}`;
  useEffect(() => {
    void api<CaseDetail>('GET', path, undefined, { tenantId: tenant }).then(
      (d) => {
        setCase(d);
        if (d.suggestedAdjustmentFen !== null) setAdjYuan(yuanInput(d.suggestedAdjustmentFen));
      },
      () => setCase(null),
    );
  }, [path, tenant]);
  const act = async (field: keyof typeof errors, action: string, body?: unknown) => {
    setErrors({});
    try {
      const d = await api<CaseDetail>('POST', `${path}/${action}`, body, { tenantId: tenant });
      setCase(d);
      void message.success(t.saved);
      return true;
    } catch (e) {
      // a refusal naming a field of the form is shown at that field, the others where the operator acted
      const param = e instanceof ApiFailure ? e.param : undefined;
      const at =
        param === 'note' || param === 'amountFen' || param === 'reason' ? (field === 'rejectReason' && param === 'reason' ? 'rejectReason' : param) : field;
      setErrors({ [at]: refusal(t, e) });
      return false;
    }
  };
  if (c === undefined) return null;
  if (c === null) return <Result status="404" title="404" subTitle={t.notFound} data-testid="not-found" />;
  const county = session.operator.role === 'county';
  const workable = c.status === 'open' || c.status === 'pending_review';
  const proposeAdjustment = () => {
    const fen = fenOf(adjYuan);
    if (fen === undefined || fen === 0) return setErrors({ amountFen: t.amountInvalid });
    if (!adjReason.trim()) return setErrors({ reason: t.reasonRequired });
    void act('amountFen', 'adjustment', { amountFen: fen, reason: adjReason.trim() });
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="case">
      <Descriptions
        bordered
        size="small"
        column={2}
        title={
          <Space>
            {t.reconciliationCase} {classTag(t, c.class)} {statusTag(t, c.status)}
          </Space>
        }
        extra={<Link to="/reconciliation">{t.reconciliationCases}</Link>}
      >
        <Descriptions.Item label="ID">{c.id}</Descriptions.Item>
        <Descriptions.Item label={t.channel}>{t[`ch_${c.channel}`]}</Descriptions.Item>
        <Descriptions.Item label={t.orderId}>
          <Typography.Text code>{c.orderId}</Typography.Text>
        </Descriptions.Item>
        <Descriptions.Item label={t.refundId}>{c.refundId ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.businessDate}>
          {c.businessDate} ~ {c.lastSeenDate}
        </Descriptions.Item>
        <Descriptions.Item label={t.channelTradeNo}>{c.channelTradeNo ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.platformAmount}>
          {amount(c.platformAmountFen)} {c.platformOutcome ? statusText(t, c.platformOutcome) : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t.channelAmount}>
          {amount(c.channelAmountFen)} {c.channelOutcome ? statusText(t, c.channelOutcome) : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t.suggestedAdjustment}>{amount(c.suggestedAdjustmentFen)}</Descriptions.Item>
        <Descriptions.Item label={t.adjustment}>
          {amount(c.adjustmentFen)} {c.adjustmentReason ?? ''}
        </Descriptions.Item>
        <Descriptions.Item label={t.proposedBy}>{c.proposedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.approvedBy}>{c.approvedBy ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t.resolution}>{c.resolution ? known(t, 'rs_', c.resolution) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t.requeryCount}>{c.requeryCount}</Descriptions.Item>
      </Descriptions>
      {county && workable && (
        <Card size="small" title={t.caseActions}>
          <Form layout="vertical" style={{ maxWidth: 640 }}>
            <Form.Item validateStatus={errors.requery ? 'error' : undefined} help={errors.requery}>
              <Button onClick={() => void act('requery', 'requery')} data-testid="requery">
                {t.requery}
              </Button>
            </Form.Item>
            <Form.Item label={t.resolveNote} validateStatus={errors.note ? 'error' : undefined} help={errors.note}>
              <Space.Compact style={{ width: '100%' }}>
                <Input maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} data-testid="resolve-note" />
                <Button
                  onClick={() => (note.trim() ? void act('note', 'resolve', { note: note.trim() }) : setErrors({ note: t.reasonRequired }))}
                  data-testid="resolve"
                >
                  {t.resolve}
                </Button>
              </Space.Compact>
            </Form.Item>
            <Form.Item label={t.adjustmentAmount} validateStatus={errors.amountFen ? 'error' : undefined} help={errors.amountFen}>
              <Input prefix="¥" value={adjYuan} onChange={(e) => setAdjYuan(e.target.value)} data-testid="adjustment-amount" />
            </Form.Item>
            <Form.Item label={t.adjustmentReason} validateStatus={errors.reason ? 'error' : undefined} help={errors.reason}>
              <Input.TextArea maxLength={200} value={adjReason} onChange={(e) => setAdjReason(e.target.value)} data-testid="adjustment-reason" />
            </Form.Item>
            <Button type="primary" onClick={proposeAdjustment} data-testid="propose-adjustment">
              {t.proposeAdjustment}
            </Button>
          </Form>
        </Card>
      )}
      {county && c.status === 'pending_approval' && (
        <Card size="small" title={t.approveAdjustment}>
          <Space direction="vertical" style={{ width: '100%', maxWidth: 640 }}>
            <Typography.Text>
              {t.adjustment} {amount(c.adjustmentFen)} · {c.adjustmentReason} · {t.proposedBy} {c.proposedBy}
            </Typography.Text>
            {errors.approve && <Alert type="error" showIcon message={errors.approve} data-testid="approve-error" />}
            <Space>
              <Button type="primary" onClick={() => void act('approve', 'adjustment/approve')} data-testid="approve-adjustment">
                {t.approve}
              </Button>
              <Input
                placeholder={t.reason}
                value={rejectReason}
                onChange={(e) => setRejectReason(e.target.value)}
                status={errors.rejectReason ? 'error' : undefined}
              />
              <Button
                danger
                onClick={() =>
                  rejectReason.trim()
                    ? void act('rejectReason', 'adjustment/reject', { reason: rejectReason.trim() })
                    : setErrors({ rejectReason: t.reasonRequired })
                }
              >
                {t.reject}
              </Button>
            </Space>
            {errors.rejectReason && <Typography.Text type="danger">{errors.rejectReason}</Typography.Text>}
          </Space>
        </Card>
      )}
      <Card size="small" title={t.history}>
        <Timeline
          data-testid="case-history"
          items={c.history.map((h) => ({
            color: h.toStatus === 'resolved' ? 'green' : 'blue',
            children: `${h.at} ${known(t, 'ra_', h.action)} ${h.fromStatus ? t[`rc_${h.fromStatus as CaseStatus}`] : ''} → ${t[`rc_${h.toStatus as CaseStatus}`]} (${known(t, 'actor_', h.actorType)} ${h.actorId.slice(0, 8)})${h.note ? ` ${h.note}` : ''}`,
          }))}
        />
      </Card>
    </Space>
  );
}
