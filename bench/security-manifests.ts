/**
 * Deterministic manifests for bench/security: the same seed gives the same objects, so our
 * scanner, Polaris and kube-score read exactly the same input run after run. Workloads of every
 * kind (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod) start from a hardened pod and get a
 * seeded mix of bad settings, one per control family; RBAC objects are narrow or over-broad;
 * half of the namespaces have a default-deny NetworkPolicy. Each object carries its ground truth
 * (which families were made bad, which were set right) so a test can check the mix covers every
 * family both ways. Namespaces whose index is a multiple of 3 get a PodDisruptionBudget for their
 * long-running workloads (one of them blocking every disruption), and about half of the replicated
 * workloads a preferred pod anti-affinity, so the availability checks see both sides. Pure:
 * nothing is written or sent anywhere.
 */

/** The control families the bench counts findings in; each tool's check ids are mapped onto these. */
export const FAMILIES = [
  'privileged',
  'host-namespaces',
  'host-path',
  'host-ports',
  'capabilities',
  'run-as-non-root',
  'read-only-root-fs',
  'privilege-escalation',
  'seccomp',
  'resource-requests',
  'resource-limits',
  'probes',
  'image-tag',
  'pull-policy',
  'secret-in-env',
  'service-account-token',
  'rbac',
  'network-policy',
  'replicas',
] as const;
export type Family = (typeof FAMILIES)[number];

/** Families set per container or pod spec (every workload has all of them, good or bad). */
const POD_FAMILIES: Family[] = FAMILIES.filter((f) => f !== 'rbac' && f !== 'network-policy' && f !== 'replicas');

export type Manifest = Record<string, unknown>;

export interface GeneratedManifest {
  object: Manifest;
  /** Families this object was made to violate. */
  bad: Family[];
  /** Families this object sets right (checked and passing). */
  good: Family[];
}

/** mulberry32: a tiny seeded PRNG; good enough to spread settings, and the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMESPACES = 10;
/** Namespaces with an even index get a default-deny policy. */
const nsName = (i: number) => `bench-${i}`;
const hasPolicy = (ns: number) => ns % 2 === 0;
/** Namespaces with an index divisible by 3 get a PDB over tier: web; namespace 3's allows no disruption. */
const hasPdb = (ns: number) => ns % 3 === 0;

const WORKLOAD_KINDS = ['Deployment', 'Deployment', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'Pod'] as const;
const OTHER_KINDS = ['Service', 'Service', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'ServiceAccount'] as const;

/** A container and pod spec with the chosen families bad and the rest hardened. */
function podSpec(name: string, bad: Set<Family>, pick: () => number, withProbes: boolean): Manifest {
  const badOne = <T>(options: T[]): T => options[Math.floor(pick() * options.length)] as T;
  const sc: Manifest = {};
  if (bad.has('privileged')) sc.privileged = true;
  else sc.privileged = false;
  if (bad.has('privilege-escalation')) {
    if (pick() < 0.5) sc.allowPrivilegeEscalation = true;
  } else sc.allowPrivilegeEscalation = false;
  if (bad.has('read-only-root-fs')) {
    if (pick() < 0.5) sc.readOnlyRootFilesystem = false;
  } else sc.readOnlyRootFilesystem = true;
  if (bad.has('run-as-non-root')) {
    if (pick() < 0.5) sc.runAsUser = 0;
  } else Object.assign(sc, { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 });
  sc.capabilities = bad.has('capabilities') ? { add: [badOne(['SYS_ADMIN', 'NET_ADMIN', 'NET_RAW', 'SYS_PTRACE'])] } : { drop: ['ALL'] };

  const image = bad.has('image-tag') ? badOne(['nginx', 'nginx:latest', 'registry.example.com/team/app:latest']) : `registry.example.com/team/${name.split('-')[0]}:1.${Math.floor(pick() * 9)}.${Math.floor(pick() * 9)}`;
  const container: Manifest = { name: 'app', image, securityContext: sc, ports: [{ containerPort: 8080, ...(bad.has('host-ports') ? { hostPort: 8080 } : {}) }] };
  if (!bad.has('pull-policy')) container.imagePullPolicy = 'Always';
  else if (pick() < 0.5) container.imagePullPolicy = 'IfNotPresent';
  const requests = { cpu: '100m', memory: '128Mi', 'ephemeral-storage': '100Mi' };
  const limits = { cpu: '500m', memory: '256Mi', 'ephemeral-storage': '1Gi' };
  const resources: Manifest = {};
  if (!bad.has('resource-requests')) resources.requests = requests;
  if (!bad.has('resource-limits')) resources.limits = limits;
  // A request missing but the limit set still schedules by the limit: make "bad requests" really bad by dropping both halves of one.
  if (bad.has('resource-requests') && !bad.has('resource-limits')) resources.limits = { cpu: '500m' };
  container.resources = resources;
  if (withProbes && !bad.has('probes')) {
    container.readinessProbe = { httpGet: { path: '/ready', port: 8080 }, periodSeconds: 5 };
    container.livenessProbe = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 20 };
  }
  container.env = bad.has('secret-in-env') ? [{ name: 'DB_PASSWORD', value: 'not-a-real-password' }] : [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }];
  const volumes = bad.has('host-path') ? [{ name: 'host', hostPath: { path: '/var/run' } }] : [{ name: 'tmp', emptyDir: {} }];
  container.volumeMounts = [{ name: volumes[0]?.name ?? 'tmp', mountPath: '/tmp' }];

  const spec: Manifest = {
    ...(bad.has('service-account-token') ? {} : { serviceAccountName: name, automountServiceAccountToken: false }),
    containers: [container],
    volumes,
    securityContext: bad.has('seccomp') ? (pick() < 0.5 ? { seccompProfile: { type: 'Unconfined' } } : {}) : { seccompProfile: { type: 'RuntimeDefault' } },
  };
  if (bad.has('host-namespaces')) spec[badOne(['hostNetwork', 'hostPID', 'hostIPC'])] = true;
  return spec;
}

function workload(kind: (typeof WORKLOAD_KINDS)[number], i: number, pick: () => number): GeneratedManifest {
  const ns = i % NAMESPACES;
  const name = `${kind.toLowerCase()}-${i}`;
  const bad = new Set<Family>(POD_FAMILIES.filter(() => pick() < 0.25));
  // Jobs and CronJobs run to completion: probes do not apply to them, so the family is neither good nor bad there.
  const withProbes = kind !== 'Job' && kind !== 'CronJob';
  if (!withProbes) bad.delete('probes');
  const replicated = kind === 'Deployment' || kind === 'StatefulSet';
  if (replicated && pick() < 0.3) bad.add('replicas');
  if (!hasPolicy(ns)) bad.add('network-policy');
  // Long-running workloads carry tier: web, which every namespace's Services select: kube-score checks probes only on pods a Service targets.
  const labels = { app: name, ...(withProbes ? { tier: 'web' } : {}) };
  const metadata = { name, namespace: nsName(ns), labels };
  const template = { metadata: { labels }, spec: podSpec(name, bad, pick, withProbes) };
  if (replicated && pick() < 0.5) {
    template.spec.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: name } } } }] } };
  }
  let object: Manifest;
  switch (kind) {
    case 'Pod':
      object = { apiVersion: 'v1', kind, metadata, spec: template.spec };
      break;
    case 'Job':
      object = { apiVersion: 'batch/v1', kind, metadata, spec: { backoffLimit: 2, template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } } };
      break;
    case 'CronJob':
      object = {
        apiVersion: 'batch/v1',
        kind,
        metadata,
        spec: { schedule: '*/15 * * * *', startingDeadlineSeconds: 100, jobTemplate: { spec: { backoffLimit: 2, template: { ...template, spec: { ...template.spec, restartPolicy: 'Never' } } } } },
      };
      break;
    case 'DaemonSet':
      object = { apiVersion: 'apps/v1', kind, metadata, spec: { selector: { matchLabels: labels }, template } };
      break;
    default:
      object = {
        apiVersion: 'apps/v1',
        kind,
        metadata,
        spec: { replicas: bad.has('replicas') ? 1 : 3, selector: { matchLabels: labels }, template, ...(kind === 'StatefulSet' ? { serviceName: name } : {}) },
      };
  }
  const applicable = [...POD_FAMILIES.filter((f) => withProbes || f !== 'probes'), 'network-policy' as const, ...(replicated ? (['replicas'] as const) : [])];
  return { object, bad: FAMILIES.filter((f) => bad.has(f)), good: FAMILIES.filter((f) => applicable.includes(f) && !bad.has(f)) };
}

function other(kind: (typeof OTHER_KINDS)[number], i: number, pick: () => number): GeneratedManifest {
  const namespace = nsName(i % NAMESPACES);
  const name = `${kind.toLowerCase()}-${i}`;
  const metadata = { name, ...(kind.startsWith('Cluster') ? {} : { namespace }) };
  const badRbac = pick() < 0.35;
  const rbac = (object: Manifest): GeneratedManifest => ({ object, bad: badRbac ? ['rbac'] : [], good: badRbac ? [] : ['rbac'] });
  switch (kind) {
    case 'Service':
      return { object: { apiVersion: 'v1', kind, metadata, spec: { selector: { tier: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } }, bad: [], good: [] };
    case 'ServiceAccount':
      return { object: { apiVersion: 'v1', kind, metadata, automountServiceAccountToken: false }, bad: [], good: [] };
    case 'ConfigMap':
      return { object: { apiVersion: 'v1', kind, metadata, data: { 'app.properties': 'log.level=info\n' } }, bad: [], good: [] };
    case 'Role':
    case 'ClusterRole': {
      const rules = badRbac
        ? [[{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }], [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list', 'watch'] }], [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }]][Math.floor(pick() * 3)]
        : [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }];
      return rbac({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata, rules });
    }
    case 'RoleBinding':
    case 'ClusterRoleBinding': {
      const roleRef = { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: badRbac ? 'cluster-admin' : 'view' };
      const subjects = [{ kind: 'ServiceAccount', name: badRbac && pick() < 0.5 ? 'default' : `app-${i}`, namespace }];
      return rbac({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata, roleRef, subjects });
    }
  }
}

/**
 * `count` manifests (at least 20): the namespaces and their policies first, then about 70 %
 * workloads and 30 % other objects, all chosen from `seed`.
 */
export function generateManifests(count = 1000, seed = 42): GeneratedManifest[] {
  if (!Number.isInteger(count) || count < 20) throw new RangeError(`count must be an integer ≥ 20, got ${count}`);
  const pick = prng(seed);
  const out: GeneratedManifest[] = [];
  for (let n = 0; n < NAMESPACES; n++) out.push({ object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: nsName(n) } }, bad: [], good: [] });
  for (let n = 0; n < NAMESPACES; n += 2) {
    out.push({
      object: { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: nsName(n) }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } },
      bad: [],
      good: [],
    });
  }
  for (let n = 0; n < NAMESPACES; n++) {
    if (!hasPdb(n)) continue;
    out.push({
      object: { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: nsName(n) }, spec: { ...(n === 3 ? { maxUnavailable: 0 } : { maxUnavailable: 1 }), selector: { matchLabels: { tier: 'web' } } } },
      bad: [],
      good: [],
    });
  }
  for (let i = out.length; i < count; i++) {
    out.push(pick() < 0.7 ? workload(WORKLOAD_KINDS[Math.floor(pick() * WORKLOAD_KINDS.length)] ?? 'Deployment', i, pick) : other(OTHER_KINDS[Math.floor(pick() * OTHER_KINDS.length)] ?? 'Service', i, pick));
  }
  return out;
}
