// One swc configuration for the build (tools/build.mjs) and for jest (jest.config.mjs):
// TypeScript with legacy decorators and decorator metadata (NestJS, TypeORM,
// class-validator), compiled to CommonJS; the @countypay/* aliases of
// tsconfig.base.json are rewritten to relative paths.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export function tsPaths() {
  const base = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));
  return base.compilerOptions.paths;
}

export function swcOptions() {
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
      baseUrl: root,
      paths: tsPaths(),
    },
    module: { type: 'commonjs', strictMode: true },
    sourceMaps: true,
  };
}
