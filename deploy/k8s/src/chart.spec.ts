import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { SERVICES } from './catalogue';
import { migrateJobName, resourceName, traceUiUrl } from './chart';
import { render, resolveValues, writeManifests, type RenderOutput } from './render';
import { validateObject, type KubeObject } from './validate';
import { checkValues, productionValues, type Values } from './values';

const root = join(__dirname, '..', '..', '..');

interface Env {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}
interface Container {
  name: string;
  args?: string[];
  env?: Env[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  lifecycle?: { preStop?: { sleep?: { seconds: number } } };
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] } };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
}
type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: unknown; ipBlock?: { cidr: string } };

const all = (o: RenderOutput): KubeObject[] => [...o.migrate, ...o.platform];
const ofKind = (o: RenderOutput, kind: string): KubeObject[] => all(o).filter((x) => x.kind === kind);
const podSpec = (o: KubeObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec;
const named = (o: RenderOutput, kind: string, name: string): KubeObject => {
  const found = ofKind(o, kind).find((x) => x.metadata.name === name);
  if (!found) throw new Error(`${kind} ${name} not rendered`);
  return found;
};

/** Every variant the chart can produce: both profiles, and everything switched on. */
function variants(): Array<[string, RenderOutput]> {
  const everything = resolveValues('staging', [{ console: { enabled: true }, channelSandbox: { enabled: true }, tracing: { mode: 'zipkin' } }]);
  const consoleOff = resolveValues('production', [{ console: { enabled: false } }]);
  return [
    ['production', render(resolveValues('production'))],
    ['staging', render(resolveValues('staging'))],
    ['everything on', render(everything)],
    ['console off', render(consoleOff)],
  ];
}

/** Apps without a pod of their own: the gateway serves the ops console's static build at /console/. */
const SERVED_BY_GATEWAY = ['console'];

/** The apps of apps/ (each a directory with a project.json). */
function appsOfRepo(): string[] {
  return readdirSync(join(root, 'apps')).filter((d) => existsSync(join(root, 'apps', d, 'project.json')));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

/**
 * The variables an app's config classes mark @Sensitive(), read from their source: the app's own
 * (`*.config.ts`) and those every service reads (libs/shared/config, the service kit's). A variable
 * declared @IsOptional() may be left out; if it is set, it comes from a Secret too.
 */
function configFiles(app: string): string[] {
  const isSource = (f: string) => f.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(f);
  return [
    ...filesUnder(join(root, 'libs/shared/config/src')).filter(isSource),
    ...filesUnder(join(root, 'libs/shared/service-kit/src')).filter(isSource),
    ...filesUnder(join(root, 'apps', app, 'src')).filter((f) => f.endsWith('.config.ts')),
  ];
}

function sensitiveVariables(app: string): Array<{ name: string; optional: boolean }> {
  const found = new Map<string, boolean>();
  for (const f of configFiles(app)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/@Sensitive\(\)((?:\s*@[^\n]*\n)*?)\s*([A-Z][A-Z0-9_]*)\s*=/g))
      found.set(m[2], /@IsOptional\(\)/.test(m[1]));
  }
  return [...found].map(([name, optional]) => ({ name, optional }));
}

/** Every variable an app's config classes declare (a property `NAME = default`). */
function configVariables(app: string): Set<string> {
  const names = new Set<string>();
  for (const f of configFiles(app)) for (const m of readFileSync(f, 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]*)\s*=/gm)) names.add(m[1]);
  return names;
}

/** The secret variables the local platform gives each app (tools/secrets.mjs, secretsEnv), from made-up secrets. */
function localSecretVariables(apps: string[]): Record<string, string[]> {
  const script = `
    const { secretsEnv } = await import('./tools/secrets.mjs');
    const key = (kid) => ({ kid, privateKey: 'p', publicKey: 'q' });
    const fake = { gatewayS2s: key('k'), qrPaymentS2s: key('qk'), acquiringS2s: key('ak'), settlementS2s: key('sk'), platformSm2: { privateKey: 'a', publicKey: 'b' } };
    const apps = ${JSON.stringify(apps)};
    process.stdout.write(JSON.stringify(Object.fromEntries(apps.map((a) => [a, Object.keys(secretsEnv(fake, a))]))));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, string[]>;
}

describe('the Kubernetes manifests (cdk8s)', () => {
  const rendered = variants();

  it.each(rendered.map(([name]) => name))('%s: renders and every object validates against the Kubernetes API schemas', (name) => {
    const out = rendered.find(([n]) => n === name)![1];
    expect(all(out).length).toBeGreaterThan(20);
    expect(all(out).flatMap(validateObject)).toEqual([]);
    for (const o of all(out)) expect(o.metadata.namespace).toBe(out.values.namespace);
  });

  it('the validator does refuse what the API server would', () => {
    const out = render(resolveValues('production'));
    const d = structuredClone(named(out, 'Deployment', resourceName('gateway')));
    (podSpec(d).containers[0] as unknown as { ports: unknown }).ports = [{ containerPort: 'eighty' }];
    expect(validateObject(d).join('\n')).toMatch(/containerPort must be integer/);
    expect(validateObject({ apiVersion: 'extensions/v1beta1', kind: 'Ingress', metadata: { name: 'x' } }).join()).toMatch(/not one of the API versions/);
  });

  it.each(rendered.map(([name]) => name))(
    '%s: every Deployment has probes, resources, a non-root user, no privilege escalation and a read-only root',
    (name) => {
      const out = rendered.find(([n]) => n === name)![1];
      for (const d of ofKind(out, 'Deployment')) {
        const pod = podSpec(d);
        expect(pod.securityContext?.runAsNonRoot).toBe(true);
        expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const c of pod.containers) {
          const where = `${d.metadata.name}/${c.name}`;
          expect([where, c.livenessProbe?.httpGet?.path]).toEqual([where, expect.stringMatching(/^\/health/)]);
          expect([where, c.readinessProbe?.httpGet?.path]).toEqual([where, expect.stringMatching(/^\/health/)]);
          expect([where, c.resources?.requests?.cpu, c.resources?.requests?.memory, c.resources?.limits?.memory]).toEqual([
            where,
            expect.any(String),
            expect.any(String),
            expect.any(String),
          ]);
          expect([where, c.securityContext]).toEqual([
            where,
            expect.objectContaining({
              runAsNonRoot: true,
              allowPrivilegeEscalation: false,
              privileged: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            }),
          ]);
        }
      }
    },
  );

  it('the services probe /health/live and /health/ready, and the drain fits in the grace period', () => {
    const out = render(resolveValues('production'));
    for (const s of SERVICES.filter((x) => x.name !== 'channel-sandbox')) {
      const pod = podSpec(named(out, 'Deployment', resourceName(s.name)));
      const c = pod.containers[0];
      expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(c.args).toEqual([s.name]);
      const drainMs = Number(c.env?.find((e) => e.name === 'SHUTDOWN_DRAIN_MS')?.value);
      const preStop = c.lifecycle?.preStop?.sleep?.seconds ?? 0;
      expect(preStop * 1000 + drainMs + 10_000).toBeLessThanOrEqual((pod.terminationGracePeriodSeconds ?? 30) * 1000);
    }
  });

  it('every app of apps/ is deployed when its switch is on, each with a Service, an autoscaler and a disruption budget (the console in the gateway)', () => {
    const everything = rendered.find(([n]) => n === 'everything on')![1];
    const deployments = ofKind(everything, 'Deployment').map((d) => d.metadata.name);
    const apps = appsOfRepo();
    expect(apps).toEqual(expect.arrayContaining([...SERVICES.map((s) => s.name), ...SERVED_BY_GATEWAY]));
    expect(apps.sort()).toEqual([...SERVICES.map((s) => s.name), ...SERVED_BY_GATEWAY].sort());
    for (const app of SERVED_BY_GATEWAY) {
      // no pod of its own: the gateway serves it (the image holds dist/console, deploy/container/containerfile.spec.ts)
      expect(all(everything).filter((o) => o.metadata.name === resourceName(app))).toEqual([]);
      const gateway = podSpec(named(everything, 'Deployment', resourceName('gateway'))).containers[0];
      expect(gateway.env).toContainEqual({ name: 'COUNTYPAY_CONSOLE_ENABLED', value: 'on' });
    }
    for (const app of apps.filter((a) => !SERVED_BY_GATEWAY.includes(a))) {
      expect(deployments).toContain(resourceName(app));
      for (const kind of ['Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy'])
        expect(ofKind(everything, kind).map((o) => o.metadata.name)).toContain(resourceName(app));
    }
    for (const hpa of ofKind(everything, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec).toMatchObject({
        scaleTargetRef: { kind: 'Deployment', name: hpa.metadata.name },
        minReplicas: expect.any(Number),
        maxReplicas: expect.any(Number),
      });
    }
  });

  it('production leaves out the channel sandbox and Zipkin; staging has the sandbox and an in-cluster Zipkin', () => {
    const prod = rendered.find(([n]) => n === 'production')![1];
    const staging = rendered.find(([n]) => n === 'staging')![1];
    const names = (o: RenderOutput) => ofKind(o, 'Deployment').map((d) => d.metadata.name);
    expect(names(prod)).not.toContain(resourceName('channel-sandbox'));
    expect(names(prod)).not.toContain(resourceName('zipkin'));
    for (const [, out] of rendered) expect(names(out)).not.toContain(resourceName('console'));
    expect(names(staging)).toEqual(expect.arrayContaining([resourceName('channel-sandbox'), resourceName('zipkin')]));
    const qr = podSpec(named(prod, 'Deployment', resourceName('qr-payment'))).containers[0];
    expect(JSON.parse(qr.env!.find((e) => e.name === 'COUNTYPAY_SERVICE_URLS')!.value!)).toEqual({
      'channel-sandbox': prod.values.qrPayment.channelsUrl,
      // county credit holds (ADR 0016)
      credit: expect.stringContaining('credit'),
    });
  });

  describe('the ops console (served by the gateway at /console/)', () => {
    const gatewayEnv = (o: RenderOutput): Record<string, string | undefined> =>
      Object.fromEntries((podSpec(named(o, 'Deployment', resourceName('gateway'))).containers[0].env ?? []).map((e) => [e.name, e.value]));
    const consoleVariables = (env: Record<string, string | undefined>) =>
      Object.fromEntries(Object.entries(env).filter(([k]) => /^COUNTYPAY_(CONSOLE_|TRACE_UI_URL|ZIPKIN_URL)/.test(k)));

    it('production (traces to an OTLP collector): on, Secure cookies behind the TLS Ingress, no trace links unless tracing.uiUrl names the UI', () => {
      const prod = rendered.find(([n]) => n === 'production')![1];
      expect(consoleVariables(gatewayEnv(prod))).toEqual({ COUNTYPAY_CONSOLE_ENABLED: 'on', COUNTYPAY_CONSOLE_SECURE_COOKIES: 'on' });
      const withUi = render(resolveValues('production', [{ tracing: { uiUrl: 'https://traces.ops.province.example/' } }]));
      expect(consoleVariables(gatewayEnv(withUi))).toEqual({
        COUNTYPAY_CONSOLE_ENABLED: 'on',
        COUNTYPAY_CONSOLE_SECURE_COOKIES: 'on',
        COUNTYPAY_TRACE_UI_URL: 'https://traces.ops.province.example',
      });
      expect(() => resolveValues('production', [{ tracing: { uiUrl: 'javascript:alert(1)' } }])).toThrow(/tracing\.uiUrl/);
    });

    it('with an in-cluster Zipkin: the gateway finds traces through its API and links to its UI (or to tracing.uiUrl)', () => {
      const staging = rendered.find(([n]) => n === 'staging')![1];
      const ns = staging.values.namespace;
      expect(consoleVariables(gatewayEnv(staging))).toEqual({
        COUNTYPAY_CONSOLE_ENABLED: 'on',
        COUNTYPAY_CONSOLE_SECURE_COOKIES: 'on',
        COUNTYPAY_ZIPKIN_URL: `http://${resourceName('zipkin')}:9411/api/v2/spans`,
        COUNTYPAY_TRACE_UI_URL: `http://${resourceName('zipkin')}.${ns}.svc:9411/zipkin`,
      });
      expect(traceUiUrl(resolveValues('staging', [{ tracing: { uiUrl: 'https://zipkin.staging.example/zipkin' } }]))).toBe(
        'https://zipkin.staging.example/zipkin',
      );
      // the gateway may ask Zipkin's API: its egress and Zipkin's ingress allow it
      const gwEgress = (named(staging, 'NetworkPolicy', resourceName('gateway')).spec as { egress: Array<{ to: Peer[]; ports: Array<{ port: number }> }> })
        .egress;
      expect(gwEgress).toContainEqual({
        to: [{ podSelector: { matchLabels: expect.objectContaining({ 'app.kubernetes.io/name': 'zipkin' }) } }],
        ports: [{ protocol: 'TCP', port: 9411 }],
      });
    });

    it('console.enabled false: the gateway answers 404 at /console/ (COUNTYPAY_CONSOLE_ENABLED=off), nothing else changes', () => {
      const off = rendered.find(([n]) => n === 'console off')![1];
      const prod = rendered.find(([n]) => n === 'production')![1];
      expect(consoleVariables(gatewayEnv(off))).toEqual({ COUNTYPAY_CONSOLE_ENABLED: 'off' });
      const kindsAndNames = (o: RenderOutput) => all(o).map((x) => `${x.kind}/${x.metadata.name}`);
      expect(kindsAndNames(off)).toEqual(kindsAndNames(prod));
    });

    it('the gateway knows the switch it is given (apps/gateway/src/console/console.config.ts)', () => {
      const declared = configVariables('gateway');
      for (const name of ['COUNTYPAY_CONSOLE_ENABLED', 'COUNTYPAY_CONSOLE_SECURE_COOKIES', 'COUNTYPAY_TRACE_UI_URL', 'COUNTYPAY_ZIPKIN_URL'])
        expect([name, declared.has(name)]).toEqual([name, true]);
    });

    it('is reached through the gateway’s Ingress: every path of the API host goes to the gateway', () => {
      const prod = rendered.find(([n]) => n === 'production')![1];
      const rules = (
        named(prod, 'Ingress', resourceName('gateway')).spec as { rules: Array<{ host: string; http: { paths: Array<{ path: string; backend: unknown }> } }> }
      ).rules;
      const api = rules.find((r) => r.host === prod.values.gateway.host)!;
      expect(api.http.paths).toEqual([{ path: '/', pathType: 'Prefix', backend: { service: { name: resourceName('gateway'), port: { name: 'http' } } } }]);
      expect(ofKind(prod, 'Ingress')).toHaveLength(1);
    });
  });

  it('the service table matches tools/services.mjs', () => {
    const text = readFileSync(join(root, 'tools/services.mjs'), 'utf8');
    const declared = [...text.matchAll(/name: '([a-z-]+)', schema: '([a-z_]+)'/g)].map((m) => ({ name: m[1], schema: m[2] }));
    expect(SERVICES.map((s) => ({ name: s.name, schema: s.schema }))).toEqual(declared);
  });

  describe('secrets', () => {
    it('no Secret object and no secret value in any manifest: every sensitive variable of every config class comes from a Secret key', () => {
      for (const [, out] of rendered) {
        expect(ofKind(out, 'Secret')).toEqual([]);
        for (const d of [...ofKind(out, 'Deployment'), ...ofKind(out, 'Job')]) {
          for (const e of podSpec(d).containers.flatMap((c) => c.env ?? [])) {
            if (e.value !== undefined) {
              expect([d.metadata.name, e.name, /(SECRET|PASSWORD|TOKEN|PRIVATE|_KEY$|ADMIN_DATABASE_URL)/.test(e.name)]).toEqual([
                d.metadata.name,
                e.name,
                false,
              ]);
              // a connection URL never carries a literal password, only the kubelet's $(VAR) reference
              expect(e.value).not.toMatch(/:\/\/[^:/@]+:(?!\$\()[^@]+@/);
            }
          }
        }
      }
    });

    it.each(SERVICES.map((s) => s.name))('%s gets each @Sensitive variable its config classes read through a secretKeyRef', (app) => {
      const everything = rendered.find(([n]) => n === 'everything on')![1];
      const env = podSpec(named(everything, 'Deployment', resourceName(app))).containers[0].env ?? [];
      const byName = new Map(env.map((e) => [e.name, e]));
      const sensitive = sensitiveVariables(app);
      expect(sensitive).toContainEqual({ name: 'DATABASE_URL', optional: false });
      for (const { name, optional } of sensitive) {
        const e = byName.get(name);
        if (optional && !e) continue;
        expect([name, e]).toEqual([name, expect.anything()]);
        if (name === 'DATABASE_URL') {
          expect(e!.value).toContain('$(COUNTYPAY_DB_PASSWORD)');
          const pw = env.findIndex((x) => x.name === 'COUNTYPAY_DB_PASSWORD');
          expect(pw).toBeGreaterThanOrEqual(0);
          expect(pw).toBeLessThan(env.findIndex((x) => x.name === 'DATABASE_URL')); // the kubelet expands only variables defined before
          expect(env[pw].valueFrom?.secretKeyRef).toMatchObject({ name: everything.values.secrets.app, key: 'app-db-password' });
        } else {
          expect([name, e!.valueFrom?.secretKeyRef?.name]).toEqual([name, everything.values.secrets.app]);
        }
      }
    });

    it('every secret the local platform generates for an app (tools/secrets.mjs) and the app reads is referenced from the app Secret', () => {
      const everything = rendered.find(([n]) => n === 'everything on')![1];
      const local = localSecretVariables(SERVICES.map((s) => s.name));
      expect(local.onboarding).toContain('COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD');
      for (const s of SERVICES) {
        const env = podSpec(named(everything, 'Deployment', resourceName(s.name))).containers[0].env ?? [];
        const fromSecret = new Set(env.filter((e) => e.valueFrom?.secretKeyRef?.name === everything.values.secrets.app).map((e) => e.name));
        const read = configVariables(s.name);
        const needed = local[s.name].filter((name) => read.has(name));
        expect(needed.length).toBeGreaterThan(0);
        expect([s.name, needed.filter((name) => !fromSecret.has(name))]).toEqual([s.name, []]);
      }
    });

    it('values refuse a secret given as a plain variable', () => {
      const v: Values = { ...productionValues(), env: { gateway: { COUNTYPAY_CREDENTIAL_KEY: 'x', GATEWAY_RATE_LIMIT_APP_PER_MINUTE: '1200' } } };
      expect(checkValues(v)).toEqual([expect.stringContaining('env.gateway.COUNTYPAY_CREDENTIAL_KEY')]);
    });
  });

  describe('network policies', () => {
    const out = rendered.find(([n]) => n === 'everything on')![1];
    const policy = (name: string) =>
      named(out, 'NetworkPolicy', resourceName(name)).spec as {
        ingress?: Array<{ from: Peer[] }>;
        egress?: Array<{ to: Peer[] }>;
        podSelector: unknown;
        policyTypes: string[];
      };
    const podPeers = (peers: Peer[]) => peers.map((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name']).filter(Boolean);

    it('deny everything in the namespace by default', () => {
      expect(policy('default-deny')).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    });

    it.each(['everything on', 'production'])(
      '%s: only the gateway accepts connections from outside the namespace, besides metrics scraping, the channel front’s notifications and the Zipkin UI',
      (variant) => {
        const o = rendered.find(([n]) => n === variant)![1];
        const scrape = o.values.monitoring.scrapeFrom.map((p) => JSON.stringify(p.namespaceLabels));
        const channels = o.values.channelSandbox.enabled ? [] : o.values.qrPayment.channelsEgress.map((p) => p.cidr);
        for (const np of ofKind(o, 'NetworkPolicy')) {
          const from = ((np.spec as { ingress?: Array<{ from: Peer[] }> }).ingress ?? []).flatMap((r) => r.from);
          const outside = from.filter((p) => {
            if (p.ipBlock) return !(np.metadata.name === resourceName('qr-payment') && channels.includes(p.ipBlock.cidr));
            if (p.namespaceSelector) return !scrape.includes(JSON.stringify((p.namespaceSelector as { matchLabels?: unknown }).matchLabels));
            return false;
          });
          if (outside.length > 0) expect([resourceName('gateway'), resourceName('zipkin')]).toContain(np.metadata.name);
        }
      },
    );

    it('each service accepts exactly the services that call it, and may call exactly those it calls', () => {
      for (const s of SERVICES) {
        const p = policy(s.name);
        const callers: string[] = SERVICES.filter((c) => c.calls.includes(s.name)).map((c) => c.name);
        expect([s.name, podPeers((p.ingress ?? []).flatMap((r) => r.from)).sort()]).toEqual([s.name, callers.sort()]);
        const calls = podPeers((p.egress ?? []).flatMap((r) => r.to)).filter((n) => n !== 'zipkin');
        expect([s.name, calls.sort()]).toEqual([s.name, [...s.calls].sort()]);
      }
    });

    it('the calls the code makes are allowed (urls.url(…) in apps/*/src)', () => {
      for (const s of SERVICES) {
        const used = new Set<string>();
        for (const f of filesUnder(join(root, 'apps', s.name, 'src')).filter((x) => x.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(x))) {
          for (const m of readFileSync(f, 'utf8').matchAll(/\.url\('([a-z-]+)'\)/g)) used.add(m[1]);
        }
        // a service naming itself builds a callback URL for another (acquiring's notify URL for the channels): not a call it makes
        expect([s.name, [...used].filter((u) => u !== s.name && !s.calls.includes(u as never))]).toEqual([s.name, []]);
      }
    });

    it('every pod may reach PostgreSQL and Kafka (and nothing else outside but DNS, webhooks, channels and the trace collector)', () => {
      for (const s of SERVICES) {
        const cidrs = (policy(s.name).egress ?? []).flatMap((r) => r.to).flatMap((p) => (p.ipBlock ? [p.ipBlock.cidr] : []));
        expect(cidrs).toEqual(expect.arrayContaining([...out.values.postgres.egress, ...out.values.kafka.egress].map((e) => e.cidr)));
      }
      expect(JSON.stringify(policy('dns'))).toContain('"port":53');
    });
  });

  describe('the release Job', () => {
    const out = rendered.find(([n]) => n === 'production')![1];
    const job = named(out, 'Job', migrateJobName(out.values));
    const c = podSpec(job).containers[0];
    const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e]));

    it('migrates and creates the topics with replication factor 3 and min.insync.replicas 2, before the rollout', () => {
      expect(c.args).toEqual(['migrate']);
      expect(env.KAFKA_TOPIC_REPLICATION_FACTOR.value).toBe('3');
      expect(env.KAFKA_MIN_INSYNC_REPLICAS.value).toBe('2');
      expect(env.COUNTYPAY_ADMIN_DATABASE_URL.valueFrom?.secretKeyRef).toEqual({ name: out.values.secrets.databaseAdmin, key: 'url' });
      expect(env.COUNTYPAY_APP_DB_PASSWORD.valueFrom?.secretKeyRef).toEqual({ name: out.values.secrets.app, key: 'app-db-password' });
      expect(job.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'pre-install,pre-upgrade', 'argocd.argoproj.io/hook': 'PreSync' });
      expect(out.migrate.map((o) => o.kind)).toEqual(['NetworkPolicy', 'Job']);
    });

    it('gets a new name with every image, so each release runs its own', () => {
      const next = resolveValues('production', [{ image: { tag: '0.2.0' } }]);
      expect(migrateJobName(next)).not.toBe(migrateJobName(out.values));
      expect(migrateJobName(resolveValues('production', [{ image: { tag: 'v'.repeat(128) } }])).length).toBeLessThanOrEqual(63);
    });
  });

  describe('values', () => {
    it('production refuses a replication factor below 3, min.insync.replicas below 2 and the channel sandbox', () => {
      expect(() => resolveValues('production', [{ kafka: { topicReplicationFactor: 1, minInsyncReplicas: 1 } }])).toThrow(/topicReplicationFactor ≥ 3/);
      expect(() => resolveValues('production', [{ channelSandbox: { enabled: true } }])).toThrow(/never run in production/);
    });

    it('refuses more database connections at full scale-out than PostgreSQL grants', () => {
      expect(() => resolveValues('production', [{ postgres: { maxConnections: 200 } }])).toThrow(/maxConnections: 200 is below 360/);
    });

    it('refuses a drain that does not fit in the grace period', () => {
      expect(() => resolveValues('production', [{ shutdown: { drainSeconds: 40 } }])).toThrow(/terminationGracePeriodSeconds/);
    });

    it('the example values file renders', () => {
      const example = parseYaml(readFileSync(join(root, 'deploy/k8s/values/province.example.yaml'), 'utf8')) as unknown;
      const out = render(resolveValues('production', [example]));
      expect(ofKind(out, 'Deployment').length).toBeGreaterThan(5);
    });
  });

  it('writes plain manifests and a Helm chart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'countypay-render-'));
    try {
      const out = render(resolveValues('staging'));
      const plain = writeManifests(out, join(dir, 'plain'), 'plain');
      expect(plain.map((f) => f.split('/').pop())).toEqual(['migrate.k8s.yaml', 'platform.k8s.yaml']);
      const docs = parseAllDocuments(readFileSync(plain[1], 'utf8')).map((d) => d.toJS() as KubeObject);
      expect(docs).toEqual(out.platform);
      const helm = writeManifests(out, join(dir, 'helm'), 'helm');
      const chart = parseYaml(readFileSync(helm[0], 'utf8')) as { apiVersion: string; name: string; appVersion: string };
      expect(chart).toMatchObject({ apiVersion: 'v2', name: 'countypay', appVersion: out.values.image.tag });
      expect(readFileSync(helm[2], 'utf8')).not.toContain('{{');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
