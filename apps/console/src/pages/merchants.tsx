import { useEffect, useState } from 'react';
import { useParams, Link } from 'react-router';
import { App, Button, Descriptions, Input, Modal, Result, Space, Table, Tag } from 'antd';
import { api, ApiFailure, type Page } from '../api';
import { useT } from '../i18n';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

interface Merchant {
  merchantId: string;
  legalName: string;
  status: string;
  mcc: string;
  city: string;
  createdAt: string;
}

/** The review queue: pending merchants of the county, approve or reject with a reason. */
export function MerchantsPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const [tenant, setTenant, tenants] = useCounty(session);
  const [rows, setRows] = useState<Merchant[]>([]);
  const [rejecting, setRejecting] = useState<Merchant>();
  const [reason, setReason] = useState('');
  const load = () =>
    void api<Page<Merchant>>('GET', '/v1/merchants?status=pending_review&limit=100', undefined, { tenantId: tenant }).then(
      (p) => setRows(p.data),
      () => setRows([]),
    );
  useEffect(load, [tenant]);
  const decide = async (m: Merchant, action: 'approve' | 'reject', why: string) => {
    try {
      await api('POST', `/v1/admin/merchants/${m.merchantId}/${action}`, { reason: why }, { tenantId: tenant });
      void message.success(`${m.legalName}: ${action === 'approve' ? t.approve : t.reject}`);
      load();
    } catch (e) {
      void message.error(e instanceof ApiFailure ? e.message : String(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
      <Table
        rowKey="merchantId"
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t.merchant, dataIndex: 'legalName', render: (n: string, m: Merchant) => <Link to={`/merchants/${m.merchantId}`}>{n}</Link> },
          { title: 'MCC', dataIndex: 'mcc' },
          { title: t.status, dataIndex: 'status', render: (s: string) => <Tag>{s}</Tag> },
          {
            title: '',
            render: (_: unknown, m: Merchant) => (
              <Space>
                <Button type="primary" size="small" data-testid={`approve-${m.merchantId}`} onClick={() => void decide(m, 'approve', '资料齐全，审核通过')}>
                  {t.approve}
                </Button>
                <Button danger size="small" onClick={() => setRejecting(m)}>
                  {t.reject}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={!!rejecting}
        title={`${t.reject}: ${rejecting?.legalName ?? ''}`}
        onCancel={() => setRejecting(undefined)}
        onOk={() => void decide(rejecting!, 'reject', reason).then(() => setRejecting(undefined))}
        okButtonProps={{ disabled: reason.trim().length === 0 }}
      >
        <Input.TextArea placeholder={t.reason} value={reason} onChange={(e) => setReason(e.target.value)} />
      </Modal>
    </Space>
  );
}

/** One merchant by URL: another county's merchant is a 404 from the server, shown as such. */
export function MerchantDetailPage() {
  const t = useT();
  const { merchantId } = useParams();
  const [m, setM] = useState<Merchant | null>();
  useEffect(() => {
    void api<Merchant>('GET', `/v1/merchants/${encodeURIComponent(merchantId ?? '')}`).then(setM, () => setM(null));
  }, [merchantId]);
  if (m === undefined) return null;
  if (m === null) return <Result status="404" title="404" subTitle={t.notFound} data-testid="not-found" />;
  return (
    <Descriptions bordered column={1} title={m.legalName} data-testid="merchant">
      <Descriptions.Item label="ID">{m.merchantId}</Descriptions.Item>
      <Descriptions.Item label={t.status}>{m.status}</Descriptions.Item>
      <Descriptions.Item label="MCC">{m.mcc}</Descriptions.Item>
      <Descriptions.Item label={t.createdAt}>{m.createdAt}</Descriptions.Item>
    </Descriptions>
  );
}
