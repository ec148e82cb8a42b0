import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace';
import { SpanSelectionSampler, isUninformativeSpan } from './span-selection';

describe('SpanSelectionSampler', () => {
  const sampler = new SpanSelectionSampler();
  const decide = (name: string) => sampler.shouldSample(ROOT_CONTEXT, '0af7651916cd43dd8448eb211c80319c', name, SpanKind.CLIENT, {}, []).decision;

  it.each(['pg.query:BEGIN countypay', 'pg.query:START countypay', 'pg.query:COMMIT countypay', 'pg.query:END countypay', 'pg.query:COMMIT'])(
    'does not record %s',
    (name) => {
      expect(decide(name)).toBe(SamplingDecision.NOT_RECORD);
    },
  );

  it.each([
    'pg.query:ROLLBACK countypay',
    'pg.query:SAVEPOINT countypay',
    'pg.query:SELECT countypay',
    'pg.query:INSERT countypay',
    'pg.query:BEGINNING countypay',
    'pg.query:COMMITTED countypay',
    'pg.query',
    'POST /v1/payments',
    'payment.succeeded publish',
  ])('records %s', (name) => {
    expect(decide(name)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('says what it skips', () => {
    expect(String(sampler)).toContain('COMMIT');
    expect(isUninformativeSpan('pg.query:START countypay_main')).toBe(true);
  });
});
