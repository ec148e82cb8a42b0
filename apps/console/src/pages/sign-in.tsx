import { useState } from 'react';
import { Alert, Button, Card, Form, Input } from 'antd';
import { api, ApiFailure, type Operator } from '../api';
import { useT } from '../i18n';
import type { Session } from './index';

export function SignInPage({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const t = useT();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (v: { username: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const s = await api<{ operator: Operator; traceUiUrl: string | null }>('POST', '/console/api/session', v);
      onSignedIn({ operator: s.operator, traceUiUrl: s.traceUiUrl });
    } catch (e) {
      setError(e instanceof ApiFailure ? (e.code === 'account_locked' ? `${t.locked}: ${e.message}` : e.message) : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 120 }}>
      <Card title={t.title} style={{ width: 380 }}>
        <Form layout="vertical" onFinish={(v) => void submit(v as { username: string; password: string })}>
          <Form.Item name="username" label={t.username} rules={[{ required: true }]}>
            <Input autoComplete="username" data-testid="username" />
          </Form.Item>
          <Form.Item name="password" label={t.password} rules={[{ required: true }]}>
            <Input.Password autoComplete="current-password" data-testid="password" />
          </Form.Item>
          {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="sign-in-error" />}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">
            {t.signIn}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
