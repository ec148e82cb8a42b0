import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsString, Max, Min } from 'class-validator';
import { Sensitive } from '@countypay/config';

/** The sandbox's own knobs (README.md lists them with their defaults). */
export class ChannelSandboxConfig {
  /** HMAC-SHA256 key of the `x-sandbox-signature` header on notifications */
  @Sensitive()
  @IsString()
  @IsNotEmpty()
  SANDBOX_NOTIFY_SECRET = 'countypay-sandbox-notify-secret';

  /** how long a `timeout` payment call hangs before answering 504 */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SANDBOX_TIMEOUT_MS = 15_000;

  /** a `user_paying_then_success` payment succeeds after this long (or on the second status query) */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  SANDBOX_USER_PAYING_MS = 2_000;

  /** the delay of a `late_notify` notification */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(600_000)
  SANDBOX_LATE_NOTIFY_MS = 3_000;

  /** delivery attempts of one notification (the first one included) */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(20)
  SANDBOX_NOTIFY_ATTEMPTS = 5;

  /** the first retry delay of a notification; doubles per attempt */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(600_000)
  SANDBOX_NOTIFY_RETRY_MS = 500;

  /**
   * how long one delivery attempt waits for the receiver's answer before it counts as failed; long
   * enough to outlast a busy receiver's queue, since the receiver still works on an attempt the
   * sandbox gave up on and every retry past it is a second request and transaction there (5 s made
   * an overloaded qr-payment handle ≈ 4.75 notifications per payment: docs/perf/throughput.md)
   */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  SANDBOX_NOTIFY_TIMEOUT_MS = 20_000;
}
