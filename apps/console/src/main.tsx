import { StrictMode, useContext, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Result, Segmented, Space, Typography } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { api, ApiFailure, setTenantScope, type Operator } from './api';
import { LangContext, TEXTS, type Lang } from './i18n';
import { SignInPage } from './pages/sign-in';
import { CONSOLE_PAGES, type Session } from './pages';

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { t, lang, setLang } = useContext(LangContext);
  const location = useLocation();
  const pages = CONSOLE_PAGES.filter((p) => !p.provinceOnly || session.operator.role === 'province');
  const selected = pages.find((p) => location.pathname.startsWith(`/${p.path}`))?.path ?? 'overview';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16 }}>
        <Typography.Text style={{ color: '#fff', fontWeight: 600 }}>{t.title}</Typography.Text>
        <Menu
          theme="dark"
          mode="horizontal"
          selectedKeys={[selected]}
          style={{ flex: 1 }}
          items={pages.map((p) => ({ key: p.path, label: <Link to={`/${p.path}`}>{t[p.title]}</Link> }))}
        />
        <Space>
          <Typography.Text style={{ color: '#ccc' }} data-testid="who">
            {session.operator.name} · {session.operator.role === 'province' ? '省联社' : session.operator.tenantId}
          </Typography.Text>
          <Segmented
            size="small"
            value={lang}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'EN', value: 'en' },
            ]}
            onChange={(v) => setLang(v as Lang)}
          />
          <Button size="small" onClick={onSignOut}>
            {t.signOut}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Routes>
          {pages.flatMap((p) => p.routes.map((r) => <Route key={`${p.path}${r.path}`} path={`/${p.path}${r.path}`} element={r.element(session)} />))}
          <Route path="/" element={<Navigate to="/overview" replace />} />
          <Route path="*" element={<Result status="404" title="404" subTitle={t.notFound} />} />
        </Routes>
      </Layout.Content>
    </Layout>
  );
}

function Root() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem('cp-lang') === 'en' ? 'en' : 'zh'));
  const langSetter = (l: Lang) => {
    localStorage.setItem('cp-lang', l);
    setLang(l);
  };
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  useEffect(() => {
    api<{ operator: Operator; traceUiUrl: string | null }>('GET', '/console/api/session').then(
      (s) => setSession({ operator: s.operator, traceUiUrl: s.traceUiUrl }),
      (e: unknown) => setSession(e instanceof ApiFailure ? null : null),
    );
  }, []);
  // a county operator's scope is its own county; a province operator's is set by the county picker
  // (this effect runs after the pages' own, so it must not clear the county they picked)
  useEffect(() => {
    if (session?.operator.tenantId) setTenantScope(session.operator.tenantId);
  }, [session]);
  const signOut = async () => {
    await api('DELETE', '/console/api/session').catch(() => undefined);
    setSession(null);
  };
  return (
    <LangContext.Provider value={{ lang, t: TEXTS[lang], setLang: langSetter }}>
      <ConfigProvider locale={lang === 'zh' ? zhCN : enUS} theme={{ token: { colorPrimary: '#0a7a4f' } }}>
        <AntApp>
          <BrowserRouter basename="/console">
            {session === undefined ? null : session === null ? (
              <SignInPage onSignedIn={(s) => setSession(s)} />
            ) : (
              <Shell key={lang} session={session} onSignOut={() => void signOut()} />
            )}
          </BrowserRouter>
        </AntApp>
      </ConfigProvider>
    </LangContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
