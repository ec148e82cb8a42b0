// Chinese first for operators, English available (the switch in the header).
import { createContext, useContext } from 'react';

export type Lang = 'zh' | 'en';

const zh = {
  title: '县域支付运营控制台',
  signIn: '登录',
  signOut: '退出',
  username: '用户名',
  password: '密码',
  overview: '总览',
  transactions: '交易查询',
  merchants: '商户审核',
  partners: '合作方与应用',
  tenantConfig: '机构配置',
  webhooks: '回调通知',
  deadLetters: '死信队列',
  county: '县域机构',
  search: '查询',
  outTradeNo: '商户订单号',
  orderId: '订单号',
  amount: '金额',
  status: '状态',
  merchant: '商户',
  createdAt: '创建时间',
  timeline: '交易时间线',
  trace: '链路追踪',
  openTrace: '打开链路',
  ledger: '账务分录',
  approve: '通过',
  reject: '驳回',
  reason: '原因',
  replay: '重放',
  notFound: '未找到：该对象不存在或不属于您的机构',
  volumeByHour: '今日各小时交易量',
  latencyByHour: '今日各小时平均耗时（毫秒）',
  successRate: '成功率',
  count: '笔数',
  topic: '主题',
  error: '错误',
  scopes: '权限范围',
  rotate: '轮换凭证',
  locked: '账户已锁定',
  pendingReview: '待审核',
  save: '保存',
} as const;

const en: Record<keyof typeof zh, string> = {
  title: 'County payments ops console',
  signIn: 'Sign in',
  signOut: 'Sign out',
  username: 'User name',
  password: 'Password',
  overview: 'Overview',
  transactions: 'Transactions',
  merchants: 'Merchant review',
  partners: 'Partners & apps',
  tenantConfig: 'Tenant config',
  webhooks: 'Webhooks',
  deadLetters: 'Dead letters',
  county: 'County',
  search: 'Search',
  outTradeNo: 'Out trade no',
  orderId: 'Order id',
  amount: 'Amount',
  status: 'Status',
  merchant: 'Merchant',
  createdAt: 'Created',
  timeline: 'Timeline',
  trace: 'Trace',
  openTrace: 'Open trace',
  ledger: 'Ledger entries',
  approve: 'Approve',
  reject: 'Reject',
  reason: 'Reason',
  replay: 'Replay',
  notFound: 'Not found: it does not exist or is not in your county',
  volumeByHour: "Today's payments by hour",
  latencyByHour: "Today's average time to final state by hour (ms)",
  successRate: 'Success rate',
  count: 'Count',
  topic: 'Topic',
  error: 'Error',
  scopes: 'Scopes',
  rotate: 'Rotate credential',
  locked: 'Account locked',
  pendingReview: 'Pending review',
  save: 'Save',
};

export type Texts = Record<keyof typeof zh, string>;
export const TEXTS: Record<Lang, Texts> = { zh, en };
export const LangContext = createContext<{ lang: Lang; t: Texts; setLang: (l: Lang) => void }>({ lang: 'zh', t: zh, setLang: () => undefined });
export const useT = (): Texts => useContext(LangContext).t;

/** Fen (integer) as yuan text, without floating point. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
