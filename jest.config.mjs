// Three tiers (docs/conventions.md): unit (*.spec.ts beside the code), integration
// (*.int-spec.ts, real PostgreSQL + Kafka) and end-to-end (test/e2e/*.e2e-spec.ts, the
// running platform through the public API). `npm test` (tools/test.mjs) runs all three.
import { root, swcOptions, tsPaths } from './tools/swc-config.mjs';

const swc = swcOptions();
const transform = { '^.+\\.ts$': ['@swc/jest', { ...swc, sourceMaps: 'inline', swcrc: false }] };
const moduleNameMapper = Object.fromEntries(Object.entries(tsPaths()).map(([alias, [target]]) => [`^${alias.replace('/', '\\/')}$`, `<rootDir>/${target}`]));
const base = {
  rootDir: root,
  setupFiles: ['reflect-metadata'],
  transform,
  moduleNameMapper,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json', 'mjs'],
};
const roots = ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test', '<rootDir>/tools', '<rootDir>/deploy'];

export default {
  projects: [
    { ...base, displayName: 'unit', roots, testMatch: ['**/*.spec.ts'] },
    {
      ...base,
      displayName: 'int',
      roots,
      testMatch: ['**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/setup/int-global-setup.mjs',
    },
    {
      ...base,
      displayName: 'e2e',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/e2e-global-setup.mjs',
      globalTeardown: '<rootDir>/test/setup/e2e-global-teardown.mjs',
    },
  ],
};
