// Validates rendered manifests against the Kubernetes API schemas, offline: kubernetes-models
// ships the JSON schemas of the Kubernetes OpenAPI document (1.33's API groups) compiled into
// validators. Only GA API versions that Kubernetes 1.30 and later serve are accepted.
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Service, ServiceAccount } from 'kubernetes-models/v1';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: never) => Validatable;

/** apiVersion/kind → its model; every one is GA and served by Kubernetes 1.30+. */
export const KNOWN_KINDS: Record<string, ModelClass> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'batch/v1/Job': Job,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** The problems of one object: schema violations, bad names and label values. */
export function validateObject(o: KubeObject): string[] {
  const id = `${o.kind ?? '?'}/${o.metadata?.name ?? '?'}`;
  const Model = KNOWN_KINDS[`${o.apiVersion}/${o.kind}`];
  if (!Model) return [`${id}: ${o.apiVersion} ${o.kind} is not one of the API versions this chart may use (${Object.keys(KNOWN_KINDS).join(', ')})`];
  const problems: string[] = [];
  try {
    new Model(o as never).validate();
  } catch (e) {
    problems.push(`${id}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const name = o.metadata?.name ?? '';
  // Services need a DNS-1035 label; a Job's name becomes its pods' job-name label (≤ 63)
  if (!DNS_LABEL.test(name) || name.length > 63) problems.push(`${id}: metadata.name must be a DNS label of at most 63 characters`);
  if (o.kind === 'Service' && !/^[a-z]/.test(name)) problems.push(`${id}: a Service name starts with a letter`);
  for (const [k, v] of Object.entries(o.metadata?.labels ?? {})) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) problems.push(`${id}: label ${k} has an invalid value '${v}'`);
  }
  return problems;
}

export function validateAll(objects: KubeObject[]): string[] {
  const problems = objects.flatMap(validateObject);
  const seen = new Set<string>();
  for (const o of objects) {
    const key = `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    if (seen.has(key)) problems.push(`${key}: defined twice`);
    seen.add(key);
  }
  return problems;
}
