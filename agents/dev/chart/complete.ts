/**
 * A ChartSpec made into a complete ChartPlan (pure). What matters and cannot be inferred is
 * asked (the image; a port when the app is to be reached; a storage size; an ingress host);
 * everything else gets a sensible default that is *stated* as an assumption, never applied
 * silently.
 */
import { imageBaseName } from '../names.js';
import { imageProfile } from '../generate.js';
import { normalizeName } from '../names.js';
import { type ChartPlan, type ChartSpec, type PlanPort, splitImage } from './spec.js';

export interface Question {
  field: string;
  question: string;
  example: string;
}

export type Completion = { plan: ChartPlan; assumptions: string[] } | { questions: Question[] };

const DEFAULT_RESOURCES = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

/** Memory quantities compared in bytes (enough to keep a limit at or above its request). */
function bytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) return 0;
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

function millicores(q: string): number {
  return q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

export function completePlan(spec: ChartSpec): Completion {
  const questions: Question[] = [];
  const assumptions: string[] = [];

  const image = spec.image ? splitImage(spec.image) : undefined;
  if (!image) questions.push({ field: 'image', question: 'Which container image should the chart run (with a version tag)?', example: 'image nginx:1.27' });
  const profile = image ? imageProfile(image.repository) : {};

  const wantsService = spec.exposure?.service !== undefined && spec.exposure.service !== false;
  const wantsIngress = spec.exposure?.ingress !== undefined;
  let ports: PlanPort[] = (spec.ports ?? []).map((p, i) => {
    const o = typeof p === 'number' ? { port: p } : p;
    return { name: o.name ? normalizeName(o.name, 'port').slice(0, 15) : i === 0 ? 'http' : `port-${o.port}`.slice(0, 15), port: o.port, protocol: o.protocol ?? 'TCP' };
  });
  if (ports.length === 0 && profile.port && image) {
    ports = [{ name: profile.http ? 'http' : 'tcp', port: profile.port, protocol: 'TCP' }];
    assumptions.push(`port ${profile.port}: the port ${imageBaseName(image.repository)} listens on by default`);
  }
  if (ports.length === 0 && (wantsService || wantsIngress || (spec.probes && spec.probes.type === 'http' && !spec.probes.port))) {
    questions.push({ field: 'ports', question: 'Which port does the application listen on (it is to be reached through a Service)?', example: 'port 8080' });
  }
  if (spec.storage && !spec.storage.size) questions.push({ field: 'storage.size', question: 'How much storage should each instance get?', example: 'storage 10Gi' });
  if (wantsIngress && !spec.exposure?.ingress?.host) questions.push({ field: 'exposure.ingress.host', question: 'Which host name should the Ingress answer on?', example: 'host shop.example.com' });
  const hpaIn = spec.scaling?.hpa;
  if (hpaIn?.min !== undefined && hpaIn.max !== undefined && hpaIn.min > hpaIn.max) questions.push({ field: 'scaling.hpa', question: `The autoscaler minimum (${hpaIn.min}) is above its maximum (${hpaIn.max}): which range is meant?`, example: 'between 2 and 10 replicas' });
  if (questions.length > 0 || !image) return { questions };

  let tag = image.tag;
  if (!tag) {
    tag = 'latest';
    assumptions.push(`image tag "latest" (none was given): pin a version (image.tag in values.yaml) so upgrades are deliberate`);
  }
  const name = normalizeName(spec.name ?? imageBaseName(image.repository));
  if (spec.name && spec.name !== name) assumptions.push(`name "${spec.name}" is not a valid chart/DNS-1123 name: using "${name}"`);
  else if (!spec.name) assumptions.push(`chart name "${name}" (from the image)`);

  const workload = spec.workload ?? 'Deployment';
  if (!spec.workload) assumptions.push(spec.storage ? 'a Deployment with one PersistentVolumeClaim (say "statefulset" for one volume per replica)' : 'a Deployment (stateless)');

  let replicas = spec.scaling?.replicas;
  if (replicas === undefined) {
    replicas = 2;
    assumptions.push('2 replicas (so one can be drained or restarted while the other serves)');
  }
  let hpa: ChartPlan['scaling']['hpa'];
  if (hpaIn) {
    const min = hpaIn.min ?? Math.max(1, replicas);
    const max = hpaIn.max ?? Math.max(min + 1, min * 3);
    const targetCPU = hpaIn.targetCPU ?? 80;
    hpa = { min, max, targetCPU };
    const defaulted = [hpaIn.min === undefined ? `min ${min}` : '', hpaIn.max === undefined ? `max ${max}` : '', hpaIn.targetCPU === undefined ? `target CPU ${targetCPU}%` : ''].filter(Boolean);
    if (defaulted.length) assumptions.push(`autoscaler ${defaulted.join(', ')}`);
  }

  const exposure: ChartPlan['exposure'] = {};
  const serviceIn = spec.exposure?.service;
  if (serviceIn === false && wantsIngress) assumptions.push('an Ingress needs a Service: a ClusterIP Service is generated after all');
  if (ports.length > 0 && (serviceIn !== false || wantsIngress)) {
    exposure.service = { type: serviceIn && serviceIn.type ? serviceIn.type : 'ClusterIP' };
    if (!serviceIn || !serviceIn.type) assumptions.push(`a ${exposure.service.type} Service on port${ports.length > 1 ? 's' : ''} ${ports.map((p) => p.port).join(', ')}`);
  } else if (ports.length === 0) assumptions.push('no port known and none asked for: no Service (a worker); say "port N" to expose it');
  const ingressIn = spec.exposure?.ingress;
  if (ingressIn?.host) {
    exposure.ingress = { host: ingressIn.host, path: ingressIn.path ?? '/', tls: ingressIn.tls ?? false, ...(ingressIn.className ? { className: ingressIn.className } : {}) };
    if (!ingressIn.path) assumptions.push('Ingress path / (prefix)');
    if (ingressIn.tls) assumptions.push(`TLS from the Secret ${name}-tls (create it, or let cert-manager do so through ingress.annotations)`);
    if (!ingressIn.className) assumptions.push('no ingressClassName: the cluster\'s default IngressClass serves it (set ingress.className otherwise)');
  }

  let probes: ChartPlan['probes'];
  if (spec.probes !== false && ports.length > 0) {
    const type = spec.probes ? spec.probes.type : profile.http ? 'http' : 'tcp';
    const port = spec.probes && spec.probes.port ? spec.probes.port : ports[0]!.port;
    probes = { type, port, ...(type === 'http' ? { path: (spec.probes && spec.probes.path) || '/' } : {}) };
    if (!spec.probes) assumptions.push(`readiness and liveness probes: ${type === 'http' ? `HTTP GET / on port ${port}` : `TCP on port ${port}`}`);
  }

  const requests = { ...DEFAULT_RESOURCES.requests, ...spec.resources?.requests };
  const limits = { ...DEFAULT_RESOURCES.limits, ...spec.resources?.limits };
  if (bytes(limits.memory) < bytes(requests.memory)) limits.memory = requests.memory;
  if (millicores(limits.cpu) < millicores(requests.cpu)) limits.cpu = requests.cpu;
  if (!spec.resources) assumptions.push(`resources: requests ${requests.cpu} CPU / ${requests.memory}, limits ${limits.cpu} CPU / ${limits.memory}`);

  let storage: ChartPlan['storage'];
  if (spec.storage?.size) {
    storage = { size: spec.storage.size, mountPath: spec.storage.mountPath ?? '/data', accessMode: spec.storage.accessMode ?? 'ReadWriteOnce', ...(spec.storage.storageClass ? { storageClass: spec.storage.storageClass } : {}) };
    if (!spec.storage.mountPath) assumptions.push('storage mounted at /data');
    if (!spec.storage.storageClass) assumptions.push('the cluster\'s default StorageClass');
    if (workload === 'Deployment' && replicas > 1 && storage.accessMode === 'ReadWriteOnce') assumptions.push('a ReadWriteOnce volume shared by several Deployment replicas only works when they land on one node: consider a StatefulSet');
  }

  const serviceAccount = spec.serviceAccount === false ? undefined : typeof spec.serviceAccount === 'object' ? { ...(spec.serviceAccount.name ? { name: normalizeName(spec.serviceAccount.name) } : {}) } : {};
  if (spec.serviceAccount === undefined) assumptions.push('its own ServiceAccount, without an API token mounted');

  const networkPolicy = spec.networkPolicy ?? true;
  if (spec.networkPolicy === undefined) assumptions.push(ports.length ? `a NetworkPolicy allowing ingress only on port${ports.length > 1 ? 's' : ''} ${ports.map((p) => p.port).join(', ')}` : 'a NetworkPolicy denying all ingress (no port is served)');

  let pdb: ChartPlan['pdb'];
  const scaled = hpa ? hpa.min : replicas;
  if (spec.pdb === true || typeof spec.pdb === 'object') {
    pdb = { minAvailable: typeof spec.pdb === 'object' && spec.pdb.minAvailable !== undefined ? spec.pdb.minAvailable : 1 };
    if (scaled <= pdb.minAvailable) assumptions.push(`the PodDisruptionBudget keeps ${pdb.minAvailable} of ${scaled} replica${scaled === 1 ? '' : 's'}: it blocks node drains until there are more`);
  } else if (spec.pdb === undefined && scaled >= 2) {
    pdb = { minAvailable: 1 };
    assumptions.push('a PodDisruptionBudget keeping 1 replica available');
  }

  assumptions.push('pods run restricted: non-root (UID 10001), no privilege escalation, all capabilities dropped, RuntimeDefault seccomp');
  if (profile.addCapabilities) assumptions.push(`${imageBaseName(image.repository)} starts as root by default: under the restricted security context it needs an unprivileged variant or a non-root configuration (podSecurityContext/securityContext are values)`);

  const plan: ChartPlan = {
    name,
    ...(spec.namespace ? { namespace: spec.namespace } : {}),
    workload,
    image: { repository: image.repository, tag },
    ports,
    config: spec.config ?? {},
    secrets: Array.isArray(spec.secrets) ? spec.secrets : spec.secrets ? Object.keys(spec.secrets) : [],
    ...(storage ? { storage } : {}),
    scaling: { replicas, ...(hpa ? { hpa } : {}) },
    exposure,
    ...(probes ? { probes } : {}),
    resources: { requests, limits },
    ...(serviceAccount ? { serviceAccount } : {}),
    networkPolicy,
    ...(pdb ? { pdb } : {}),
  };
  return { plan, assumptions };
}
