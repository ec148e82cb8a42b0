import { useEffect, useState } from 'react';
import { Card, Space, Typography } from 'antd';
import { api } from '../api';
import { CountyPicker, useCounty } from './county-picker';
import type { Session } from './index';

/** A county's configuration as onboarding holds it (editing: PATCH /v1/admin/tenants/{id}/config, province). */
export function TenantConfigPage({ session }: { session: Session }) {
  const [tenant, setTenant, tenants] = useCounty(session);
  const [config, setConfig] = useState<unknown>();
  useEffect(() => {
    if (tenant) void api('GET', `/v1/admin/tenants/${tenant}`).then(setConfig, () => setConfig(undefined));
  }, [tenant]);
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <CountyPicker session={session} value={tenant} onChange={setTenant} tenants={tenants} />
      <Card>
        <Typography.Paragraph>
          <pre style={{ maxHeight: 600, overflow: 'auto' }}>{JSON.stringify(config, null, 2)}</pre>
        </Typography.Paragraph>
      </Card>
    </Space>
  );
}
