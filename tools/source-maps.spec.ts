// Every service reads its own source maps and not node_modules' (docs/perf/throughput.md "tpidle"):
// its main.ts loads @countypay/observability/source-maps before anything else, and that module turns the support on that way.
import { readFileSync } from 'node:fs';
import { getSourceMapsSupport } from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..');
const SERVICES = ['gateway', 'onboarding', 'qr-payment', 'acquiring', 'credit', 'settlement', 'channel-sandbox'];

describe('source maps in the services', () => {
  it.each(SERVICES)('%s: main.ts imports @countypay/observability/source-maps first (before ./tracing and every package)', (svc) => {
    const main = readFileSync(join(root, 'apps', svc, 'src', 'main.ts'), 'utf8');
    const imports = main.split('\n').filter((l) => l.startsWith('import '));
    expect(imports[0]).toBe("import '@countypay/observability/source-maps';");
  });

  it('the module turns them on for this repository’s code only', async () => {
    const before = getSourceMapsSupport();
    try {
      await import('@countypay/observability/source-maps');
      expect(getSourceMapsSupport()).toEqual({ enabled: true, nodeModules: false, generatedCode: false });
    } finally {
      const { setSourceMapsSupport } = await import('node:module');
      setSourceMapsSupport(before.enabled, { nodeModules: before.nodeModules, generatedCode: before.generatedCode });
    }
  });
});
