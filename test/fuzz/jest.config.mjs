// `npm run test:fuzz`: the e2e tier's jest project (same global setup: the whole platform booted on
// its own database and ports, stopped after), with the full-size fuzz suite of this folder as its
// only test. `npm test` does not see it (its e2e roots are test/e2e, which runs a sample instead).
import config from '../../jest.config.mjs';

const e2e = config.projects.find((p) => p.displayName === 'e2e');
if (!e2e) throw new Error('jest.config.mjs has no e2e project');

export default { ...e2e, displayName: 'fuzz', roots: ['<rootDir>/test/fuzz'], testMatch: ['**/fuzz.e2e-spec.ts'] };
