/**
 * Manifests from a plan, with the defaults an operator expects (pure): recommended labels,
 * resource requests and limits, a readiness probe when a port is known, a restrictive security
 * context (no privilege escalation, capabilities dropped, non-root where the image allows it),
 * and Secrets with `***` placeholders instead of values.
 */
import type { ManifestPlan } from './request.js';
import { imageBaseName, imageRepository, normalizeName } from './names.js';

export type Manifest = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }; [k: string]: unknown };

export const SECRET_PLACEHOLDER = '***';
const MANAGED_BY = 'k8s-experts';

interface ImageProfile {
  port?: number;
  /** http: an HTTP readiness probe on / makes sense. */
  http?: boolean;
  /** The image runs as a non-root user by itself. */
  nonRoot?: boolean;
  /** The image works as an arbitrary non-root user (set runAsUser). */
  anyUser?: boolean;
  /** Capabilities the image needs back after dropping ALL (root images that switch users at start). */
  addCapabilities?: string[];
  note?: string;
}

const ROOT_WEB_CAPS = ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'];

/** What is known about common images: their port, whether they run as non-root. */
const PROFILES: Record<string, ImageProfile> = {
  nginx: { port: 80, http: true, addCapabilities: ROOT_WEB_CAPS, note: 'nginx starts as root to bind port 80 and switch to its worker user, so runAsNonRoot is not set and CHOWN, NET_BIND_SERVICE, SETGID and SETUID are added back after dropping ALL; nginxinc/nginx-unprivileged (port 8080) runs fully non-root.' },
  httpd: { port: 80, http: true, addCapabilities: ROOT_WEB_CAPS, note: 'httpd starts as root to bind port 80, so runAsNonRoot is not set and the capabilities it needs are added back after dropping ALL.' },
  'nginxinc/nginx-unprivileged': { port: 8080, http: true, nonRoot: true },
  'bitnami/nginx': { port: 8080, http: true, nonRoot: true },
  redis: { port: 6379, addCapabilities: ['SETGID', 'SETUID'] },
  'bitnami/redis': { port: 6379, nonRoot: true },
  postgres: { port: 5432, addCapabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] },
  mysql: { port: 3306, addCapabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] },
  mongo: { port: 27017, addCapabilities: ['CHOWN', 'SETGID', 'SETUID'] },
  memcached: { port: 11211, nonRoot: true },
  busybox: { anyUser: true },
  alpine: { anyUser: true },
  'curlimages/curl': { nonRoot: true },
  'hashicorp/http-echo': { port: 5678, http: true, anyUser: true },
  'registry.k8s.io/pause': { anyUser: true },
};

export function imageProfile(image: string): ImageProfile {
  const repo = imageRepository(image);
  return PROFILES[repo] ?? PROFILES[imageBaseName(image)] ?? {};
}

/** The name objects get: the one asked for (as written: the server judges it), else from the image or kind. */
export function defaultName(plan: ManifestPlan): string {
  if (plan.name) return plan.name;
  if (plan.image) return normalizeName(imageBaseName(plan.image));
  if (plan.kinds.includes('ConfigMap')) return 'app-config';
  if (plan.kinds.includes('Secret')) return 'app-secret';
  return 'app';
}

function labelsFor(name: string): Record<string, string> {
  // Label values allow upper case and _ but not everything a name might hold; keep them valid.
  const value = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(name) && name.length <= 63 ? name : normalizeName(name);
  return { 'app.kubernetes.io/name': value, 'app.kubernetes.io/managed-by': MANAGED_BY };
}

function metadata(name: string, plan: ManifestPlan, suffix = ''): Manifest['metadata'] {
  return { name: `${name}${suffix}`, ...(plan.namespace ? { namespace: plan.namespace } : {}), labels: labelsFor(name) };
}

export function portsOf(plan: ManifestPlan): number[] {
  if (plan.ports.length > 0) return plan.ports;
  const known = plan.image ? imageProfile(plan.image).port : undefined;
  return known ? [known] : [];
}

/** "http" for web ports (and ports nothing is known about), else "tcp"/"port-N". */
function portName(profile: ImageProfile, port: number, index: number): string {
  if (index > 0) return `port-${port}`;
  return profile.http || profile.port === undefined || profile.port !== port ? 'http' : 'tcp';
}

function container(plan: ManifestPlan, name: string, withProbe: boolean): Record<string, unknown> {
  const image = plan.image ?? 'busybox';
  const profile = imageProfile(image);
  const ports = withProbe ? portsOf(plan) : [];
  const securityContext: Record<string, unknown> = {
    allowPrivilegeEscalation: false,
    capabilities: { drop: ['ALL'], ...(profile.addCapabilities ? { add: profile.addCapabilities } : {}) },
  };
  if (profile.nonRoot || profile.anyUser) securityContext.runAsNonRoot = true;
  if (profile.anyUser) securityContext.runAsUser = 65534;
  const c: Record<string, unknown> = {
    name: normalizeName(name),
    image,
    ...(plan.command ? { command: ['sh', '-c', plan.command] } : {}),
    ...(ports.length ? { ports: ports.map((p, i) => ({ name: portName(profile, p, i), containerPort: p, protocol: 'TCP' })) } : {}),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
    securityContext,
  };
  if (withProbe && ports.length) {
    const port = ports[0]!;
    c.readinessProbe = profile.http ? { httpGet: { path: '/', port }, initialDelaySeconds: 5, periodSeconds: 10 } : { tcpSocket: { port }, initialDelaySeconds: 5, periodSeconds: 10 };
  }
  return c;
}

function podSpec(plan: ManifestPlan, name: string, withProbe: boolean, restartPolicy?: string): Record<string, unknown> {
  return {
    ...(restartPolicy ? { restartPolicy } : {}),
    securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container(plan, name, withProbe)],
  };
}

export interface Generated {
  manifests: Manifest[];
  /** What the defaults mean, for the person reading. */
  notes: string[];
}

/** The manifests for a plan, in apply order. */
export function generateManifests(plan: ManifestPlan): Generated {
  const name = defaultName(plan);
  const notes: string[] = [...plan.notes];
  const manifests: Manifest[] = [];
  const selector = { 'app.kubernetes.io/name': labelsFor(name)['app.kubernetes.io/name']! };
  const profile = plan.image ? imageProfile(plan.image) : {};
  if (profile.note && plan.kinds.some((k) => k === 'Deployment' || k === 'Job' || k === 'CronJob')) notes.push(profile.note);

  for (const kind of plan.kinds) {
    switch (kind) {
      case 'Deployment':
        manifests.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: metadata(name, plan),
          spec: {
            replicas: plan.replicas ?? 1,
            selector: { matchLabels: selector },
            template: { metadata: { labels: labelsFor(name) }, spec: podSpec(plan, name, true) },
          },
        });
        break;
      case 'Service': {
        let ports = portsOf(plan);
        if (ports.length === 0) {
          ports = [80];
          notes.push('No port was given and the image is not one I know: the Service uses port 80; say "port N" to change it.');
        }
        manifests.push({
          apiVersion: 'v1',
          kind: 'Service',
          metadata: metadata(name, plan),
          spec: {
            type: plan.serviceType ?? 'ClusterIP',
            selector,
            ports: ports.map((p, i) => ({ name: portName(profile, p, i), port: p, targetPort: p, protocol: 'TCP' })),
          },
        });
        break;
      }
      case 'ConfigMap':
        manifests.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: metadata(plan.kinds.length > 1 ? `${name}-config` : name, plan), data: { ...plan.data } });
        if (Object.keys(plan.data).length === 0) notes.push('No KEY=value pairs were given: the ConfigMap is empty; add them as "with KEY=value".');
        break;
      case 'Secret':
        manifests.push({
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: metadata(plan.kinds.length > 1 ? `${name}-secret` : name, plan),
          type: 'Opaque',
          stringData: Object.fromEntries(plan.secretKeys.map((k) => [k, SECRET_PLACEHOLDER])),
        });
        notes.push(
          `Secret values are never echoed: the manifest and the command show ${SECRET_PLACEHOLDER} where a value goes. Supply it yourself — e.g. \`kubectl create secret generic … --from-file=<key>=./value.txt\`, or replace ${SECRET_PLACEHOLDER} in the --from-literal argument with a value read without echo (\`read -s VALUE\`, then "$VALUE") so it stays out of shell history.`,
        );
        break;
      case 'Job':
        manifests.push({
          apiVersion: 'batch/v1',
          kind: 'Job',
          metadata: metadata(name, plan),
          spec: { backoffLimit: 2, ttlSecondsAfterFinished: 3600, template: { metadata: { labels: labelsFor(name) }, spec: podSpec(plan, name, false, 'Never') } },
        });
        break;
      case 'CronJob':
        manifests.push({
          apiVersion: 'batch/v1',
          kind: 'CronJob',
          metadata: metadata(name, plan),
          spec: {
            schedule: plan.schedule ?? '0 * * * *',
            concurrencyPolicy: 'Forbid',
            successfulJobsHistoryLimit: 3,
            failedJobsHistoryLimit: 1,
            jobTemplate: { spec: { backoffLimit: 2, template: { metadata: { labels: labelsFor(name) }, spec: podSpec(plan, name, false, 'OnFailure') } } },
          },
        });
        if (!plan.schedule) notes.push('No schedule was given: the CronJob runs hourly ("0 * * * *"); say e.g. "every 15 minutes" or "daily at 3am".');
        break;
    }
  }
  return { manifests, notes };
}

/** A namespace object for a namespace the manifests need and the cluster lacks. */
export function namespaceManifest(namespace: string): Manifest {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'app.kubernetes.io/managed-by': MANAGED_BY } } };
}
