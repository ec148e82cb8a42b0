import { machineShares, platformMs, type CpuDelta } from './bench-procs';

const delta = (rows: Array<[string, number]>, machineBusyMs: number, postgresOtherDbMs = 0, seconds = 5): CpuDelta => ({
  seconds,
  rows: rows.map(([label, ms]) => ({ label, ms, ctxSwitches: 0, processes: 1, unreliable: false })),
  postgresOtherDbMs,
  machineBusyMs,
  machineBusyShare: machineBusyMs / (seconds * 1000 * 2),
});

describe('machineShares (the progress lines: the platform against everything else)', () => {
  it('splits the machine into the platform and the rest, the bench in neither', () => {
    // 5 s on 2 CPUs = 10,000 ms: the platform 4,000, the bench 500, the machine 7,000 busy → others 2,500
    const d = delta(
      [
        ['gateway', 1500],
        ['qr-payment', 1500],
        ['postgres', 1000],
        ['bench', 500],
      ],
      7000,
    );
    expect(platformMs(d)).toBe(4000);
    expect(machineShares(d, 2)).toEqual({ platform: 0.4, others: 0.25 });
  });

  it("counts other databases' PostgreSQL backends as someone else's load", () => {
    const d = delta(
      [
        ['gateway', 1000],
        ['postgres', 3000],
        ['bench', 0],
      ],
      5000,
      2000,
    );
    expect(machineShares(d, 2)).toEqual({ platform: 0.2, others: 0.3 });
  });

  it('leaves out a process that restarted (NaN) and never answers a negative share', () => {
    const d = delta(
      [
        ['gateway', NaN],
        ['kafka', 2000],
        ['bench', 100],
      ],
      1500,
    );
    expect(machineShares(d, 2)).toEqual({ platform: 0.2, others: 0 });
  });

  it('has no shares for an empty window', () => {
    const d = delta([['gateway', 0]], 0, 0, 0);
    const s = machineShares(d, 2);
    expect(Number.isNaN(s.platform) && Number.isNaN(s.others)).toBe(true);
  });
});
