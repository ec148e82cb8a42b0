// The countypay manifests as code (cdk8s): objects are built with kubernetes-models' typed
// classes (a misspelt field does not compile) and synthesised by cdk8s into two charts:
//   migrate   the release Job (migrations + Kafka topics) and its NetworkPolicy; applied and
//             awaited before every rollout (Helm/Argo CD hook annotations say the same)
//   platform  per service: Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget,
//             NetworkPolicy; the gateway's Ingress; the namespace's default-deny and DNS policies;
//             Zipkin (tracing.mode zipkin), the channel sandbox (channelSandbox.enabled). The ops
//             console has no pod: the gateway serves it at /console/ (console.enabled sets its env)
// No Secret object is rendered: pods reference keys of Secrets the operators create.
import { createHash } from 'node:crypto';
import { ApiObject, App, Chart, YamlOutputType } from 'cdk8s';
import type { Construct } from 'constructs';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy, type INetworkPolicyPeer, type INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service, ServiceAccount, type IContainer, type IEnvVar, type IPodSpec, type IProbe, type IVolume, type IVolumeMount } from 'kubernetes-models/v1';
import { APP_UID, CONTAINER_PORT, DATABASE_ADMIN_SECRET_KEY, SERVICE_PORT, SERVICES, ZIPKIN_PORT, type ServiceSpec } from './catalogue';
import type { ExternalPeer, NamespacePeer, ServiceName, ServiceSizing, Values } from './values';

const PART_OF = 'countypay';
const SERVICE_ACCOUNT = 'countypay';

/** Anything kubernetes-models can turn into a manifest. */
interface Manifest {
  toJSON(): { apiVersion: string; kind: string; metadata?: { name?: string } };
}

function add(chart: Construct, m: Manifest): void {
  const json = m.toJSON();
  new ApiObject(chart, `${json.kind}-${json.metadata?.name ?? 'unnamed'}`, json);
}

export const resourceName = (component: string): string => `countypay-${component}`;

function selectorLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': component, 'app.kubernetes.io/part-of': PART_OF };
}

function labels(v: Values, component: string, role: string): Record<string, string> {
  return {
    ...selectorLabels(component),
    'app.kubernetes.io/component': role,
    'app.kubernetes.io/version': v.image.tag,
    'app.kubernetes.io/managed-by': 'countypay-deploy',
  };
}

/** The services this configuration deploys (the channel sandbox only when enabled). */
export function deployedServices(v: Values): ServiceSpec[] {
  return SERVICES.filter((s) => s.name !== 'channel-sandbox' || v.channelSandbox.enabled);
}

const serviceUrl = (component: string): string => `http://${resourceName(component)}`;

/** Where each service finds the others (COUNTYPAY_SERVICE_URLS): the in-cluster Services; the channel front when the sandbox is off. */
function serviceUrls(v: Values, spec: ServiceSpec): string {
  const urls: Record<string, string> = {};
  for (const callee of spec.calls) {
    urls[callee] = callee === 'channel-sandbox' && !v.channelSandbox.enabled ? v.qrPayment.channelsUrl.replace(/\/$/, '') : serviceUrl(callee);
  }
  return JSON.stringify(urls);
}

function secretRef(secret: string, key: string, optional = false): IEnvVar['valueFrom'] {
  return { secretKeyRef: { name: secret, key, ...(optional ? { optional: true } : {}) } };
}

function traceEnv(v: Values): IEnvVar[] {
  if (v.tracing.mode === 'zipkin') {
    return [
      { name: 'COUNTYPAY_TRACE_EXPORTER', value: 'zipkin' },
      { name: 'COUNTYPAY_ZIPKIN_URL', value: `http://${resourceName('zipkin')}:${ZIPKIN_PORT}/api/v2/spans` },
    ];
  }
  if (v.tracing.mode === 'otlp') {
    return [
      { name: 'COUNTYPAY_TRACE_EXPORTER', value: 'otlp' },
      { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', value: v.tracing.otlpEndpoint },
    ];
  }
  return [{ name: 'COUNTYPAY_TRACE_EXPORTER', value: 'none' }];
}

function databaseUrl(v: Values, schema: string): string {
  const p = v.postgres;
  // $(COUNTYPAY_DB_PASSWORD) is expanded by the kubelet from the variable defined before it (a secretKeyRef)
  return `postgres://cp_${schema}_app:$(COUNTYPAY_DB_PASSWORD)@${p.host}:${p.port}/${p.database}${p.urlParams ? `?${p.urlParams}` : ''}`;
}

/** The trace UI the console links to: tracing.uiUrl, else the in-cluster Zipkin's UI (tracing.mode zipkin), else none. */
export function traceUiUrl(v: Values): string {
  if (v.tracing.uiUrl) return v.tracing.uiUrl.replace(/\/+$/, '');
  return v.tracing.mode === 'zipkin' ? `http://${resourceName('zipkin')}.${v.namespace}.svc:${ZIPKIN_PORT}/zipkin` : '';
}

/**
 * The ops console's settings of the gateway (apps/gateway/src/console/console.config.ts): on, its
 * cookies Secure (the Ingress terminates TLS), the trace UI it links to; off, /console/ is a 404.
 * COUNTYPAY_ZIPKIN_URL, which finds a payment's trace, is every service's with tracing.mode zipkin.
 */
function consoleEnv(v: Values): IEnvVar[] {
  if (!v.console.enabled) return [{ name: 'COUNTYPAY_CONSOLE_ENABLED', value: 'off' }];
  const ui = traceUiUrl(v);
  return [
    { name: 'COUNTYPAY_CONSOLE_ENABLED', value: 'on' },
    { name: 'COUNTYPAY_CONSOLE_SECURE_COOKIES', value: 'on' },
    ...(ui ? [{ name: 'COUNTYPAY_TRACE_UI_URL', value: ui }] : []),
  ];
}

/** The environment of a service: non-secret values, then every secret as a reference to a key of the app Secret. */
export function serviceEnv(v: Values, spec: ServiceSpec): IEnvVar[] {
  const sizing = v.services[spec.name];
  const env: IEnvVar[] = [
    { name: 'PORT', value: String(CONTAINER_PORT) },
    { name: 'HOST', value: '0.0.0.0' },
    { name: 'LOG_LEVEL', value: v.logLevel },
    { name: 'SHUTDOWN_DRAIN_MS', value: String(v.shutdown.drainSeconds * 1000) },
    { name: 'COUNTYPAY_DB_PASSWORD', valueFrom: secretRef(v.secrets.app, 'app-db-password') },
    { name: 'DATABASE_URL', value: databaseUrl(v, spec.schema) },
    { name: 'DATABASE_SCHEMA', value: spec.schema },
    { name: 'DATABASE_POOL_SIZE', value: String(sizing.databasePoolSize) },
    { name: 'KAFKA_BROKERS', value: v.kafka.brokers.join(',') },
    { name: 'KAFKA_GROUP_PREFIX', value: v.kafka.groupPrefix },
    ...traceEnv(v),
  ];
  if (spec.calls.length > 0) env.push({ name: 'COUNTYPAY_SERVICE_URLS', value: serviceUrls(v, spec) });
  if (spec.name === 'gateway') env.push(...consoleEnv(v));
  if (spec.name === 'qr-payment') {
    env.push({ name: 'QR_NOTIFY_BASE_URL', value: v.qrPayment.notifyBaseUrl || serviceUrl('qr-payment') });
    env.push({ name: 'QR_RESOLVE_BASE_URL', value: v.qrPayment.resolveBaseUrl });
  }
  for (const [name, value] of Object.entries(v.env[spec.name] ?? {})) env.push({ name, value });
  for (const [name, s] of Object.entries(spec.secretEnv)) env.push({ name, valueFrom: secretRef(v.secrets.app, s.key, s.optional) });
  return env;
}

const podSecurityContext: IPodSpec['securityContext'] = {
  runAsNonRoot: true,
  runAsUser: APP_UID,
  runAsGroup: APP_UID,
  seccompProfile: { type: 'RuntimeDefault' },
};

const containerSecurityContext: IContainer['securityContext'] = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  privileged: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

function httpProbe(path: string, port: string | number, o: { period: number; timeout: number; failures: number }): IProbe {
  return { httpGet: { path, port }, periodSeconds: o.period, timeoutSeconds: o.timeout, failureThreshold: o.failures };
}

function volumes(v: Values, withCa: boolean): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const vols: IVolume[] = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
  const mounts: IVolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  if (withCa && v.postgres.caSecret) {
    vols.push({ name: 'postgres-ca', secret: { secretName: v.postgres.caSecret, items: [{ key: 'ca.crt', path: 'ca.crt' }] } });
    mounts.push({ name: 'postgres-ca', mountPath: '/etc/countypay/postgres-ca', readOnly: true });
  }
  return { volumes: vols, mounts };
}

function image(v: Values): string {
  return `${v.image.repository}:${v.image.tag}`;
}

function podSpecBase(
  v: Values,
  serviceAccount = SERVICE_ACCOUNT,
): Pick<IPodSpec, 'serviceAccountName' | 'automountServiceAccountToken' | 'securityContext' | 'imagePullSecrets' | 'enableServiceLinks'> {
  return {
    serviceAccountName: serviceAccount,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext,
    ...(v.image.pullSecrets.length > 0 ? { imagePullSecrets: v.image.pullSecrets.map((name) => ({ name })) } : {}),
  };
}

function resources(z: ServiceSizing): IContainer['resources'] {
  return { requests: { ...z.requests }, limits: { memory: z.limits.memory, ...(z.limits.cpu ? { cpu: z.limits.cpu } : {}) } };
}

function serviceDeployment(v: Values, spec: ServiceSpec): Deployment {
  const z = v.services[spec.name];
  const { volumes: vols, mounts } = volumes(v, true);
  return new Deployment({
    metadata: { name: resourceName(spec.name), labels: labels(v, spec.name, 'service') },
    spec: {
      // no `replicas`: the HorizontalPodAutoscaler owns the count (minReplicas…maxReplicas)
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(spec.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: {
          labels: labels(v, spec.name, 'service'),
          annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(CONTAINER_PORT), 'prometheus.io/path': '/metrics' },
        },
        spec: {
          ...podSpecBase(v),
          terminationGracePeriodSeconds: v.shutdown.terminationGracePeriodSeconds,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(spec.name) },
            },
          ],
          containers: [
            {
              name: spec.name,
              image: image(v),
              imagePullPolicy: v.image.pullPolicy,
              args: [spec.name],
              ports: [{ name: 'http', containerPort: CONTAINER_PORT, protocol: 'TCP' }],
              env: serviceEnv(v, spec),
              resources: resources(z),
              startupProbe: httpProbe('/health/live', 'http', { period: 2, timeout: 2, failures: 60 }),
              livenessProbe: httpProbe('/health/live', 'http', { period: 10, timeout: 3, failures: 3 }),
              // ready = its database and Kafka answer (each check has its own 2–3 s bound)
              readinessProbe: httpProbe('/health/ready', 'http', { period: 5, timeout: 5, failures: 3 }),
              // let the endpoint removal reach every proxy before SIGTERM starts the drain
              lifecycle: { preStop: { sleep: { seconds: v.shutdown.preStopSeconds } } },
              securityContext: containerSecurityContext,
              volumeMounts: mounts,
            },
          ],
          volumes: vols,
        },
      },
    },
  });
}

function clusterService(v: Values, component: string, role: string, port: number, targetPort: string): Service {
  return new Service({
    metadata: { name: resourceName(component), labels: labels(v, component, role) },
    spec: { type: 'ClusterIP', selector: selectorLabels(component), ports: [{ name: 'http', port, targetPort, protocol: 'TCP' }] },
  });
}

function autoscaler(v: Values, component: string, role: string, z: ServiceSizing): HorizontalPodAutoscaler {
  return new HorizontalPodAutoscaler({
    metadata: { name: resourceName(component), labels: labels(v, component, role) },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: resourceName(component) },
      minReplicas: z.minReplicas,
      maxReplicas: z.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: z.targetCpuPercent } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
    },
  });
}

function disruptionBudget(v: Values, component: string, role: string): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: resourceName(component), labels: labels(v, component, role) },
    // one pod at a time: node drains proceed, and a service with two or more replicas keeps serving
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(component) } },
  });
}

// ---------------------------------------------------------------- NetworkPolicies

const tcp = (port: number | string): INetworkPolicyPort => ({ protocol: 'TCP', port });

function namespacePeer(p: NamespacePeer): INetworkPolicyPeer {
  return { namespaceSelector: { matchLabels: p.namespaceLabels }, ...(p.podLabels ? { podSelector: { matchLabels: p.podLabels } } : {}) };
}

function externalRules(peers: ExternalPeer[]): Array<{ to: INetworkPolicyPeer[]; ports: INetworkPolicyPort[] }> {
  return peers.map((p) => ({ to: [{ ipBlock: { cidr: p.cidr, ...(p.except?.length ? { except: p.except } : {}) } }], ports: p.ports.map(tcp) }));
}

const podPeer = (component: string): INetworkPolicyPeer => ({ podSelector: { matchLabels: selectorLabels(component) } });

/** Egress every countypay process needs: PostgreSQL, Kafka and the trace collector. */
function dataEgress(v: Values): Array<{ to: INetworkPolicyPeer[]; ports: INetworkPolicyPort[] }> {
  const rules = [...externalRules(v.postgres.egress), ...externalRules(v.kafka.egress)];
  if (v.tracing.mode === 'zipkin') rules.push({ to: [podPeer('zipkin')], ports: [tcp(ZIPKIN_PORT)] });
  if (v.tracing.mode === 'otlp') {
    if (v.tracing.collectorNamespaces.length > 0) rules.push({ to: v.tracing.collectorNamespaces.map(namespacePeer), ports: [tcp(v.tracing.collectorPort)] });
    rules.push(...externalRules(v.tracing.collectorEgress));
  }
  return rules;
}

function serviceNetworkPolicy(v: Values, spec: ServiceSpec, deployed: ServiceSpec[]): NetworkPolicy {
  const callers = deployed.filter((s) => s.calls.includes(spec.name)).map((s) => podPeer(s.name));
  const ingress: Array<{ from: INetworkPolicyPeer[]; ports: INetworkPolicyPort[] }> = [];
  if (spec.name === 'gateway') ingress.push({ from: v.gateway.ingressFrom.map(namespacePeer), ports: [tcp('http')] });
  if (callers.length > 0) ingress.push({ from: callers, ports: [tcp('http')] });
  if (spec.name === 'qr-payment' && !v.channelSandbox.enabled && v.qrPayment.channelsEgress.length > 0) {
    // the channel front sends its payment notifications back
    ingress.push({ from: v.qrPayment.channelsEgress.map((p) => ({ ipBlock: { cidr: p.cidr } })), ports: [tcp('http')] });
  }
  if (v.monitoring.scrapeFrom.length > 0) ingress.push({ from: v.monitoring.scrapeFrom.map(namespacePeer), ports: [tcp('http')] });

  const egress = dataEgress(v);
  const callees = spec.calls.filter((c) => deployed.some((d) => d.name === c));
  if (callees.length > 0) egress.push({ to: callees.map(podPeer), ports: [tcp(CONTAINER_PORT)] });
  if (spec.name === 'gateway') egress.push(...externalRules(v.gateway.webhookEgress));
  if (spec.name === 'qr-payment' && !v.channelSandbox.enabled) egress.push(...externalRules(v.qrPayment.channelsEgress));
  return new NetworkPolicy({
    metadata: { name: resourceName(spec.name), labels: labels(v, spec.name, 'service') },
    spec: { podSelector: { matchLabels: selectorLabels(spec.name) }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
  });
}

function namespacePolicies(v: Values): NetworkPolicy[] {
  return [
    new NetworkPolicy({
      metadata: { name: resourceName('default-deny'), labels: labels(v, 'network', 'policy') },
      // everything in the namespace: no traffic in or out unless a policy below allows it
      spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    }),
    new NetworkPolicy({
      metadata: { name: resourceName('dns'), labels: labels(v, 'network', 'policy') },
      spec: {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [namespacePeer(v.dns)], ports: [{ protocol: 'UDP', port: 53 }, tcp(53)] }],
      },
    }),
  ];
}

// ---------------------------------------------------------------- the gateway's Ingress

function gatewayIngress(v: Values): Ingress {
  const hosts = [...new Set([v.gateway.host, new URL(v.qrPayment.resolveBaseUrl).hostname])];
  const backend = { service: { name: resourceName('gateway'), port: { name: 'http' } } };
  return new Ingress({
    metadata: { name: resourceName('gateway'), labels: labels(v, 'gateway', 'service'), annotations: v.gateway.ingress.annotations },
    spec: {
      ingressClassName: v.gateway.ingress.className,
      tls: [{ hosts, secretName: v.gateway.ingress.tlsSecret }],
      // the API host, and the static QR codes' resolve host (its /v1/qr/r/… pages are public gateway routes)
      rules: hosts.map((host) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } })),
    },
  });
}

// ---------------------------------------------------------------- Zipkin (tracing.mode zipkin)

function zipkin(v: Values): Manifest[] {
  const z = v.tracing.zipkin;
  const deployment = new Deployment({
    metadata: { name: resourceName('zipkin'), labels: labels(v, 'zipkin', 'tracing') },
    spec: {
      // in-memory storage: one replica (a second would hold other traces); spans are lost on restart
      replicas: 1,
      revisionHistoryLimit: 3,
      selector: { matchLabels: selectorLabels('zipkin') },
      strategy: { type: 'Recreate' },
      template: {
        metadata: { labels: labels(v, 'zipkin', 'tracing') },
        spec: {
          serviceAccountName: SERVICE_ACCOUNT,
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext,
          containers: [
            {
              name: 'zipkin',
              image: z.image,
              ports: [{ name: 'http', containerPort: ZIPKIN_PORT, protocol: 'TCP' }],
              env: [
                { name: 'STORAGE_TYPE', value: 'mem' },
                { name: 'MEM_MAX_SPANS', value: '500000' },
                { name: 'JAVA_OPTS', value: '-XX:MaxRAMPercentage=70 -Djava.io.tmpdir=/tmp' },
              ],
              resources: { requests: { ...z.resources }, limits: { memory: z.memoryLimit } },
              startupProbe: httpProbe('/health', 'http', { period: 3, timeout: 2, failures: 40 }),
              livenessProbe: httpProbe('/health', 'http', { period: 15, timeout: 3, failures: 3 }),
              readinessProbe: httpProbe('/health', 'http', { period: 10, timeout: 3, failures: 3 }),
              securityContext: containerSecurityContext,
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { sizeLimit: '256Mi' } }],
        },
      },
    },
  });
  const policy = new NetworkPolicy({
    metadata: { name: resourceName('zipkin'), labels: labels(v, 'zipkin', 'tracing') },
    spec: {
      podSelector: { matchLabels: selectorLabels('zipkin') },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        // spans from every countypay pod; the UI from the namespaces named in tracing.zipkin.uiFrom
        { from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/part-of': PART_OF } } }, ...z.uiFrom.map(namespacePeer)], ports: [tcp('http')] },
      ],
      egress: [],
    },
  });
  return [deployment, clusterService(v, 'zipkin', 'tracing', ZIPKIN_PORT, 'http'), policy];
}

// ---------------------------------------------------------------- the release Job

/** The Job's name changes with the image, so every release runs its own (a Job's pod template cannot change). */
export function migrateJobName(v: Values): string {
  const h = createHash('sha256').update(`${v.image.repository}:${v.image.tag}`).digest('hex').slice(0, 8);
  const tag = v.image.tag
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 30);
  return `${resourceName('migrate')}-${tag ? `${tag}-` : ''}${h}`.replace(/--+/g, '-');
}

/** Runs before the Deployments change: Helm and Argo CD read these, a plain rollout applies and awaits the Job first. */
const RELEASE_HOOK = {
  'helm.sh/hook': 'pre-install,pre-upgrade',
  'helm.sh/hook-delete-policy': 'before-hook-creation',
  'argocd.argoproj.io/hook': 'PreSync',
};

function migrateManifests(v: Values): Manifest[] {
  const { volumes: vols, mounts } = volumes(v, true);
  const job = new Job({
    metadata: { name: migrateJobName(v), labels: labels(v, 'migrate', 'migration'), annotations: { ...RELEASE_HOOK, 'helm.sh/hook-weight': '0' } },
    spec: {
      backoffLimit: v.migrations.backoffLimit,
      activeDeadlineSeconds: v.migrations.activeDeadlineSeconds,
      ttlSecondsAfterFinished: v.migrations.ttlSecondsAfterFinished,
      template: {
        metadata: { labels: labels(v, 'migrate', 'migration') },
        spec: {
          // the namespace's default account (no API token mounted): the Job runs before the platform chart creates `countypay`
          ...podSpecBase(v, 'default'),
          restartPolicy: 'Never',
          containers: [
            {
              name: 'migrate',
              image: image(v),
              imagePullPolicy: v.image.pullPolicy,
              args: ['migrate'],
              env: [
                { name: 'COUNTYPAY_ADMIN_DATABASE_URL', valueFrom: secretRef(v.secrets.databaseAdmin, DATABASE_ADMIN_SECRET_KEY) },
                { name: 'COUNTYPAY_APP_DB_PASSWORD', valueFrom: secretRef(v.secrets.app, 'app-db-password') },
                { name: 'KAFKA_BROKERS', value: v.kafka.brokers.join(',') },
                { name: 'KAFKA_TOPIC_REPLICATION_FACTOR', value: String(v.kafka.topicReplicationFactor) },
                { name: 'KAFKA_MIN_INSYNC_REPLICAS', value: String(v.kafka.minInsyncReplicas) },
              ],
              resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } },
              securityContext: containerSecurityContext,
              volumeMounts: mounts,
            },
          ],
          volumes: vols,
        },
      },
    },
  });
  const policy = new NetworkPolicy({
    metadata: {
      name: resourceName('migrate'),
      labels: labels(v, 'migrate', 'migration'),
      annotations: { ...RELEASE_HOOK, 'helm.sh/hook-weight': '-5', 'helm.sh/hook-delete-policy': 'before-hook-creation' },
    },
    spec: {
      podSelector: { matchLabels: selectorLabels('migrate') },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [...externalRules(v.postgres.egress), ...externalRules(v.kafka.egress)],
    },
  });
  return [policy, job];
}

// ---------------------------------------------------------------- the charts

export interface Rendered {
  app: App;
  migrate: Chart;
  platform: Chart;
}

/** Builds both charts for a set of values (checked beforehand with checkValues). */
export function buildCharts(v: Values, outdir?: string): Rendered {
  const app = new App({ ...(outdir ? { outdir } : {}), yamlOutputType: YamlOutputType.FILE_PER_CHART, outputFileExtension: '.k8s.yaml' });
  const migrate = new Chart(app, 'migrate', { namespace: v.namespace, disableResourceNameHashes: true });
  const platform = new Chart(app, 'platform', { namespace: v.namespace, disableResourceNameHashes: true });
  for (const m of migrateManifests(v)) add(migrate, m);

  const deployed = deployedServices(v);
  // the pods' identity: no RBAC binding, no API token mounted
  add(platform, new ServiceAccount({ metadata: { name: SERVICE_ACCOUNT, labels: labels(v, 'countypay', 'identity') }, automountServiceAccountToken: false }));
  for (const m of namespacePolicies(v)) add(platform, m);
  for (const spec of deployed) {
    add(platform, serviceDeployment(v, spec));
    add(platform, clusterService(v, spec.name, 'service', SERVICE_PORT, 'http'));
    add(platform, autoscaler(v, spec.name, 'service', v.services[spec.name as ServiceName]));
    add(platform, disruptionBudget(v, spec.name, 'service'));
    add(platform, serviceNetworkPolicy(v, spec, deployed));
  }
  if (v.gateway.ingress.enabled) add(platform, gatewayIngress(v));
  if (v.tracing.mode === 'zipkin') for (const m of zipkin(v)) add(platform, m);
  return { app, migrate, platform };
}
