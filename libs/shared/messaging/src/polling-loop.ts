import { runDetached } from '@countypay/observability';

export interface PollingLoopOptions {
  /** one round of work; returns how many items it handled */
  round: () => Promise<number>;
  /** a full round means more work is waiting: the next round starts at once */
  batchSize: number;
  /** the pause between rounds when there was nothing (more) to do; a function (asked after each round) to vary it: long while woken by notifications, until the next item is due */
  pollMs: number | (() => number);
  /** ceiling of the back-off after a failed round */
  maxBackoffMs?: number;
  onError: (err: unknown) => void;
}

/**
 * A background loop that runs a round of work every `pollMs`, at once again after a full batch,
 * backs off after a failure, and can be woken early. Never two rounds at a time; `stop()` waits
 * for the running round. Timers run detached from the context that started or woke the loop,
 * so a request that wakes it does not make later rounds part of its trace.
 */
export class PollingLoop {
  private timer: NodeJS.Timeout | undefined;
  /** when the scheduled round runs (ms since the epoch) */
  private dueAt = 0;
  private running = false;
  /** a wake that came while a round ran (its delay): that round may have looked before the new work was there */
  private wokenWhileRunning: number | undefined;
  private stopped = true;
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly opts: PollingLoopOptions) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.pending;
  }

  private pollMs(): number {
    return typeof this.opts.pollMs === 'function' ? this.opts.pollMs() : this.opts.pollMs;
  }

  /**
   * Runs a round now — or in `delayMs`, letting more work gather for it — instead of at the next
   * poll; a round already due sooner is not put off. A wake while a round runs is kept: another
   * round follows it (at once, or after the shortest delay asked meanwhile: the running one may
   * have looked before the work that woke it was there — dropping the wake left that work to the
   * next poll, up to 30 s later).
   */
  wake(delayMs = 0): void {
    if (this.stopped) return;
    if (this.running) this.wokenWhileRunning = Math.min(delayMs, this.wokenWhileRunning ?? delayMs);
    else if (!this.timer || Date.now() + delayMs < this.dueAt) this.schedule(delayMs);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = Date.now() + ms;
    this.timer = runDetached(() =>
      setTimeout(() => {
        this.timer = undefined;
        this.pending = this.tick();
      }, ms),
    );
  }

  private async tick(): Promise<void> {
    if (this.running || this.stopped) return;
    this.running = true;
    this.wokenWhileRunning = undefined;
    let next: number;
    try {
      const handled = await this.opts.round();
      // asked after the round: the pause may depend on what the round found (the next item's due time)
      next = handled >= this.opts.batchSize ? 0 : (this.wokenWhileRunning ?? this.pollMs());
    } catch (err) {
      this.opts.onError(err);
      next = Math.min(this.pollMs() * 4, this.opts.maxBackoffMs ?? 5000);
    } finally {
      this.running = false;
    }
    if (!this.stopped) this.schedule(next);
  }
}
