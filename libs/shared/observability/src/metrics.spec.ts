import { Counter } from 'prom-client';
import { createMetrics, observeHttp } from './metrics';

describe('metrics', () => {
  it('renders an observed request with its RED labels', async () => {
    const metrics = createMetrics('gateway');
    observeHttp(metrics, { method: 'post', route: '/v1/orders', status: 201, tenant: '330702', seconds: 0.042 });

    const { contentType, body } = await metrics.render();

    expect(contentType).toMatch(/^text\/plain/);
    expect(sample(body, 'http_requests_total')).toEqual({
      labels: { method: 'POST', route: '/v1/orders', status: '201', tenant: '330702', service: 'gateway' },
      value: 1,
    });
    expect(sample(body, 'http_request_duration_seconds_bucket', 'le="0.05"')).toMatchObject({
      labels: { le: '0.05', method: 'POST', route: '/v1/orders', status: '201', tenant: '330702' },
      value: 1,
    });
    expect(sample(body, 'http_request_duration_seconds_sum')?.value).toBe(0.042);
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('reuses a metric registered under the same name and rejects a kind clash', () => {
    const metrics = createMetrics('settlement');
    const lag = metrics.counter('outbox_published_total', 'Outbox events published', ['topic']);

    expect(metrics.counter('outbox_published_total', 'Outbox events published', ['topic'])).toBe(lag);
    expect(lag).toBeInstanceOf(Counter);
    expect(() => metrics.gauge('outbox_published_total', 'x', [])).toThrow(/already registered/);
  });

  it('keeps registries of two services apart', async () => {
    const a = createMetrics('a');
    const b = createMetrics('b');
    observeHttp(a, { method: 'GET', route: '/x', status: 200, seconds: 0.001 });

    expect((await b.render()).body).not.toContain('route="/x"');
    expect((await a.render()).body).toContain('tenant="none"');
  });
});

/** The first sample of `name` (containing `filter`) in exposition text, labels parsed (their order is not fixed). */
function sample(body: string, name: string, filter = ''): { labels: Record<string, string>; value: number } | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(filter));
  const match = line?.match(/^[^{]+\{(.*)\} (\S+)$/);
  if (!match) return undefined;
  const labels = Object.fromEntries([...match[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { labels, value: Number(match[2]) };
}
