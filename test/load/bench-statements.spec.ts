import { statementLines, statementWork, type StatementSnapshot } from './bench-statements';

const snap = (commits: number, rows: Array<[string, string, string, number, number]>): StatementSnapshot => ({
  commits,
  rows: new Map(rows.map(([key, role, query, calls, execMs]) => [key, { role, query, calls, execMs }])),
});

describe('statementWork (the bench: database work per payment from pg_stat_statements)', () => {
  const before = snap(1_000, [
    ['1:10', 'cp_gateway_app', 'COMMIT', 100, 1],
    ['1:11', 'cp_gateway_app', 'select gateway_admit($1)', 100, 50],
    ['2:20', 'cp_settlement_app', 'commit', 40, 0.4],
    ['2:21', 'cp_settlement_app', 'insert into postings …', 40, 80],
    ['3:30', 'cp_credit_app', 'select 1', 7, 0.1],
  ]);
  const after = snap(1_130, [
    ['1:10', 'cp_gateway_app', 'COMMIT', 120, 1.2],
    ['1:11', 'cp_gateway_app', 'select gateway_admit($1)', 110, 70],
    ['2:20', 'cp_settlement_app', 'commit', 50, 0.5],
    ['2:21', 'cp_settlement_app', 'insert into postings …', 50, 120],
    ['2:22', 'cp_settlement_app', 'select seq from outbox …', 30, 9], // new since the first snapshot
    ['3:30', 'cp_credit_app', 'select 1', 7, 0.1], // no calls in between: not shown
  ]);

  it('counts statements, transactions (commits) and execution time per payment and per role', () => {
    const w = statementWork(before, after, 10);
    expect(w.roles.map((r) => r.role)).toEqual(['cp_settlement_app', 'cp_gateway_app']);
    const settlement = w.roles[0]!;
    expect(settlement.statements).toBeCloseTo(5); // (10 + 10 + 30) / 10
    expect(settlement.transactions).toBeCloseTo(1);
    expect(settlement.execMs).toBeCloseTo((0.1 + 40 + 9) / 10);
    const gateway = w.roles[1]!;
    expect(gateway.statements).toBeCloseTo(3);
    expect(gateway.transactions).toBeCloseTo(2);
    expect(w.total.statements).toBeCloseTo(8);
    expect(w.total.transactions).toBeCloseTo(3);
    expect(w.databaseCommits).toBeCloseTo(13);
  });

  it('ranks statements by execution time per payment', () => {
    const w = statementWork(before, after, 10, 2);
    expect(w.top.map((t) => [t.query, t.callsPerPayment, t.execMsPerPayment])).toEqual([
      ['insert into postings …', 1, 4],
      ['select gateway_admit($1)', 1, 2],
    ]);
  });

  it('counts a statement evicted and seen again from zero (its counter restarted)', () => {
    const evicted = snap(1_130, [['1:11', 'cp_gateway_app', 'select gateway_admit($1)', 4, 2]]);
    const w = statementWork(before, evicted, 2);
    expect(w.roles).toEqual([{ role: 'cp_gateway_app', statements: 2, transactions: 0, execMs: 1 }]);
  });

  it('prints a table a person can read, one line per role, the total and the heaviest statements', () => {
    const lines = statementLines(statementWork(before, after, 10, 1));
    expect(lines[0]).toMatch(/role \(one per service\)\s+statements\s+transactions\s+exec ms/);
    expect(lines[1]).toMatch(/^ {2}cp_settlement_app\s+5\.0\s+1\.00\s+4\.91$/);
    expect(lines[3]).toMatch(/^ {2}total\s+8\.0\s+3\.00\s+6\.93$/);
    expect(lines).toContain('  commits of the whole database: 13.00 per payment');
    expect(lines[lines.length - 1]).toBe('      4.00 ·  1.00 · cp_settlement_app · insert into postings …');
  });
});
