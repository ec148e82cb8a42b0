// Lint: typescript-eslint (type-aware where it matters) and Nx module boundaries on two tag
// axes (scope and type), as docs/conventions.md asks. Run with --max-warnings 0.
import { readFileSync } from 'node:fs';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// The published SDK (libs/sdk) may import node built-ins and exactly the npm packages its own
// package.json depends on, nothing else: a partner installs it alone (docs/adr/0006).
const SDK_DEPENDENCIES = Object.keys(JSON.parse(readFileSync(new URL('./libs/sdk/package.json', import.meta.url), 'utf8')).dependencies ?? {});

// Tag constraints on two axes (scope, type). Test files may also use the testing lib.
const DEP_CONSTRAINTS = [
  // scope: a service sees itself and the shared libs; shared libs see only shared libs
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:gateway', onlyDependOnLibsWithTags: ['scope:gateway', 'scope:shared'] },
  { sourceTag: 'scope:onboarding', onlyDependOnLibsWithTags: ['scope:onboarding', 'scope:shared'] },
  { sourceTag: 'scope:qr-payment', onlyDependOnLibsWithTags: ['scope:qr-payment', 'scope:shared'] },
  { sourceTag: 'scope:acquiring', onlyDependOnLibsWithTags: ['scope:acquiring', 'scope:shared'] },
  { sourceTag: 'scope:credit', onlyDependOnLibsWithTags: ['scope:credit', 'scope:shared'] },
  { sourceTag: 'scope:settlement', onlyDependOnLibsWithTags: ['scope:settlement', 'scope:shared'] },
  { sourceTag: 'scope:channel-sandbox', onlyDependOnLibsWithTags: ['scope:channel-sandbox', 'scope:shared'] },
  { sourceTag: 'scope:e2e', onlyDependOnLibsWithTags: ['scope:shared'] },
  { sourceTag: 'scope:deploy', onlyDependOnLibsWithTags: ['scope:shared'] },
  // type: apps sit on top; nothing depends on an app
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
  // test/ (integration tests of the libs, end-to-end tests, load tools): every lib, never an app
  {
    sourceTag: 'type:test',
    onlyDependOnLibsWithTags: ['type:sdk', 'type:util', 'type:contracts', 'type:testing', 'type:domain', 'type:data-access', 'type:feature'],
  },
  // deploy/ renders manifests from the shared contracts and config
  { sourceTag: 'type:tooling', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:data-access', onlyDependOnLibsWithTags: ['type:data-access', 'type:domain', 'type:util', 'type:contracts'] },
  // the SDK is published alone: it depends on no workspace lib (an empty list allows none)
  { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: [], allowedExternalImports: SDK_DEPENDENCIES },
  // the test platform mirrors the service kit (ServiceKitModule's providers, its HTTP conventions) for integration tests
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:feature', 'type:data-access', 'type:util', 'type:contracts'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:util'] },
  // util libs may use the SDK: the published SDK is the one implementation of the signing scheme,
  // so the platform (security, and through it the gateway) verifies exactly what partners sign
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:sdk'] },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:util'] },
];

function boundaries(tests) {
  return {
    enforceBuildableLibDependency: false,
    allow: [],
    depConstraints: DEP_CONSTRAINTS.map((c) => {
      if (!tests) return c;
      // specs are not published: they may use the dev dependencies (fast-check, …)
      const { allowedExternalImports: _published, ...rest } = c;
      return c.sourceTag.startsWith('type:') ? { ...rest, onlyDependOnLibsWithTags: [...rest.onlyDependOnLibsWithTags, 'type:testing'] } : rest;
    }),
  };
}

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'libs/sdk/dist/**', '.local/**', '.nx/**', 'coverage/**', '**/*.mjs', '**/*.cjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    languageOptions: {
      // one TypeScript program for the whole workspace (the root tsconfig.json, the one `npm run typecheck`
      // checks), the browser console's own: the projects' tsconfig.json files all extend tsconfig.base.json
      // unchanged, so the types are the same, but the project service built a program per project (about
      // 25, each binding the shared libs again) — four times the lint's time
      parserOptions: { project: ['./tsconfig.json', './apps/console/tsconfig.json'], tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': ['error', boundaries(false)],
    },
  },
  {
    // test-support code inside an app (src/testing/) is used by its specs only
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'apps/*/src/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off', '@nx/enforce-module-boundaries': ['error', boundaries(true)] },
  },
);
