// The platform booted as `npm start` does (test/setup/e2e-global-setup.mjs): every app ready,
// and an ops probe sent to one app reaches every app's consumer through the outbox and Kafka.
interface AppInfo {
  url: string;
  port: number;
}

const apps = (): Record<string, AppInfo> => JSON.parse(process.env.COUNTYPAY_E2E_APPS ?? '{}') as Record<string, AppInfo>;

const SEVEN = ['gateway', 'onboarding', 'qr-payment', 'acquiring', 'credit', 'settlement', 'channel-sandbox'];

describe('platform boot (all seven apps, real PostgreSQL and Kafka)', () => {
  it('starts all seven apps and each reports its database and Kafka ready', async () => {
    expect(Object.keys(apps()).sort()).toEqual([...SEVEN].sort());
    for (const name of SEVEN) {
      const res = await fetch(`${apps()[name].url}/health/ready`);
      expect({ name, status: res.status, body: await res.json() }).toEqual({
        name,
        status: 200,
        body: { status: 'ok', service: name, checks: { database: 'up', kafka: 'up' } },
      });
    }
  });

  it('serves Prometheus metrics and answers bad input with the error shape', async () => {
    const metrics = await fetch(`${apps()['settlement'].url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toMatch(/process_cpu_user_seconds_total\{service="settlement"\}/);

    const bad = await fetch(`${apps()['onboarding'].url}/ops/probes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"tenantId":',
    });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { error: { code: string; requestId: string } };
    expect(body.error.code).toBe('invalid_json');
    expect(body.error.requestId).toBe(bad.headers.get('x-request-id'));
  });

  it('carries an event from one app through the outbox and Kafka to every app, once', async () => {
    const sent = await fetch(`${apps()['qr-payment'].url}/ops/probes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tenantId: 't510121' }),
    });
    expect(sent.status).toBe(201);
    const { probeId, eventId } = (await sent.json()) as { probeId: string; eventId: string };
    for (const name of SEVEN) {
      const deadline = Date.now() + 60_000;
      let res: Response;
      do {
        res = await fetch(`${apps()[name].url}/ops/probes/t510121/${probeId}`);
        if (res.status !== 200) await new Promise((r) => setTimeout(r, 250));
      } while (res.status !== 200 && Date.now() < deadline);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
      expect(await res.json()).toMatchObject({ probeId, eventId, origin: 'qr-payment', service: name });
    }
    // another tenant cannot see it
    const other = await fetch(`${apps()['settlement'].url}/ops/probes/t511381/${probeId}`);
    expect(other.status).toBe(404);
  });
});
