import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@countypay/config';
import { createLogger } from '@countypay/observability';
import { applyHttpConventions } from '../bootstrap';
import { type CpuProfile, ProfileController } from './profile.controller';
import { ProfilingConfig } from './profiling.config';

async function serve(profiling: 'on' | 'off'): Promise<{ app: INestApplication; url: string }> {
  const moduleRef = await Test.createTestingModule({
    controllers: [ProfileController],
    providers: [{ provide: ProfilingConfig, useValue: loadConfig(ProfilingConfig, { COUNTYPAY_PROFILING: profiling }) }],
  }).compile();
  const app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
  applyHttpConventions(app, { logger: createLogger({ serviceName: 'profile-spec', level: 'silent' }), bodyLimitBytes: 64 * 1024 });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as { address(): AddressInfo }).address();
  return { app, url: `http://127.0.0.1:${port}` };
}

/** Keeps the CPU busy for a moment, so the profile has samples of it. */
function spin(ms: number): number {
  const until = performance.now() + ms;
  let x = 0;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  return x;
}

describe('POST /ops/profile', () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('records a CPU profile when COUNTYPAY_PROFILING=on: valid .cpuprofile JSON with nodes, samples and times', async () => {
    const s = await serve('on');
    app = s.app;
    // busy in short bursts for as long as the request runs, so the profile (0.4 s, whenever it
    // starts) overlaps `spin` — a single burst 50 ms after the request could end before the
    // profiler started on a loaded machine (CI saw it); the pauses let the server do its part
    let answered = false;
    const answer = fetch(`${s.url}/ops/profile?seconds=0.4`, { method: 'POST' }).finally(() => (answered = true));
    const busy = (async () => {
      while (!answered) {
        spin(20);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const res = await answer;
    await busy;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const profile = JSON.parse(await res.text()) as CpuProfile;
    expect(Array.isArray(profile.nodes)).toBe(true);
    expect(profile.nodes.length).toBeGreaterThan(1);
    expect(profile.nodes[0]).toMatchObject({ id: expect.any(Number), callFrame: expect.objectContaining({ functionName: expect.any(String) }) });
    expect(profile.endTime - profile.startTime).toBeGreaterThanOrEqual(300_000); // microseconds
    expect(profile.samples?.length).toBeGreaterThan(0);
    expect(profile.timeDeltas?.length).toBe(profile.samples?.length);
    // the samples include this file's busy code (V8 may inline `spin` into its caller once it is hot)
    const here = profile.nodes.filter((n) => n.callFrame.url.includes('profile.controller.spec'));
    expect(here.some((n) => (n.hitCount ?? 0) > 0 || n.callFrame.functionName === 'spin')).toBe(true);
  });

  it('answers 404 route_not_found when profiling is off, like a route that does not exist', async () => {
    const s = await serve('off');
    app = s.app;
    const res = await fetch(`${s.url}/ops/profile?seconds=1`, { method: 'POST' });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; type: string } };
    expect(body.error).toMatchObject({ code: 'route_not_found', type: 'not_found_error' });
    const missing = (await (await fetch(`${s.url}/ops/nothing`, { method: 'POST' })).json()) as { error: { code: string; message: string } };
    expect(body.error).toMatchObject({ code: missing.error.code, message: missing.error.message.replace('/ops/nothing', '/ops/profile') });
  });

  it('refuses a bad duration and a second profile at the same time', async () => {
    const s = await serve('on');
    app = s.app;
    for (const bad of ['0', '301', 'abc', '-1', '1e3']) {
      const res = await fetch(`${s.url}/ops/profile?seconds=${bad}`, { method: 'POST' });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { param: string } }).error.param).toBe('seconds');
    }
    const first = fetch(`${s.url}/ops/profile?seconds=0.3`, { method: 'POST' });
    await new Promise((r) => setTimeout(r, 100));
    const second = await fetch(`${s.url}/ops/profile?seconds=0.3`, { method: 'POST' });
    expect(second.status).toBe(409);
    expect((await first).status).toBe(200);
  });

  it('reads the flag from COUNTYPAY_PROFILING, off by default, and refuses anything but on/off', () => {
    expect(loadConfig(ProfilingConfig, {}).enabled).toBe(false);
    expect(loadConfig(ProfilingConfig, { COUNTYPAY_PROFILING: 'on' }).enabled).toBe(true);
    expect(() => loadConfig(ProfilingConfig, { COUNTYPAY_PROFILING: 'yes' })).toThrow(/COUNTYPAY_PROFILING/);
  });
});
