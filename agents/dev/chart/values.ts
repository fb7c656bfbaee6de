/**
 * A chart's values from its plan (pure): the values object, the values.yaml text (each section
 * with a comment saying what it is), and the JSON Schema of the values (values.schema.json) so
 * `helm lint` and `helm install` reject values of the wrong shape.
 *
 * Secrets appear as keys with empty values: the values are supplied at install time and never
 * written into the chart.
 */
import { stringify } from 'yaml';
import type { ChartPlan } from './spec.js';

export type Values = Record<string, unknown>;

/** The values object, key order as in values.yaml. */
export function valuesOf(plan: ChartPlan): Values {
  return {
    replicaCount: plan.scaling.replicas,
    image: { repository: plan.image.repository, tag: plan.image.tag, pullPolicy: 'IfNotPresent' },
    imagePullSecrets: [],
    nameOverride: '',
    fullnameOverride: '',
    serviceAccount: { create: plan.serviceAccount !== undefined, name: plan.serviceAccount?.name ?? '', automount: false, annotations: {} },
    podAnnotations: {},
    podLabels: {},
    podSecurityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, privileged: false },
    containerPorts: plan.ports.map((p) => ({ name: p.name, containerPort: p.port, protocol: p.protocol })),
    service: {
      enabled: plan.exposure.service !== undefined,
      type: plan.exposure.service?.type ?? 'ClusterIP',
      ports: plan.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.name, protocol: p.protocol })),
    },
    ingress: {
      enabled: plan.exposure.ingress !== undefined,
      className: plan.exposure.ingress?.className ?? '',
      annotations: {},
      host: plan.exposure.ingress?.host ?? 'chart-example.local',
      path: plan.exposure.ingress?.path ?? '/',
      pathType: 'Prefix',
      tls: plan.exposure.ingress?.tls ?? false,
    },
    config: { ...plan.config },
    secrets: Object.fromEntries(plan.secrets.map((k) => [k, ''])),
    existingSecret: '',
    persistence: {
      enabled: plan.storage !== undefined,
      size: plan.storage?.size ?? '1Gi',
      mountPath: plan.storage?.mountPath ?? '/data',
      storageClass: plan.storage?.storageClass ?? '',
      accessModes: [plan.storage?.accessMode ?? 'ReadWriteOnce'],
    },
    probes: { enabled: plan.probes !== undefined, type: plan.probes?.type ?? 'tcp', path: plan.probes?.path ?? '/', port: plan.probes?.port ?? plan.ports[0]?.port ?? 8080 },
    resources: plan.resources,
    autoscaling: {
      enabled: plan.scaling.hpa !== undefined,
      minReplicas: plan.scaling.hpa?.min ?? plan.scaling.replicas,
      maxReplicas: plan.scaling.hpa?.max ?? Math.max(plan.scaling.replicas, 1) * 3,
      targetCPUUtilizationPercentage: plan.scaling.hpa?.targetCPU ?? 80,
    },
    pdb: { enabled: plan.pdb !== undefined, minAvailable: plan.pdb?.minAvailable ?? 1 },
    networkPolicy: { enabled: plan.networkPolicy },
    nodeSelector: {},
    tolerations: [],
    affinity: {},
  };
}

/** One line per top-level value: what it is for (values.yaml comments and the README table). */
export const VALUE_DOCS: Record<string, string> = {
  replicaCount: 'Number of pods (ignored while autoscaling is enabled)',
  image: 'Container image: repository, tag (pin a version) and pull policy',
  imagePullSecrets: 'Secrets for pulling from a private registry',
  nameOverride: 'Replaces the chart name in object names',
  fullnameOverride: 'Replaces the whole generated object name',
  serviceAccount: 'The pods\' ServiceAccount: create one, its name, whether an API token is mounted',
  podAnnotations: 'Extra annotations on the pods',
  podLabels: 'Extra labels on the pods',
  podSecurityContext: 'Pod security context (restricted Pod Security Standard by default)',
  securityContext: 'Container security context (restricted Pod Security Standard by default)',
  containerPorts: 'Ports the container listens on',
  service: 'The Service in front of the pods',
  ingress: 'An Ingress routing a host and path to the Service',
  config: 'Environment variables from a ConfigMap',
  secrets: 'Secret environment variables: KEYS ONLY here, values supplied at install time',
  existingSecret: 'Name of an existing Secret to use instead of creating one from `secrets`',
  persistence: 'Persistent storage for the pods',
  probes: 'Readiness and liveness probes (http: GET path on port; tcp: connect to port)',
  resources: 'CPU and memory requests and limits',
  autoscaling: 'HorizontalPodAutoscaler on CPU utilization',
  pdb: 'PodDisruptionBudget',
  networkPolicy: 'NetworkPolicy allowing ingress only on the container ports',
  nodeSelector: 'Node labels the pods must run on',
  tolerations: 'Tolerations for tainted nodes',
  affinity: 'Affinity rules',
};

const SECRETS_NOTE = [
  '# Secret values are NOT stored in the chart. Supply them at install time, e.g.',
  '#   helm install <release> . --set-file secrets.KEY=./key.txt',
  '# or a values file kept out of version control (-f secret-values.yaml), or set existingSecret.',
];

/** values.yaml: each top-level key after a comment saying what it is for. */
export function valuesYaml(values: Values): string {
  const sections = Object.entries(values).map(([key, value]) => {
    const doc = VALUE_DOCS[key];
    const comment = [...(doc ? [`# ${doc}`] : []), ...(key === 'secrets' ? SECRETS_NOTE : [])];
    // YAML 1.1 rules, as helm reads it: strings such as "on", "yes" or "1.0" stay quoted strings.
    return [...comment, stringify({ [key]: value }, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false }).trimEnd()].join('\n');
  });
  return `${sections.join('\n\n')}\n`;
}

type JsonSchema = Record<string, unknown>;

function schemaOf(value: unknown, path: string): JsonSchema {
  if (typeof value === 'string') {
    if (path === 'image.repository') return { type: 'string', minLength: 1 };
    if (path === 'service.type') return { type: 'string', enum: ['ClusterIP', 'NodePort', 'LoadBalancer'] };
    if (path === 'probes.type') return { type: 'string', enum: ['http', 'tcp'] };
    if (path === 'image.pullPolicy') return { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] };
    return { type: 'string' };
  }
  if (typeof value === 'number') return Number.isInteger(value) ? { type: 'integer', ...(/Replicas$|replicaCount|minAvailable/.test(path) ? { minimum: 0 } : {}), ...(/port$/i.test(path) ? { minimum: 1, maximum: 65535 } : {}) } : { type: 'number' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (Array.isArray(value)) return { type: 'array', ...(value.length && typeof value[0] === 'object' ? { items: schemaOf(value[0], `${path}[]`) } : {}) };
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    // Free-form maps (annotations, selectors, config, secrets) take any string keys.
    if (/^(podAnnotations|podLabels|nodeSelector|affinity|config|secrets|serviceAccount\.annotations|ingress\.annotations)$/.test(path)) {
      return { type: 'object', additionalProperties: path === 'affinity' ? true : { type: ['string', 'number', 'boolean'] } };
    }
    return { type: 'object', properties: Object.fromEntries(entries.map(([k, v]) => [k, schemaOf(v, path ? `${path}.${k}` : k)])) };
  }
  return {};
}

/** values.schema.json for these values (draft-07, as helm validates it). */
export function valuesSchema(values: Values): JsonSchema {
  return { $schema: 'http://json-schema.org/draft-07/schema#', title: 'Values', ...schemaOf(values, ''), required: ['image', 'replicaCount', 'service', 'resources'] };
}
