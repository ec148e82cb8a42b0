// Reads deploy/container/Containerfile for the tests that can run where no container can: its
// instructions by stage, and the runtime stage's file layout assembled from the repository (what
// the image's COPY lines would copy, after `npm run build`), so the start command can be run from
// exactly the files the image holds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, cpSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const ROOT = join(__dirname, '..', '..');
export const CONTAINERFILE = join(ROOT, 'deploy/container/Containerfile');

export interface Instruction {
  op: string;
  args: string;
  line: number;
}

export interface Stage {
  name: string;
  from: string;
  instructions: Instruction[];
}

/** Instructions with their continuation lines joined, comments dropped, grouped by stage (ARGs before the first FROM in `preamble`). */
export function parseContainerfile(text: string): { preamble: Instruction[]; stages: Stage[] } {
  const preamble: Instruction[] = [];
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i];
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) continue;
      line = `${line.slice(0, -1).trimEnd()} ${lines[i].trim()}`;
    }
    const m = /^\s*([A-Za-z]+)\s+(.*)$/.exec(line);
    if (!m) throw new Error(`Containerfile line ${start + 1}: not an instruction: ${line}`);
    const ins: Instruction = { op: m[1].toUpperCase(), args: m[2].trim(), line: start + 1 };
    if (ins.op === 'FROM') {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!f) throw new Error(`Containerfile line ${ins.line}: FROM <image> AS <name> expected`);
      stages.push({ name: f[2] ?? String(stages.length), from: f[1], instructions: [] });
    } else if (stages.length === 0) {
      preamble.push(ins);
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return { preamble, stages };
}

export interface Copy {
  from?: string;
  sources: string[];
  dest: string;
}

/** A COPY's stage (`--from`), its sources and its destination (exec or shell form). */
export function parseCopy(args: string): Copy {
  const words: string[] = args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  let from: string | undefined;
  const rest: string[] = [];
  for (const w of words) {
    const f = /^--from=(.+)$/.exec(w);
    if (f) from = f[1];
    else if (!w.startsWith('--')) rest.push(w);
  }
  return { from, sources: rest.slice(0, -1), dest: rest[rest.length - 1] };
}

export function readContainerfile(): { preamble: Instruction[]; stages: Stage[] } {
  return parseContainerfile(readFileSync(CONTAINERFILE, 'utf8'));
}

/**
 * Lays out the runtime stage's files under `dir` as the image would hold them at its WORKDIR:
 * context sources from the repository, the build stage's /src/<path> from the repository's built
 * <path>, the prod-deps stage's node_modules as a link to the repository's (a superset), and
 * files of the base image (tini) left out. Returns the WORKDIR path inside `dir`.
 */
export function assembleRuntimeLayout(dir: string): string {
  const { stages } = readContainerfile();
  const runtime = stages[stages.length - 1];
  const workdir = runtime.instructions.find((i) => i.op === 'WORKDIR')?.args ?? '/';
  const stageWorkdir = (name: string): string => stages.find((s) => s.name === name)?.instructions.find((i) => i.op === 'WORKDIR')?.args ?? '/';
  const app = join(dir, workdir);
  mkdirSync(app, { recursive: true });
  for (const ins of runtime.instructions.filter((i) => i.op === 'COPY')) {
    const c = parseCopy(ins.args);
    const destIsDir = c.dest.endsWith('/') || c.sources.length > 1;
    for (const src of c.sources) {
      let from: string;
      if (!c.from) from = join(ROOT, src);
      else if (src.startsWith(`${stageWorkdir(c.from)}/`)) from = join(ROOT, src.slice(stageWorkdir(c.from).length + 1));
      else continue; // a file of the stage's base image (tini), not of this repository
      const base = c.dest.startsWith('/') ? dir : app;
      const to = destIsDir ? join(base, c.dest, src.split('/').pop()!) : join(base, c.dest);
      if (!existsSync(from)) throw new Error(`Containerfile line ${ins.line}: ${src} → ${from} does not exist`);
      mkdirSync(dirname(to), { recursive: true });
      if (from.endsWith('node_modules')) symlinkSync(from, to, 'dir');
      else cpSync(from, to, { recursive: true });
    }
  }
  return app;
}

function newestUnder(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) newest = Math.max(newest, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Runs the build stage's `node …` steps in the repository, as the image build runs them: the
 * server build (incremental) and the console's Vite build — skipped when dist/console is newer
 * than every file of apps/console, since Vite takes a while on a shared machine.
 */
export function buildLikeTheImage(): void {
  const build = readContainerfile().stages.find((s) => s.name === 'build');
  if (!build) throw new Error('Containerfile: no build stage');
  const steps = build.instructions.filter((i) => i.op === 'RUN' && i.args.startsWith('node ')).map((i) => i.args.split(/\s+/).slice(1));
  const index = join(ROOT, 'dist/console/index.html');
  for (const args of steps) {
    const isVite = args[0].includes('vite');
    if (isVite && existsSync(index) && statSync(index).mtimeMs > newestUnder(join(ROOT, 'apps/console'))) continue;
    const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) throw new Error(`Containerfile build step \`node ${args.join(' ')}\` failed:\n${r.stdout}${r.stderr}`);
  }
}
