// The chaos suite's arithmetic, pure (unit-tested in chaos-math.spec.ts): one scenario's figures
// from the load's samples and what the database and the webhook receiver hold, the recovery
// moment, and the table.

export interface Sample {
  /** request sent / answered (epoch ms) */
  t0: number;
  t1: number;
  outcome: 'succeeded' | 'not_succeeded' | 'error';
  code?: string;
  orderId?: string;
  tenantId: string;
  wallet: string;
}

export interface ScenarioFigures {
  scenario: string;
  attempted: number;
  succeeded: number;
  errors: number;
  /** error code → count (the requests that did not answer succeeded) */
  codes: Record<string, number>;
  /** succeeded per the API, never posted */
  lost: number;
  /** posted more than once */
  duplicated: number;
  /** posted, or succeeded per the API, without a succeeded channel payment */
  notTaken: number;
  /** seconds from the heal until payments succeed again and the ledger has caught up */
  recoverS?: number;
  /** seconds the restarted process took to answer ready */
  readyS?: number;
  ledgerLag: { p50: number; p99: number; max: number };
  /** succeeded payments with no payment.succeeded webhook */
  webhooksMissing: number;
  /** events delivered under more than one id */
  webhookIdsUnstable: number;
  refunds: { total: number; succeeded: number; lost: number; duplicated: number };
  unbalancedTenants: string[];
  staleOrders: number;
  failedWebhookDeliveries: string;
  deadLetters: string[];
}

export interface FigureInputs {
  scenario: string;
  samples: readonly Sample[];
  /** order id → payment.succeeded journal entries */
  posted: ReadonlyMap<string, number>;
  /** `${type}:${subject}` → the ids each delivery carried */
  hooks: ReadonlyMap<string, { headerIds: ReadonlySet<string>; bodyIds: ReadonlySet<string> }>;
  notTaken: number;
  unbalancedTenants: string[];
  staleOrders: number;
  ledgerLag: { p50: number; p99: number; max: number };
  refunds: ReadonlyArray<{ state: string; postings: number }>;
  failedWebhookDeliveries: string;
  deadLetters: string[];
  recoverS?: number;
  readyS?: number;
}

export function scenarioFigures(i: FigureInputs): ScenarioFigures {
  const ok = i.samples.filter((s) => s.outcome === 'succeeded');
  const codes: Record<string, number> = {};
  for (const s of i.samples) if (s.outcome !== 'succeeded') codes[s.code ?? s.outcome] = (codes[s.code ?? s.outcome] ?? 0) + 1;
  let unstable = 0;
  for (const s of ok) {
    const h = i.hooks.get(`payment.succeeded:${s.orderId}`);
    if (h && (h.headerIds.size > 1 || h.bodyIds.size > 1)) unstable++;
  }
  const refundsOk = i.refunds.filter((r) => r.state === 'succeeded');
  return {
    scenario: i.scenario,
    attempted: i.samples.length,
    succeeded: ok.length,
    errors: i.samples.length - ok.length,
    codes,
    lost: ok.filter((s) => !i.posted.has(s.orderId!)).length,
    duplicated: ok.filter((s) => (i.posted.get(s.orderId!) ?? 0) > 1).length,
    notTaken: i.notTaken,
    recoverS: i.recoverS,
    readyS: i.readyS,
    ledgerLag: i.ledgerLag,
    webhooksMissing: ok.filter((s) => !i.hooks.has(`payment.succeeded:${s.orderId}`)).length,
    webhookIdsUnstable: unstable,
    refunds: {
      total: i.refunds.length,
      succeeded: refundsOk.length,
      lost: refundsOk.filter((r) => r.postings === 0).length,
      duplicated: refundsOk.filter((r) => r.postings > 1).length,
    },
    unbalancedTenants: i.unbalancedTenants,
    staleOrders: i.staleOrders,
    failedWebhookDeliveries: i.failedWebhookDeliveries,
    deadLetters: i.deadLetters,
  };
}

/**
 * The moment the platform has recovered from a fault healed at `healedAt`: the later of the answer
 * to the first payment sent after the heal that succeeded, and `ledgerCaughtUpSince` (the first
 * check since which every success so far has been posted); undefined while either is missing.
 */
export function recoveredAt(samples: readonly Sample[], healedAt: number, ledgerCaughtUpSince: number | undefined): number | undefined {
  if (ledgerCaughtUpSince === undefined) return undefined;
  let first: number | undefined;
  for (const s of samples) if (s.outcome === 'succeeded' && s.t0 >= healedAt && (first === undefined || s.t1 < first)) first = s.t1;
  return first === undefined ? undefined : Math.max(first, ledgerCaughtUpSince);
}

/** true when the scenario kept every promise */
export function passed(f: ScenarioFigures): boolean {
  return (
    f.lost === 0 &&
    f.duplicated === 0 &&
    f.notTaken === 0 &&
    f.webhooksMissing === 0 &&
    f.webhookIdsUnstable === 0 &&
    f.refunds.lost === 0 &&
    f.refunds.duplicated === 0 &&
    f.unbalancedTenants.length === 0 &&
    f.staleOrders === 0 &&
    f.succeeded > 0
  );
}

const s1 = (v: number | undefined): string => (v === undefined ? '>max' : Number.isNaN(v) ? '-' : v.toFixed(1));

export function formatTable(rows: readonly ScenarioFigures[]): string {
  const head = [
    'scenario',
    'attempted',
    'succeeded',
    'errors',
    'lost',
    'duplicated',
    'recover s',
    'ready s',
    'ledger p99 s',
    'hooks miss/unstable',
    'refunds ok/lost/dup',
    'not taken',
    'unbalanced',
    'stale',
    'verdict',
  ];
  const body = rows.map((f) => [
    f.scenario,
    String(f.attempted),
    String(f.succeeded),
    String(f.errors),
    String(f.lost),
    String(f.duplicated),
    s1(f.recoverS),
    f.readyS === undefined ? '-' : f.readyS.toFixed(1),
    s1(f.ledgerLag.p99),
    `${f.webhooksMissing}/${f.webhookIdsUnstable}`,
    `${f.refunds.succeeded}/${f.refunds.lost}/${f.refunds.duplicated}`,
    String(f.notTaken),
    String(f.unbalancedTenants.length),
    String(f.staleOrders),
    passed(f) ? 'OK' : 'FAILED',
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...body.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string => r.map((v, c) => (c === 0 ? v.padEnd(widths[c]!) : v.padStart(widths[c]!))).join('  ');
  const notes = rows.flatMap((f) => {
    const n: string[] = [];
    const codes = Object.entries(f.codes);
    if (codes.length) n.push(`${f.scenario}: errors ${codes.map(([c, k]) => `${c} ${k}`).join(', ')}`);
    if (f.unbalancedTenants.length) n.push(`${f.scenario}: unbalanced ${f.unbalancedTenants.join('; ')}`);
    if (f.deadLetters.length) n.push(`${f.scenario}: dead letters ${f.deadLetters.join(', ')}`);
    if (f.failedWebhookDeliveries !== '0') n.push(`${f.scenario}: webhook deliveries given up: ${f.failedWebhookDeliveries}`);
    return n;
  });
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...(notes.length ? ['', ...notes] : [])].join('\n');
}
