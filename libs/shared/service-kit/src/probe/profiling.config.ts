import { IsIn } from 'class-validator';

/**
 * CPU profiling on demand (`POST /ops/profile`), for benchmarks (`npm run bench -- --profile`).
 * Off by default: the route then answers 404 like any route that does not exist.
 */
export class ProfilingConfig {
  @IsIn(['on', 'off'], { message: 'COUNTYPAY_PROFILING must be on or off' })
  COUNTYPAY_PROFILING: 'on' | 'off' = 'off';

  get enabled(): boolean {
    return this.COUNTYPAY_PROFILING === 'on';
  }
}
