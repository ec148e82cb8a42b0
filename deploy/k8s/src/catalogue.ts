// What the manifests need to know about each service: its schema (tools/services.mjs), whom it
// calls over HTTP (docs/design.md's service table and the COUNTYPAY_SERVICE_URLS uses; the
// NetworkPolicies allow exactly these), and the secrets its config classes read (apps/*/src/config,
// libs/shared/config), each from a key of a Secret. deploy/k8s/src/chart.spec.ts checks this
// against the code.
import type { ServiceName } from './values';

/** The keys of the app Secret (`secrets.app`): what each holds and how to make it (deploy/README.md). */
export const APP_SECRET_KEYS = {
  'app-db-password': 'the services’ PostgreSQL role password (cp_<schema>_app), URL-safe, ≥ 16 characters',
  'credential-key': 'COUNTYPAY_CREDENTIAL_KEY: base64 of 32 random bytes (app and webhook secrets at rest; gateway + onboarding)',
  'pii-key': 'COUNTYPAY_PII_KEY: base64 of 32 random bytes (merchant KYC fields at rest)',
  'blind-index-key': 'COUNTYPAY_BLIND_INDEX_KEY: base64 of 32 random bytes (blind indexes)',
  'platform-sm2-private-key': 'COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY: 64 hex digits (signs responses)',
  'platform-sm2-public-key': 'COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY: 04 + 128 hex digits (optional; derived when absent)',
  'sandbox-notify-secret': 'SANDBOX_NOTIFY_SECRET: HMAC key of channel notifications (qr-payment, acquiring, and the sandbox when on)',
  'bootstrap-operator-token': 'COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN: optional, cpo_ + ≥ 32 url-safe characters (first province operator)',
  'bootstrap-console-password':
    'COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD: optional, the ops console password of the first province operator (user name `province`), set once while it has none (onboarding)',
  's2s-trusted-keys': 'COUNTYPAY_S2S_TRUSTED_KEYS: JSON { "<key id>": { "issuer": "gateway", "publicKey": "<base64 Ed25519 SPKI>" } } (every service)',
  's2s-gateway-signing-key': 'COUNTYPAY_S2S_SIGNING_KEY: the gateway’s base64 PKCS#8 Ed25519 private key (signs its calls to the services)',
  's2s-gateway-key-id': 'COUNTYPAY_S2S_KEY_ID: the id of that key, as named in s2s-trusted-keys',
  's2s-qr-payment-signing-key': 'COUNTYPAY_S2S_SIGNING_KEY of qr-payment: base64 PKCS#8 Ed25519 private key (signs its calls to credit: credit holds)',
  's2s-qr-payment-key-id': 'COUNTYPAY_S2S_KEY_ID of qr-payment: the id of that key, as named in s2s-trusted-keys (issuer "qr-payment")',
  's2s-acquiring-signing-key': 'COUNTYPAY_S2S_SIGNING_KEY of acquiring: base64 PKCS#8 Ed25519 private key (signs its calls to credit: credit holds)',
  's2s-acquiring-key-id': 'COUNTYPAY_S2S_KEY_ID of acquiring: the id of that key, as named in s2s-trusted-keys (issuer "acquiring")',
  's2s-settlement-signing-key':
    'COUNTYPAY_S2S_SIGNING_KEY of settlement: base64 PKCS#8 Ed25519 private key (signs its calls to acquiring: make-up orders, 补单)',
  's2s-settlement-key-id': 'COUNTYPAY_S2S_KEY_ID of settlement: the id of that key, as named in s2s-trusted-keys (issuer "settlement")',
} as const;
export type AppSecretKey = keyof typeof APP_SECRET_KEYS;

/** The key of the database-admin Secret (`secrets.databaseAdmin`), read by the migration Job only. */
export const DATABASE_ADMIN_SECRET_KEY = 'url';

export interface SecretEnv {
  key: AppSecretKey;
  /** the service starts without it (a default or a derived value applies) */
  optional?: boolean;
}

export interface ServiceSpec {
  name: ServiceName;
  schema: string;
  /** the services it calls over HTTP */
  calls: ServiceName[];
  /** environment variables read from the app Secret */
  secretEnv: Record<string, SecretEnv>;
}

/** Every service verifies its callers' service assertions with these trusted public keys. */
const SERVICE_AUTH: Record<string, SecretEnv> = { COUNTYPAY_S2S_TRUSTED_KEYS: { key: 's2s-trusted-keys' } };

export const SERVICES: readonly ServiceSpec[] = [
  {
    name: 'gateway',
    schema: 'gateway',
    // forwards the public API to the services that own the routes; asks onboarding for apps it does not know yet
    calls: ['onboarding', 'qr-payment', 'acquiring', 'credit', 'settlement'],
    secretEnv: {
      ...SERVICE_AUTH,
      // the gateway calls the services: it signs its assertions
      COUNTYPAY_S2S_SIGNING_KEY: { key: 's2s-gateway-signing-key' },
      COUNTYPAY_S2S_KEY_ID: { key: 's2s-gateway-key-id' },
      COUNTYPAY_CREDENTIAL_KEY: { key: 'credential-key' },
      COUNTYPAY_PLATFORM_SM2_PRIVATE_KEY: { key: 'platform-sm2-private-key' },
      COUNTYPAY_PLATFORM_SM2_PUBLIC_KEY: { key: 'platform-sm2-public-key', optional: true },
    },
  },
  {
    name: 'onboarding',
    schema: 'onboarding',
    calls: [],
    secretEnv: {
      ...SERVICE_AUTH,
      COUNTYPAY_PII_KEY: { key: 'pii-key' },
      COUNTYPAY_BLIND_INDEX_KEY: { key: 'blind-index-key' },
      COUNTYPAY_CREDENTIAL_KEY: { key: 'credential-key' },
      COUNTYPAY_BOOTSTRAP_OPERATOR_TOKEN: { key: 'bootstrap-operator-token', optional: true },
      COUNTYPAY_BOOTSTRAP_CONSOLE_PASSWORD: { key: 'bootstrap-console-password', optional: true },
    },
  },
  {
    name: 'qr-payment',
    schema: 'qr_payment',
    // the payment channels: the sandbox in staging, the province's channel front in production; credit (holds of county credit payments)
    calls: ['channel-sandbox', 'credit'],
    secretEnv: {
      ...SERVICE_AUTH,
      SANDBOX_NOTIFY_SECRET: { key: 'sandbox-notify-secret' },
      // it calls credit: it signs its assertions
      COUNTYPAY_S2S_SIGNING_KEY: { key: 's2s-qr-payment-signing-key' },
      COUNTYPAY_S2S_KEY_ID: { key: 's2s-qr-payment-key-id' },
    },
  },
  {
    name: 'acquiring',
    schema: 'acquiring',
    // the online channels (wallets, UnionPay online, card quick pay): the sandbox in staging, the channel front in production
    calls: ['channel-sandbox', 'credit'],
    // bound cards: the card number encrypted, its blind index for look-ups; it calls credit (holds): it signs its assertions
    secretEnv: {
      ...SERVICE_AUTH,
      COUNTYPAY_S2S_SIGNING_KEY: { key: 's2s-acquiring-signing-key' },
      COUNTYPAY_S2S_KEY_ID: { key: 's2s-acquiring-key-id' },
      SANDBOX_NOTIFY_SECRET: { key: 'sandbox-notify-secret' },
      COUNTYPAY_PII_KEY: { key: 'pii-key' },
      COUNTYPAY_BLIND_INDEX_KEY: { key: 'blind-index-key' },
    },
  },
  {
    name: 'credit',
    schema: 'credit',
    // the consent SMS gateway and the county core banking (repayment debits)
    calls: ['channel-sandbox'],
    secretEnv: { ...SERVICE_AUTH, COUNTYPAY_PII_KEY: { key: 'pii-key' } },
  },
  {
    name: 'settlement',
    schema: 'settlement',
    // payouts through the county core banking: the sandbox in staging, the channel front in production;
    // acquiring: reconciliation's make-up of a closed order (补单)
    calls: ['channel-sandbox', 'acquiring'],
    // merchants' payout accounts at rest; it calls acquiring: it signs its assertions
    secretEnv: {
      ...SERVICE_AUTH,
      COUNTYPAY_S2S_SIGNING_KEY: { key: 's2s-settlement-signing-key' },
      COUNTYPAY_S2S_KEY_ID: { key: 's2s-settlement-key-id' },
      COUNTYPAY_PII_KEY: { key: 'pii-key' },
    },
  },
  {
    name: 'channel-sandbox',
    schema: 'channel_sandbox',
    // sends payment notifications back to qr-payment's and acquiring's notify routes
    calls: ['qr-payment', 'acquiring'],
    secretEnv: { ...SERVICE_AUTH, SANDBOX_NOTIFY_SECRET: { key: 'sandbox-notify-secret' } },
  },
];

export const CONTAINER_PORT = 8080;
export const SERVICE_PORT = 80;
export const ZIPKIN_PORT = 9411;
/** the image's user (deploy/container/Containerfile: USER 1000:1000) */
export const APP_UID = 1000;
