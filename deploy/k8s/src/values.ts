// The values a province sets for its cluster: a profile (production or staging) gives the
// defaults, a values file (YAML or JSON) overrides any of them; `checkValues` refuses what would
// render a broken or unsafe deployment. deploy/README.md documents each group.

/** An address range outside the cluster (the DBAs' PostgreSQL, the Kafka brokers, a collector) and its ports. */
export interface ExternalPeer {
  cidr: string;
  except?: string[];
  ports: number[];
}

/** A NetworkPolicy peer inside the cluster: pods of the namespaces matching these labels. */
export interface NamespacePeer {
  namespaceLabels: Record<string, string>;
  podLabels?: Record<string, string>;
}

export interface Resources {
  cpu: string;
  memory: string;
}

export interface ServiceSizing {
  /**
   * the HorizontalPodAutoscaler keeps the replicas between these two; the Deployment has no
   * `replicas` of its own, so that applying the manifests during a peak does not cut it back
   */
  minReplicas: number;
  maxReplicas: number;
  /** average CPU utilisation (of requests) the autoscaler aims for */
  targetCpuPercent: number;
  requests: Resources;
  /** a memory limit always; a CPU limit only when set (CPU limits throttle latency-sensitive Node processes) */
  limits: { memory: string; cpu?: string };
  /** PostgreSQL connections per pod (DATABASE_POOL_SIZE): maxReplicas × this, summed, must fit the server's max_connections */
  databasePoolSize: number;
}

export const SERVICE_NAMES = ['gateway', 'onboarding', 'qr-payment', 'acquiring', 'credit', 'settlement', 'channel-sandbox'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export interface Values {
  /** the namespace everything goes into (created by the cluster's operators, not by these manifests) */
  namespace: string;
  environment: 'production' | 'staging';
  image: { repository: string; tag: string; pullPolicy: 'IfNotPresent' | 'Always'; pullSecrets: string[] };
  /** Secrets the operators create beforehand (deploy/README.md lists their keys); only their names appear here */
  secrets: { app: string; databaseAdmin: string };
  postgres: {
    host: string;
    port: number;
    database: string;
    /** appended to every connection URL, e.g. `sslmode=verify-full&sslrootcert=/etc/countypay/postgres-ca/ca.crt` */
    urlParams: string;
    /** a Secret with `ca.crt`, mounted at /etc/countypay/postgres-ca (empty: none) */
    caSecret: string;
    /** the connections the DBAs grant countypay: Σ maxReplicas × databasePoolSize must stay below it */
    maxConnections: number;
    egress: ExternalPeer[];
  };
  kafka: {
    brokers: string[];
    groupPrefix: string;
    topicReplicationFactor: number;
    minInsyncReplicas: number;
    egress: ExternalPeer[];
  };
  /** where cluster DNS runs (every pod may ask it, port 53) */
  dns: NamespacePeer;
  gateway: {
    /** the public host name partners call (https://<host>/v1/…) */
    host: string;
    ingress: { enabled: boolean; className: string; tlsSecret: string; annotations: Record<string, string> };
    /** who may open connections to the gateway: the ingress controller's pods */
    ingressFrom: NamespacePeer[];
    /** partner webhook callback URLs: the internet, not the cluster nor the data centre's private ranges */
    webhookEgress: ExternalPeer[];
  };
  qrPayment: {
    /** the public https base of static QR codes (goes into every printed code: keep it short and stable) */
    resolveBaseUrl: string;
    /** the channel front (core banking, UnionPay, WeChat Pay, Alipay) when the sandbox is off */
    channelsUrl: string;
    /** the channel front's addresses: qr-payment calls them, and they call back its notify route */
    channelsEgress: ExternalPeer[];
    /** the base URL the channels send their notifications to (empty: qr-payment's in-cluster Service) */
    notifyBaseUrl: string;
  };
  /** the simulators of the external payment systems: on in staging/sandbox environments, never in production */
  channelSandbox: { enabled: boolean };
  /**
   * the ops console (apps/console): a static build the gateway serves at https://<gateway.host>/console/,
   * with its session API (/console/api/*) in the gateway too; no pod of its own. Off: the gateway
   * answers 404 there (COUNTYPAY_CONSOLE_ENABLED=off)
   */
  console: { enabled: boolean };
  tracing: {
    /** zipkin: an in-cluster Zipkin (openzipkin/zipkin) receives the spans; otlp: an external collector; none */
    mode: 'zipkin' | 'otlp' | 'none';
    /**
     * the trace UI the console links a payment's trace to (COUNTYPAY_TRACE_UI_URL), as operators'
     * browsers reach it. Empty: with tracing.mode zipkin the in-cluster Zipkin's UI
     * (http://countypay-zipkin.<namespace>.svc:9411/zipkin, reachable only where cluster Services
     * resolve); otherwise no links
     */
    uiUrl: string;
    zipkin: { image: string; resources: Resources; memoryLimit: string; uiFrom: NamespacePeer[] };
    otlpEndpoint: string;
    /** where the OTLP collector runs: namespaces in the cluster (on collectorPort) and/or address ranges outside it */
    collectorNamespaces: NamespacePeer[];
    collectorPort: number;
    collectorEgress: ExternalPeer[];
  };
  /** who scrapes /metrics (Prometheus) */
  monitoring: { scrapeFrom: NamespacePeer[] };
  shutdown: { preStopSeconds: number; drainSeconds: number; terminationGracePeriodSeconds: number };
  migrations: { backoffLimit: number; activeDeadlineSeconds: number; ttlSecondsAfterFinished: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug';
  services: Record<ServiceName, ServiceSizing>;
  /** extra non-secret environment per service (GATEWAY_RATE_LIMIT_APP_PER_MINUTE, …); secrets are refused here */
  env: Partial<Record<ServiceName, Record<string, string>>>;
}

/** Private and special-purpose ranges: never a partner's webhook endpoint. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16', '127.0.0.0/8'];

const sizing = (minReplicas: number, maxReplicas: number, cpu: string, memory: string, pool: number): ServiceSizing => ({
  minReplicas,
  maxReplicas,
  targetCpuPercent: 70,
  requests: { cpu, memory },
  limits: { memory: doubled(memory) },
  databasePoolSize: pool,
});

function doubled(memory: string): string {
  const m = /^(\d+)(Mi|Gi)$/.exec(memory);
  if (!m) throw new Error(`memory must be <n>Mi or <n>Gi, got ${memory}`);
  return `${Number(m[1]) * 2}${m[2]}`;
}

/**
 * Production: sized for the 99 counties from the measured figures (deploy/README.md, "Sizing"):
 * at least two replicas of everything on the payment path, the sandbox off, traces to the
 * province's collector.
 */
export function productionValues(): Values {
  return {
    namespace: 'countypay',
    environment: 'production',
    image: { repository: 'registry.province.example/countypay/countypay', tag: '0.1.0', pullPolicy: 'IfNotPresent', pullSecrets: [] },
    secrets: { app: 'countypay-secrets', databaseAdmin: 'countypay-db-admin' },
    postgres: {
      host: 'pg-primary.db.province.example',
      port: 5432,
      database: 'countypay',
      urlParams: '',
      caSecret: '',
      maxConnections: 400,
      egress: [{ cidr: '10.20.0.0/24', ports: [5432] }],
    },
    kafka: {
      brokers: ['kafka-1.mq.province.example:9092', 'kafka-2.mq.province.example:9092', 'kafka-3.mq.province.example:9092'],
      groupPrefix: 'countypay',
      topicReplicationFactor: 3,
      minInsyncReplicas: 2,
      egress: [{ cidr: '10.20.1.0/24', ports: [9092] }],
    },
    dns: { namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } },
    gateway: {
      host: 'api.countypay.province.example',
      ingress: { enabled: true, className: 'nginx', tlsSecret: 'countypay-api-tls', annotations: {} },
      ingressFrom: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }],
      webhookEgress: [{ cidr: '0.0.0.0/0', except: PRIVATE_RANGES, ports: [443] }],
    },
    qrPayment: {
      resolveBaseUrl: 'https://q.countypay.cn',
      channelsUrl: 'https://channels.province.example',
      channelsEgress: [{ cidr: '10.20.2.0/24', ports: [443] }],
      notifyBaseUrl: '',
    },
    channelSandbox: { enabled: false },
    console: { enabled: true },
    tracing: {
      mode: 'otlp',
      uiUrl: '',
      zipkin: { image: 'docker.io/openzipkin/zipkin:3.5.1', resources: { cpu: '250m', memory: '768Mi' }, memoryLimit: '1536Mi', uiFrom: [] },
      otlpEndpoint: 'http://otel-collector.observability.svc:4318',
      collectorNamespaces: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'observability' } }],
      collectorPort: 4318,
      collectorEgress: [],
    },
    monitoring: { scrapeFrom: [{ namespaceLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }] },
    shutdown: { preStopSeconds: 5, drainSeconds: 20, terminationGracePeriodSeconds: 45 },
    migrations: { backoffLimit: 2, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 7 * 24 * 3600 },
    logLevel: 'info',
    services: {
      // the payment path (deploy/README.md, "Sizing"): ~100 payments/s at 4/4/2 replicas, ~300/s at maxReplicas (planning figures)
      gateway: sizing(3, 10, '1000m', '512Mi', 10),
      'qr-payment': sizing(3, 10, '1000m', '512Mi', 10),
      settlement: sizing(2, 8, '1000m', '512Mi', 10),
      onboarding: sizing(2, 4, '250m', '384Mi', 5),
      acquiring: sizing(2, 4, '250m', '384Mi', 5),
      credit: sizing(2, 4, '250m', '384Mi', 5),
      'channel-sandbox': sizing(1, 2, '250m', '256Mi', 5),
    },
    env: {},
  };
}

/** Staging (a sandbox environment): the channel simulators on, an in-cluster Zipkin, one or two replicas. */
export function stagingValues(): Values {
  const v = productionValues();
  const small = (s: ServiceSizing): ServiceSizing => ({ ...s, minReplicas: 1, maxReplicas: 3, requests: { cpu: '200m', memory: s.requests.memory } });
  return {
    ...v,
    environment: 'staging',
    namespace: 'countypay-staging',
    channelSandbox: { enabled: true },
    tracing: { ...v.tracing, mode: 'zipkin' },
    gateway: { ...v.gateway, host: 'api.staging.countypay.province.example', ingress: { ...v.gateway.ingress, tlsSecret: 'countypay-staging-api-tls' } },
    services: Object.fromEntries(SERVICE_NAMES.map((n) => [n, small(v.services[n])])) as Record<ServiceName, ServiceSizing>,
    qrPayment: { ...v.qrPayment, channelsUrl: '' },
  };
}

export const PROFILES = { production: productionValues, staging: stagingValues } as const;
export type Profile = keyof typeof PROFILES;

/** Deep merge: objects merge key by key, everything else (arrays included) replaces. */
export function mergeValues<T>(base: T, override: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(override)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) out[k] = k in out ? mergeValues(out[k], v) : v;
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Variables that hold secrets: never accepted as plain values. */
export const SECRET_NAME = /(SECRET|PASSWORD|TOKEN|PRIVATE|_KEY$|DATABASE_URL)/;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUANTITY_CPU = /^\d+m?$|^\d+(\.\d+)?$/;
const QUANTITY_MEM = /^\d+(Mi|Gi)$/;

/** The problems of a set of values (empty when it renders a sound deployment). */
export function checkValues(v: Values): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, msg: string): void => {
    if (!ok) problems.push(msg);
  };
  need(DNS_LABEL.test(v.namespace), `namespace: not a DNS label: ${v.namespace}`);
  need(v.image.repository.length > 0 && !/[:@]/.test(v.image.repository.split('/').pop() ?? ''), 'image.repository: a repository without tag or digest');
  need(/^[\w][\w.-]{0,127}$/.test(v.image.tag), `image.tag: not a valid tag: ${v.image.tag}`);
  need(DNS_LABEL.test(v.secrets.app) && DNS_LABEL.test(v.secrets.databaseAdmin), 'secrets: the Secret names must be DNS labels');
  need(v.postgres.host.length > 0 && !/[/:@?]/.test(v.postgres.host), 'postgres.host: a host name or address, without scheme, port or credentials');
  need(Number.isInteger(v.postgres.port) && v.postgres.port > 0 && v.postgres.port < 65536, 'postgres.port: 1–65535');
  need(/^[a-z_][a-z0-9_]*$/.test(v.postgres.database), 'postgres.database: a lower-case SQL identifier');
  need(!/password|user=/i.test(v.postgres.urlParams), 'postgres.urlParams: no credentials here (the password comes from the Secret)');
  need(v.postgres.egress.length > 0, 'postgres.egress: at least one CIDR (the NetworkPolicies allow nothing else)');
  need(v.kafka.brokers.length > 0 && v.kafka.brokers.every((b) => /^[^,\s:]+:\d+$/.test(b)), 'kafka.brokers: host:port entries');
  need(v.kafka.egress.length > 0, 'kafka.egress: at least one CIDR (the NetworkPolicies allow nothing else)');
  need(/^[a-z0-9-]+$/.test(v.kafka.groupPrefix), 'kafka.groupPrefix: lower-case letters, digits and dashes');
  need(v.kafka.topicReplicationFactor >= 1 && v.kafka.minInsyncReplicas >= 1, 'kafka: replication factor and min.insync.replicas at least 1');
  need(v.kafka.minInsyncReplicas <= v.kafka.topicReplicationFactor, 'kafka.minInsyncReplicas: must not exceed topicReplicationFactor');
  if (v.environment === 'production') {
    need(
      v.kafka.topicReplicationFactor >= 3 && v.kafka.minInsyncReplicas >= 2,
      'kafka: production needs topicReplicationFactor ≥ 3 and minInsyncReplicas ≥ 2 (an acked event survives a broker loss)',
    );
    need(!v.channelSandbox.enabled, 'channelSandbox.enabled: the simulators never run in production');
  }
  for (const p of [...v.postgres.egress, ...v.kafka.egress, ...v.gateway.webhookEgress, ...v.qrPayment.channelsEgress, ...v.tracing.collectorEgress]) {
    need(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(p.cidr), `egress: not an IPv4 CIDR: ${p.cidr}`);
    need(p.ports.length > 0 && p.ports.every((n) => Number.isInteger(n) && n > 0 && n < 65536), `egress ${p.cidr}: ports 1–65535`);
  }
  need(/^https:\/\/[\x21-\x7e]+$/.test(v.qrPayment.resolveBaseUrl), 'qrPayment.resolveBaseUrl: an https:// URL');
  if (!v.channelSandbox.enabled) {
    need(/^https?:\/\/[\x21-\x7e]+$/.test(v.qrPayment.channelsUrl), 'qrPayment.channelsUrl: the channel front URL (needed when the channel sandbox is off)');
    need(v.qrPayment.channelsEgress.length > 0, 'qrPayment.channelsEgress: the channel front CIDR (needed when the channel sandbox is off)');
  }
  if (v.tracing.mode === 'otlp') {
    need(/^https?:\/\/.+/.test(v.tracing.otlpEndpoint), 'tracing.otlpEndpoint: an http(s) URL when tracing.mode is otlp');
    need(
      v.tracing.collectorNamespaces.length + v.tracing.collectorEgress.length > 0,
      'tracing: name where the collector runs (collectorNamespaces or collectorEgress)',
    );
  }
  const s = v.shutdown;
  need(
    s.preStopSeconds >= 0 && s.drainSeconds > 0 && s.preStopSeconds + s.drainSeconds + 10 <= s.terminationGracePeriodSeconds,
    'shutdown: preStopSeconds + drainSeconds + 10 s (consumers, relay, pool) must fit in terminationGracePeriodSeconds',
  );
  need(v.tracing.uiUrl === '' || /^https?:\/\/[\x21-\x7e]+$/.test(v.tracing.uiUrl), 'tracing.uiUrl: an http(s) URL, or empty');
  const sizings: Array<[string, ServiceSizing]> = SERVICE_NAMES.map((n) => [n, v.services[n]] as [string, ServiceSizing]);
  for (const [name, z] of sizings) {
    need(!!z, `services.${name}: missing`);
    if (!z) continue;
    need(Number.isInteger(z.minReplicas) && z.minReplicas >= 1 && z.minReplicas <= z.maxReplicas, `services.${name}: 1 ≤ minReplicas ≤ maxReplicas`);
    need(z.targetCpuPercent >= 10 && z.targetCpuPercent <= 95, `services.${name}.targetCpuPercent: 10–95`);
    need(
      QUANTITY_CPU.test(z.requests.cpu) && QUANTITY_MEM.test(z.requests.memory) && QUANTITY_MEM.test(z.limits.memory),
      `services.${name}: cpu like 500m, memory like 512Mi`,
    );
    need(z.limits.cpu === undefined || QUANTITY_CPU.test(z.limits.cpu), `services.${name}.limits.cpu: like 1000m`);
    need(Number.isInteger(z.databasePoolSize) && z.databasePoolSize >= 1 && z.databasePoolSize <= 100, `services.${name}.databasePoolSize: 1–100`);
    if (v.environment === 'production' && name !== 'channel-sandbox') need(z.minReplicas >= 2, `services.${name}.minReplicas: production runs at least two`);
  }
  // at full scale-out every pod holds its whole pool; keep 20 for the release Job, psql and the DBAs
  const deployed = SERVICE_NAMES.filter((n) => n !== 'channel-sandbox' || v.channelSandbox.enabled);
  const connections = deployed.reduce((n, s) => n + (v.services[s] ? v.services[s].maxReplicas * v.services[s].databasePoolSize : 0), 0);
  need(
    connections + 20 <= v.postgres.maxConnections,
    `postgres.maxConnections: ${v.postgres.maxConnections} is below ${connections + 20} (Σ maxReplicas × databasePoolSize = ${connections}, + 20 for the release Job and operators)`,
  );
  for (const [svc, env] of Object.entries(v.env)) {
    for (const name of Object.keys(env ?? {})) {
      need(!SECRET_NAME.test(name), `env.${svc}.${name}: secrets come from the Secret ${v.secrets.app}, never from values`);
      need(/^[A-Z][A-Z0-9_]*$/.test(name), `env.${svc}.${name}: not an environment variable name`);
    }
  }
  return problems;
}
