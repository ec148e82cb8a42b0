import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { api, setTenantScope, type Page } from '../api';
import type { Session } from './index';

/** A province operator picks the county to look into; a county operator is fixed to its own. */
export function useCounty(session: Session): [string | undefined, (t: string) => void, Array<{ tenantId: string; name: string }>] {
  const own = session.operator.tenantId ?? undefined;
  const [tenant, setTenant] = useState<string | undefined>(own ?? localStorage.getItem('cp-county') ?? 't510121');
  const [tenants, setTenants] = useState<Array<{ tenantId: string; name: string }>>([]);
  useEffect(() => {
    void api<Page<{ tenantId: string; name: string }>>('GET', '/v1/admin/tenants?limit=100').then((p) => setTenants(p.data));
  }, []);
  useEffect(() => {
    setTenantScope(tenant);
    if (tenant && !own) localStorage.setItem('cp-county', tenant);
  }, [tenant, own]);
  return [tenant, (t) => setTenant(own ?? t), tenants];
}

export function CountyPicker({
  session,
  value,
  onChange,
  tenants,
}: {
  session: Session;
  value?: string;
  onChange: (t: string) => void;
  tenants: Array<{ tenantId: string; name: string }>;
}) {
  return (
    <Select
      showSearch
      style={{ width: 280 }}
      value={value}
      disabled={session.operator.role === 'county'}
      onChange={onChange}
      optionFilterProp="label"
      data-testid="county"
      options={tenants.map((t) => ({ value: t.tenantId, label: `${t.tenantId} ${t.name}` }))}
    />
  );
}
