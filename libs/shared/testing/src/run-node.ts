import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';

export interface NodeRun {
  /** the exit code; null when it was killed (the timeout) */
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunNodeOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** killed (SIGTERM) after this long, as spawnSync's `timeout` does */
  timeoutMs: number;
}

const limit = Math.max(1, availableParallelism());
let running = 0;
const waiting: Array<() => void> = [];

/**
 * Runs a Node script like spawnSync (its output and exit status, killed at the timeout) without
 * blocking, so that a spec can start several cold Node processes (a whole app each: seconds of
 * mostly one core) at once and assert on each in its own test — at most one per core at a time.
 * Never rejects: a process that could not start ends with status null and the error on stderr.
 */
export async function runNode(args: string[], opts: RunNodeOptions): Promise<NodeRun> {
  if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await new Promise<NodeRun>((resolve) => {
      const child = spawn(process.execPath, args, { env: opts.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        resolve({ status: null, signal: null, stdout, stderr: `${stderr}${String(err)}` });
      });
      child.on('close', (status, signal) => {
        clearTimeout(timer);
        resolve({ status, signal, stdout, stderr });
      });
    });
  } finally {
    // the slot goes to the next waiting run, if any
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}
