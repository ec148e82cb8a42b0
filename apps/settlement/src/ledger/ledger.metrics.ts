import { Inject, Injectable } from '@nestjs/common';
import type { Counter, Histogram } from 'prom-client';
import { METRICS } from '@countypay/service-kit';
import type { Metrics } from '@countypay/observability';

/** Seconds from the money event (its occurredAt) to its ledger posting. */
const DELAY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

@Injectable()
export class LedgerMetrics {
  readonly entries: Counter<'source_type' | 'tenant'>;
  readonly postings: Counter<'source_type' | 'tenant'>;
  readonly duplicates: Counter<'source_type' | 'tenant'>;
  readonly delay: Histogram<'source_type'>;

  constructor(@Inject(METRICS) metrics: Metrics) {
    this.entries = metrics.counter('ledger_entries_total', 'Journal entries posted, by source event type', ['source_type', 'tenant']);
    this.postings = metrics.counter('ledger_postings_total', 'Posting lines written, by source event type', ['source_type', 'tenant']);
    this.duplicates = metrics.counter('ledger_duplicate_events_total', 'Money events already posted (same event id or same payment/refund)', [
      'source_type',
      'tenant',
    ]);
    this.delay = metrics.histogram(
      'ledger_posting_delay_seconds',
      'Delay from the money event occurredAt to its ledger posting',
      ['source_type'],
      DELAY_BUCKETS,
    );
  }
}
