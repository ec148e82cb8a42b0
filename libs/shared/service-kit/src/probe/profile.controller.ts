import { Controller, HttpCode, Inject, Optional, Post, Query } from '@nestjs/common';
import { Session } from 'node:inspector/promises';
import { ApiError } from '@countypay/contracts';
import { loadConfig } from '@countypay/config';
import { PlatformRoute } from '../auth/access';
import { ProfilingConfig } from './profiling.config';

/** A V8 CPU profile as Chrome DevTools and speedscope open it (a `.cpuprofile` file). */
export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
    hitCount?: number;
    children?: number[];
  }>;
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export const MAX_PROFILE_SECONDS = 300;
/** V8's sampling interval, as `node --cpu-prof` uses by default */
const SAMPLING_INTERVAL_US = 1000;

/** Records this process's CPU for `ms` milliseconds with Node's built-in inspector (no flag, no extra package). */
export async function recordCpuProfile(ms: number): Promise<CpuProfile> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    await session.post('Profiler.start');
    await new Promise((resolve) => setTimeout(resolve, ms));
    const { profile } = await session.post('Profiler.stop');
    return profile as CpuProfile;
  } finally {
    await session.post('Profiler.disable').catch(() => undefined);
    session.disconnect();
  }
}

/**
 * `POST /ops/profile?seconds=N` (default 10, at most 300): records a CPU profile of this service
 * for N seconds and answers it as `.cpuprofile` JSON. Only when the service was started with
 * `COUNTYPAY_PROFILING=on` (the bench's `--profile`); otherwise the route answers 404
 * `route_not_found`, exactly like a route that does not exist. One profile at a time (409).
 * A platform route: the gateway does not route it (it is in no OpenAPI operation).
 */
@PlatformRoute('benchmarks (COUNTYPAY_PROFILING=on)')
@Controller('ops/profile')
export class ProfileController {
  private readonly config: ProfilingConfig;
  private recording = false;

  constructor(@Optional() @Inject(ProfilingConfig) config?: ProfilingConfig) {
    this.config = config ?? loadConfig(ProfilingConfig);
  }

  @Post()
  @HttpCode(200)
  async record(@Query('seconds') seconds?: string): Promise<CpuProfile> {
    if (!this.config.enabled) throw new ApiError('route_not_found', 'Cannot POST /ops/profile');
    const s = seconds === undefined || seconds === '' ? 10 : /^\d{1,3}(\.\d{1,3})?$/.test(seconds) ? Number(seconds) : NaN;
    if (!(s > 0 && s <= MAX_PROFILE_SECONDS))
      throw new ApiError('invalid_request', `seconds must be a number above 0 and at most ${MAX_PROFILE_SECONDS}`, 'seconds');
    if (this.recording) throw new ApiError('conflict', 'a CPU profile of this service is being recorded already');
    this.recording = true;
    try {
      return await recordCpuProfile(Math.round(s * 1000));
    } finally {
      this.recording = false;
    }
  }
}
