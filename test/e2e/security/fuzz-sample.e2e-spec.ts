// The e2e tier's slice of the OpenAPI fuzzer (`npm run test:fuzz` runs ≥ 10,000 requests): a
// deterministic sample of the same generated cases, every operation represented, sent through the
// gateway with the same checks — no 5xx, every 4xx a documented code in the documented shape, no
// invalid request accepted, no writes — so that a regression shows up in CI.
//   COUNTYPAY_FUZZ_SAMPLE=700   how many (default 700)
//   COUNTYPAY_FUZZ_SEED=…       another sample (the default seed is fixed: the same cases every run)
import { type FuzzReport, type FuzzWorld, buildFuzzWorld, formatFindings, formatReport, runFuzz } from '../../fuzz/fuzz-harness';

const count = Number(process.env.COUNTYPAY_FUZZ_SAMPLE ?? 700);
const seed = Number(process.env.COUNTYPAY_FUZZ_SEED ?? 20261129);

jest.setTimeout(240_000);

let world: FuzzWorld;
let report: FuzzReport;

beforeAll(async () => {
  world = await buildFuzzWorld();
  report = await runFuzz(world, { seed, count, sample: true, log: () => undefined });
  const bad = report.findings.length > 0;
  if (bad) process.stdout.write(`${formatReport(report)}\n${formatFindings(report.findings)}\n`);
});

afterAll(async () => {
  await world?.receiver.stop();
});

describe(`fuzz sample: ${count} hostile requests generated from the OpenAPI document (seed ${seed})`, () => {
  it('covers every operation of the document', () => {
    expect(report.operations.filter((o) => o.requests === 0).map((o) => o.operationId)).toEqual([]);
  });

  it.each(['5xx', 'bad error shape', 'undocumented code', 'invalid input accepted', 'writes', 'no answer'] as const)('finds no %s', (kind) => {
    expect(report.findings.filter((f) => f.kind === kind).map((f) => f.detail)).toEqual([]);
  });
});
