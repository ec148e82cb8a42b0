import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { SamplingDecision, type Sampler, type SamplingResult } from '@opentelemetry/sdk-trace';

/**
 * Spans of transaction control statements, as instrumentation-pg names them (`pg.query:<COMMAND> <db>`):
 * `BEGIN`, `START TRANSACTION` (TypeORM's), `COMMIT`, `END`. Every scoped transaction sends
 * two of them; they say nothing the enclosing span does not (its duration covers them), and
 * recording, processing and exporting each cost more than the statement itself. `ROLLBACK`,
 * `SAVEPOINT` and every other statement are kept: a rollback is worth seeing.
 */
const TRANSACTION_CONTROL_SPAN = /^pg\.query:(BEGIN|START|COMMIT|END)( |$)/;

const RECORD: SamplingResult = Object.freeze({ decision: SamplingDecision.RECORD_AND_SAMPLED });
const SKIP: SamplingResult = Object.freeze({ decision: SamplingDecision.NOT_RECORD });

/**
 * Records every span (which traces are exported is decided when they end, by the tail sampler)
 * except those that carry no information of their own: transaction control statements. A skipped
 * span is a non-recording one: no processor sees it, nothing is exported, and it has no children
 * (a statement span never starts another span).
 */
export class SpanSelectionSampler implements Sampler {
  /** Records the span unless it is a transaction control statement. */
  shouldSample(_context: Context, _traceId: string, spanName: string, _kind: SpanKind, _attributes: Attributes, _links: Link[]): SamplingResult {
    return isUninformativeSpan(spanName) ? SKIP : RECORD;
  }

  /** The sampler's description, as the SDK logs it. */
  toString(): string {
    return 'SpanSelectionSampler{skips pg BEGIN/START/COMMIT/END}';
  }
}

/** True for a span the sampler does not record. */
export function isUninformativeSpan(spanName: string): boolean {
  return TRANSACTION_CONTROL_SPAN.test(spanName);
}
