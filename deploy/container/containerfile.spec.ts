import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTAINERFILE, ROOT, parseContainerfile, parseCopy, readContainerfile } from './containerfile';

const SERVICES = [...readFileSync(join(ROOT, 'tools/services.mjs'), 'utf8').matchAll(/name: '([a-z-]+)'/g)].map((m) => m[1]);

describe('deploy/container/Containerfile', () => {
  const { preamble, stages } = readContainerfile();
  const runtime = stages[stages.length - 1];
  const ops = (stage: { instructions: Array<{ op: string; args: string }> }, op: string) => stage.instructions.filter((i) => i.op === op).map((i) => i.args);

  it('is multi-stage, and its runtime stage only copies (no RUN: it builds without a shell step)', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'prod-deps', 'runtime']);
    expect(ops(runtime, 'RUN')).toEqual([]);
    expect(ops(runtime, 'COPY').length).toBeGreaterThan(3);
  });

  it('builds from a pinned Node 24 base image, overridable for a mirror', () => {
    expect(preamble).toEqual([expect.objectContaining({ op: 'ARG', args: expect.stringMatching(/^NODE_IMAGE=\S+:24[-.\w]*$/) })]);
    expect(stages.every((s) => s.from === '${NODE_IMAGE}')).toBe(true);
  });

  it('runs as a non-root numeric user', () => {
    const users = ops(runtime, 'USER');
    expect(users).toHaveLength(1);
    const [uid, gid] = users[0].split(':').map(Number);
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
  });

  it('starts under tini, which forwards signals to Node and reaps, with the app as the argument', () => {
    const entrypoint = JSON.parse(ops(runtime, 'ENTRYPOINT')[0]) as string[];
    expect(entrypoint.slice(0, 3)).toEqual(['/usr/local/bin/tini', '--', 'node']);
    expect(entrypoint[entrypoint.length - 1]).toBe('deploy/container/start.mjs');
    const tini = ops(runtime, 'COPY')
      .map(parseCopy)
      .find((c) => c.dest === '/usr/local/bin/tini');
    expect(tini).toMatchObject({ from: 'build', sources: ['/usr/bin/tini-static'] });
    expect(ops(stages[0], 'RUN').join(' ')).toMatch(/apt-get install -y --no-install-recommends tini/);
    const cmd = JSON.parse(ops(runtime, 'CMD')[0]) as string[];
    expect(SERVICES).toContain(cmd[0]);
  });

  it('ships production dependencies only', () => {
    const copies = ops(runtime, 'COPY').map(parseCopy);
    const modules = copies.find((c) => c.dest === './node_modules');
    expect(modules?.from).toBe('prod-deps');
    const prodDeps = stages.find((s) => s.name === 'prod-deps')!;
    expect(ops(prodDeps, 'RUN').join(' ')).toMatch(/npm ci --omit=dev/);
    // the compiled code only, not the sources, tests or tools
    const fromBuild = copies.filter((c) => c.from === 'build').flatMap((c) => c.sources);
    expect(fromBuild.filter((s) => s.startsWith('/src/'))).toEqual(['/src/dist/apps', '/src/dist/libs', '/src/dist/console']);
  });

  it('builds the ops console with Vite in the build stage (as `npm start` does) and ships its static build where the gateway looks for it', () => {
    const build = stages.find((s) => s.name === 'build')!;
    const runs = ops(build, 'RUN');
    const vite = runs.findIndex((r) => r.startsWith('node node_modules/vite/bin/vite.js build '));
    expect(vite).toBeGreaterThan(runs.findIndex((r) => r === 'node tools/build.mjs'));
    const config = /--config (\S+)/.exec(runs[vite])?.[1];
    expect(config).toBe('apps/console/vite.config.mts');
    // the same config as the local platform's build, whose outDir is dist/console
    expect(readFileSync(join(ROOT, 'tools/platform.mjs'), 'utf8')).toContain(`'--config', '${config}'`);
    expect(readFileSync(join(ROOT, config!), 'utf8')).toMatch(/outDir: fileURLToPath\(new URL\('\.\.\/\.\.\/dist\/console'/);
    // the sources it reads are in the build stage's context (npm ci installed Vite and React: dev dependencies)
    const copied = ops(build, 'COPY').map(parseCopy);
    expect(copied.flatMap((c) => c.sources)).toEqual(expect.arrayContaining(['apps', 'package-lock.json']));
    expect(ops(build, 'RUN').join(' ')).not.toMatch(/--omit=dev/);
    // the gateway's default console directory: dist/apps/gateway/src/console → dist/console
    const consoleCopy = ops(runtime, 'COPY')
      .map(parseCopy)
      .find((c) => c.sources.includes('/src/dist/console'));
    expect(consoleCopy).toEqual({ from: 'build', sources: ['/src/dist/console'], dest: './dist/console' });
    expect(readFileSync(join(ROOT, 'apps/gateway/src/console/console.config.ts'), 'utf8')).toContain("join(__dirname, '..', '..', '..', '..', 'console')");
  });

  it('holds no secret: no credential-like variable or value, nothing from .local', () => {
    const text = readFileSync(CONTAINERFILE, 'utf8');
    for (const stage of stages) {
      for (const e of [...ops(stage, 'ENV'), ...ops(stage, 'ARG')]) expect(e).not.toMatch(/SECRET|PASSWORD|TOKEN|_KEY\b|DATABASE_URL/i);
    }
    expect(text).not.toMatch(/postgres:\/\/|\.local\/|secrets\.json|--build-arg/);
  });

  it('copies from the build context only files that exist in the repository', () => {
    for (const stage of stages) {
      for (const c of ops(stage, 'COPY')
        .map(parseCopy)
        .filter((x) => !x.from)) {
        for (const src of c.sources) expect([src, existsSync(join(ROOT, src))]).toEqual([src, true]);
      }
    }
  });

  it('keeps local state, installs and build outputs out of the build context', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.local', '**/node_modules', 'dist', '.git']));
  });

  it('parses continuation lines and exec-form COPY', () => {
    const parsed = parseContainerfile('ARG X=1\nFROM a AS one\nRUN a \\\n # note\n && b\nCOPY ["x y", "/z/"]\n');
    expect(parsed.stages[0].instructions).toEqual([
      { op: 'RUN', args: 'a && b', line: 3 },
      { op: 'COPY', args: '["x y", "/z/"]', line: 6 },
    ]);
    expect(parseCopy('["x y", "/z/"]')).toEqual({ sources: ['x y'], dest: '/z/' });
    expect(parseCopy('--from=build --chown=1:1 /a /b ./c/')).toEqual({ from: 'build', sources: ['/a', '/b'], dest: './c/' });
  });
});
