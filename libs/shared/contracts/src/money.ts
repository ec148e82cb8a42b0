import { applyDecorators } from '@nestjs/common';
import { IsInt, Max, Min } from 'class-validator';

/**
 * Money on the wire (JSON, Kafka) is an integer number of fen: CNY minor units, never a
 * float, never a decimal string. Every amount fits a JavaScript safe integer
 * (9,007,199,254,740,991 fen ≈ 90 trillion yuan); PostgreSQL stores it as bigint.
 */
export type Fen = number;

/** Validates a positive amount in fen. */
export function IsAmountFen(opts: { allowZero?: boolean } = {}): PropertyDecorator {
  return applyDecorators(
    IsInt({ message: '$property must be an integer amount in fen' }),
    Min(opts.allowZero ? 0 : 1, { message: `$property must be ${opts.allowZero ? 'zero or more' : 'at least 1'} fen` }),
    Max(Number.MAX_SAFE_INTEGER, { message: '$property is too large' }),
  );
}
