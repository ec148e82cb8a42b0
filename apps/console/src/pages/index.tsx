// The console's pages, one entry each: menu title, path, routes. Pages for later products plug in
// here (acquiring orders next; settlement batches, approvals and reports, reconciliation cases, credit
// lines, overdue loans and the classification report are in) — and their rows into the payment timeline (transactions.tsx).
import type { ReactElement } from 'react';
import type { Operator } from '../api';
import type { Texts } from '../i18n';
import { CreditPage } from './credit';
import { DeadLettersPage } from './dead-letters';
import { MerchantDetailPage, MerchantsPage } from './merchants';
import { OverviewPage } from './overview';
import { PartnersPage } from './partners';
import { OrderSplitsPage, ProfitSharingPage } from './profit-sharing';
import { ReconciliationCasePage, ReconciliationPage } from './reconciliation';
import { SettlementBatchesPage, SettlementBatchPage, SettlementReportsPage } from './settlement';
import { TenantConfigPage } from './tenant-config';
import { TransactionsPage } from './transactions';
import { WebhooksPage } from './webhooks';

export interface Session {
  operator: Operator;
  traceUiUrl: string | null;
}

export interface ConsolePage {
  path: string;
  title: keyof Texts;
  provinceOnly?: boolean;
  routes: Array<{ path: string; element: (s: Session) => ReactElement }>;
}

export const CONSOLE_PAGES: ConsolePage[] = [
  { path: 'overview', title: 'overview', routes: [{ path: '', element: (s) => <OverviewPage session={s} /> }] },
  { path: 'transactions', title: 'transactions', routes: [{ path: '', element: (s) => <TransactionsPage session={s} /> }] },
  {
    path: 'merchants',
    title: 'merchants',
    routes: [
      { path: '', element: (s) => <MerchantsPage session={s} /> },
      { path: '/:merchantId', element: () => <MerchantDetailPage /> },
    ],
  },
  { path: 'partners', title: 'partners', routes: [{ path: '', element: (s) => <PartnersPage session={s} /> }] },
  {
    path: 'settlement',
    title: 'settlement',
    routes: [
      { path: '', element: (s) => <SettlementBatchesPage session={s} /> },
      { path: '/batches/:batchId', element: (s) => <SettlementBatchPage session={s} /> },
      { path: '/reports', element: (s) => <SettlementReportsPage session={s} /> },
    ],
  },
  {
    path: 'reconciliation',
    title: 'reconciliation',
    routes: [
      { path: '', element: (s) => <ReconciliationPage session={s} /> },
      { path: '/cases/:caseId', element: (s) => <ReconciliationCasePage session={s} /> },
    ],
  },
  {
    path: 'profit-sharing',
    title: 'profitSharing',
    routes: [
      { path: '', element: (s) => <ProfitSharingPage session={s} /> },
      { path: '/orders/:orderId', element: () => <OrderSplitsPage /> },
    ],
  },
  { path: 'credit', title: 'credit', routes: [{ path: '', element: (s) => <CreditPage session={s} /> }] },
  { path: 'tenant-config', title: 'tenantConfig', routes: [{ path: '', element: (s) => <TenantConfigPage session={s} /> }] },
  { path: 'webhooks', title: 'webhooks', routes: [{ path: '', element: (s) => <WebhooksPage session={s} /> }] },
  { path: 'dead-letters', title: 'deadLetters', provinceOnly: true, routes: [{ path: '', element: () => <DeadLettersPage /> }] },
];
