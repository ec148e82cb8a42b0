// `npm run test:fuzz`: at least 10,000 hostile requests generated from the OpenAPI document
// (test/fuzz/openapi-fuzzer.ts), sent signed through the gateway of the platform the e2e global
// setup boots (test/fuzz/fuzz-harness.ts): no 5xx, every 4xx a documented code in the documented
// shape, no invalid request accepted, no writes. Not part of `npm test` at this size (the e2e tier
// runs a sample: test/e2e/security/fuzz-sample.e2e-spec.ts).
//   COUNTYPAY_FUZZ_REQUESTS=20000   how many (default 10,000)
//   COUNTYPAY_FUZZ_SEED=12345       reproduce a run (the seed is printed first)
import { type FuzzReport, type FuzzWorld, buildFuzzWorld, formatFindings, formatReport, runFuzz } from './fuzz-harness';

const requests = Number(process.env.COUNTYPAY_FUZZ_REQUESTS ?? 10_000);
const seed = Number(process.env.COUNTYPAY_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

jest.setTimeout(60 * 60_000);

let world: FuzzWorld;
let report: FuzzReport;

beforeAll(async () => {
  process.stdout.write(`fuzz: seed ${seed} (COUNTYPAY_FUZZ_SEED=${seed} npm run test:fuzz reproduces this run)\n`);
  world = await buildFuzzWorld();
  report = await runFuzz(world, { seed, count: requests, sample: false });
  process.stdout.write(`${formatReport(report)}\n`);
  if (report.findings.length) process.stdout.write(`${formatFindings(report.findings)}\n`);
});

afterAll(async () => {
  await world?.receiver.stop();
});

describe(`fuzz: ${requests} requests generated from the OpenAPI document`, () => {
  it('covers every operation of the document', () => {
    expect(report.requests).toBeGreaterThanOrEqual(requests * 0.99);
    expect(report.operations.filter((o) => o.requests === 0).map((o) => o.operationId)).toEqual([]);
  });

  it.each(['5xx', 'bad error shape', 'undocumented code', 'invalid input accepted', 'writes', 'no answer'] as const)(
    'finds no %s (seed printed above)',
    (kind) => {
      expect(report.findings.filter((f) => f.kind === kind).map((f) => f.detail)).toEqual([]);
    },
  );
});
