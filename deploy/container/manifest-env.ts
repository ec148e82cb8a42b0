// The environment a service's container gets from the rendered Kubernetes manifests, as the
// kubelet makes it, for the tests that start the image's files without a cluster: the app Secret
// filled with values of the shapes the operators put into it (deploy/README.md, "Secrets").
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { APP_SECRET_KEYS, type AppSecretKey } from '../k8s/src/catalogue';
import type { RenderOutput } from '../k8s/src/render';

/** Made-up values for every key of the app Secret. */
export function fakeAppSecret(): Record<AppSecretKey, string> {
  const s2s = generateKeyPairSync('ed25519');
  const qrS2s = generateKeyPairSync('ed25519');
  const acqS2s = generateKeyPairSync('ed25519');
  const stlS2s = generateKeyPairSync('ed25519');
  const b64 = () => randomBytes(32).toString('base64');
  const secret: Record<AppSecretKey, string> = {
    'app-db-password': randomBytes(18).toString('hex'),
    'credential-key': b64(),
    'pii-key': b64(),
    'blind-index-key': b64(),
    'platform-sm2-private-key': randomBytes(32).toString('hex'),
    'platform-sm2-public-key': '',
    'sandbox-notify-secret': randomBytes(24).toString('base64url'),
    'bootstrap-operator-token': `cpo_${randomBytes(32).toString('base64url')}`,
    'bootstrap-console-password': randomBytes(12).toString('base64url'),
    's2s-trusted-keys': JSON.stringify({
      'gw-test': { issuer: 'gateway', publicKey: s2s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
      'qr-test': { issuer: 'qr-payment', publicKey: qrS2s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
      'acq-test': { issuer: 'acquiring', publicKey: acqS2s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
      'stl-test': { issuer: 'settlement', publicKey: stlS2s.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') },
    }),
    's2s-gateway-signing-key': s2s.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    's2s-gateway-key-id': 'gw-test',
    's2s-qr-payment-signing-key': qrS2s.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    's2s-qr-payment-key-id': 'qr-test',
    's2s-acquiring-signing-key': acqS2s.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    's2s-acquiring-key-id': 'acq-test',
    's2s-settlement-signing-key': stlS2s.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
    's2s-settlement-key-id': 'stl-test',
  };
  const missing = Object.keys(APP_SECRET_KEYS).filter((k) => !(k in secret));
  if (missing.length > 0) throw new Error(`fakeAppSecret: no value for ${missing.join(', ')}`);
  return secret;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { key: string } };
}

/** A container's environment as the kubelet would make it: secret keys filled in, $(VAR) references expanded. */
export function kubeletEnv(env: EnvVar[], secret: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    if (e.valueFrom?.secretKeyRef) out[e.name] = secret[e.valueFrom.secretKeyRef.key];
    else out[e.name] = (e.value ?? '').replace(/\$\(([A-Z0-9_]+)\)/g, (m, v: string) => out[v] ?? m);
  }
  return out;
}

/** The rendered container of a service's Deployment. */
export function serviceContainer(out: RenderOutput, app: string): { env: EnvVar[]; args: string[] } {
  const deployment = out.platform.find((o) => o.kind === 'Deployment' && o.metadata.name === `countypay-${app}`);
  if (!deployment) throw new Error(`no Deployment countypay-${app} rendered`);
  return (deployment.spec as { template: { spec: { containers: Array<{ env: EnvVar[]; args: string[] }> } } }).template.spec.containers[0];
}
