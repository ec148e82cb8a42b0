import { useEffect, useState } from 'react';
import { Alert, App, Button, Descriptions, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { api, ApiFailure, type Page } from '../api';
import { statusText, useT } from '../i18n';
import type { Session } from './index';

// What onboarding answers (GET /v1/admin/partners, GET /v1/admin/apps): the browser only lays it out.
interface Partner {
  partnerId: string;
  name: string;
  kind: string;
  status: 'active' | 'suspended';
  createdAt: string;
}

interface Credential {
  credentialId: string;
  alg: string;
  status: 'active' | 'retiring';
  notAfter: string | null;
  createdAt: string;
}

export interface PartnerApp {
  appId: string;
  partnerId: string;
  tenantId: string;
  name: string;
  status: 'active' | 'suspended';
  partnerStatus: 'active' | 'suspended';
  scopes: string[];
  callbackUrls: string[];
  credentials: Credential[];
  createdAt: string;
}

interface Rotated extends PartnerApp {
  credentialId?: string;
  appSecret?: string;
}

/**
 * Partners (province) and their apps with scopes, status and live credentials. A province operator
 * rotates an app's credential (an HMAC secret is shown once; the old credential keeps working until
 * its notAfter — onboarding's grace period) and suspends or resumes partners and apps; a county
 * operator sees its own county's apps (the server decides both).
 */
export function PartnersPage({ session }: { session: Session }) {
  const t = useT();
  const { message } = App.useApp();
  const province = session.operator.role === 'province';
  const [partners, setPartners] = useState<Partner[]>([]);
  const [partnerId, setPartnerId] = useState<string>();
  const [apps, setApps] = useState<PartnerApp[]>([]);
  const [appsCursor, setAppsCursor] = useState<string | null>(null);
  const [rotated, setRotated] = useState<Rotated>();
  const statusTag = (s: string) => <Tag color={s === 'active' ? 'green' : 'red'}>{statusText(t, s)}</Tag>;
  const fail = (e: unknown) => void message.error(e instanceof ApiFailure ? `${e.code}: ${e.message}` : String(e));

  const loadPartners = () =>
    province ? void api<Page<Partner>>('GET', '/v1/admin/partners?limit=100', undefined, { tenantId: null }).then((p) => setPartners(p.data), fail) : undefined;
  const loadApps = (cursor?: string) => {
    const q = new URLSearchParams({ limit: '50' });
    if (partnerId) q.set('partnerId', partnerId);
    if (cursor) q.set('cursor', cursor);
    void api<Page<PartnerApp>>('GET', `/v1/admin/apps?${q.toString()}`, undefined, { tenantId: null }).then((p) => {
      setApps((prev) => (cursor ? [...prev, ...p.data] : p.data));
      setAppsCursor(p.nextCursor);
    }, fail);
  };
  useEffect(loadPartners, [province]);
  useEffect(() => loadApps(), [partnerId]);

  const act = async (path: string, done: string) => {
    try {
      await api('POST', path, undefined, { tenantId: null });
      void message.success(done);
      loadPartners();
      loadApps();
    } catch (e) {
      fail(e);
    }
  };
  const rotate = async (a: PartnerApp) => {
    try {
      setRotated(await api<Rotated>('POST', `/v1/admin/apps/${a.appId}/credentials`, {}, { tenantId: null }));
      loadApps();
    } catch (e) {
      fail(e);
    }
  };

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      {province && (
        <>
          <Typography.Title level={5}>{t.partnerList}</Typography.Title>
          <Table
            rowKey="partnerId"
            size="small"
            dataSource={partners}
            pagination={{ pageSize: 10 }}
            data-testid="partners"
            rowSelection={{ type: 'radio', selectedRowKeys: partnerId ? [partnerId] : [], onChange: (keys) => setPartnerId(keys[0] as string | undefined) }}
            columns={[
              { title: t.partner, dataIndex: 'name' },
              { title: t.kind, dataIndex: 'kind' },
              { title: t.status, dataIndex: 'status', render: statusTag },
              { title: t.createdAt, dataIndex: 'createdAt' },
              {
                title: '',
                render: (_: unknown, p: Partner) =>
                  p.status === 'active' ? (
                    <Popconfirm title={t.confirmSuspend} onConfirm={() => void act(`/v1/admin/partners/${p.partnerId}/suspend`, `${p.name}: ${t.suspend}`)}>
                      <Button size="small" danger>
                        {t.suspend}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button size="small" onClick={() => void act(`/v1/admin/partners/${p.partnerId}/resume`, `${p.name}: ${t.resume}`)}>
                      {t.resume}
                    </Button>
                  ),
              },
            ]}
          />
        </>
      )}
      <Space>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t.appList}
        </Typography.Title>
        {province && (
          <Select
            allowClear
            style={{ width: 320 }}
            placeholder={t.partner}
            value={partnerId}
            onChange={setPartnerId}
            options={partners.map((p) => ({ value: p.partnerId, label: p.name }))}
          />
        )}
      </Space>
      <Table
        rowKey="appId"
        size="small"
        dataSource={apps}
        pagination={false}
        data-testid="apps"
        columns={[
          { title: 'App ID', dataIndex: 'appId', render: (id: string) => <Typography.Text code>{id}</Typography.Text> },
          { title: t.appName, dataIndex: 'name' },
          { title: t.county, dataIndex: 'tenantId' },
          { title: t.scopes, dataIndex: 'scopes', render: (s: string[]) => s.map((x) => <Tag key={x}>{x}</Tag>) },
          {
            title: t.status,
            render: (_: unknown, a: PartnerApp) => (
              <Space>
                {statusTag(a.status)}
                {a.partnerStatus !== 'active' && <Tag color="orange">{t.partnerSuspended}</Tag>}
              </Space>
            ),
          },
          {
            title: t.credentials,
            render: (_: unknown, a: PartnerApp) => (
              <Space direction="vertical" size={0}>
                {a.credentials.map((c) => (
                  <span key={c.credentialId} data-testid={`credential-${c.status}`}>
                    <Tag color={c.status === 'active' ? 'green' : 'orange'}>{c.status === 'active' ? t.credentialActive : t.credentialRetiring}</Tag>
                    {c.alg} {c.notAfter ? `${t.validUntil} ${c.notAfter}` : ''}
                  </span>
                ))}
              </Space>
            ),
          },
          {
            title: '',
            render: (_: unknown, a: PartnerApp) =>
              province && (
                <Space>
                  <Popconfirm title={t.confirmRotate} onConfirm={() => void rotate(a)}>
                    <Button size="small" type="primary" data-testid={`rotate-${a.appId}`}>
                      {t.rotate}
                    </Button>
                  </Popconfirm>
                  {a.status === 'active' ? (
                    <Popconfirm title={t.confirmSuspend} onConfirm={() => void act(`/v1/admin/apps/${a.appId}/suspend`, `${a.name}: ${t.suspend}`)}>
                      <Button size="small" danger>
                        {t.suspend}
                      </Button>
                    </Popconfirm>
                  ) : (
                    <Button size="small" onClick={() => void act(`/v1/admin/apps/${a.appId}/resume`, `${a.name}: ${t.resume}`)}>
                      {t.resume}
                    </Button>
                  )}
                </Space>
              ),
          },
        ]}
      />
      {appsCursor && <Button onClick={() => loadApps(appsCursor)}>{t.more}</Button>}
      <Modal
        open={!!rotated}
        title={t.rotated}
        onOk={() => setRotated(undefined)}
        onCancel={() => setRotated(undefined)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        {rotated && (
          <Space direction="vertical" style={{ width: '100%' }} data-testid="rotated">
            <Alert type="warning" showIcon message={t.secretShownOnce} />
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label="App ID">{rotated.appId}</Descriptions.Item>
              {rotated.appSecret && (
                <Descriptions.Item label={t.newSecret}>
                  <Typography.Text copyable code data-testid="new-secret">
                    {rotated.appSecret}
                  </Typography.Text>
                </Descriptions.Item>
              )}
              {rotated.credentials
                .filter((c) => c.status === 'retiring')
                .map((c) => (
                  <Descriptions.Item key={c.credentialId} label={t.oldCredentialUntil}>
                    <span data-testid="old-not-after">{c.notAfter}</span>
                  </Descriptions.Item>
                ))}
            </Descriptions>
          </Space>
        )}
      </Modal>
    </Space>
  );
}
