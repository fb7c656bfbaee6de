/**
 * Workload-hygiene checks on one pod spec — the ones Polaris and kube-score run besides the Pod
 * Security Standards: a writable root filesystem, missing liveness and readiness probes, an image
 * pull policy other than Always, no priorityClassName, and the default ServiceAccount's token
 * mounted. One finding per check, naming the containers. Pure: odd or missing fields never throw.
 */
import { type Container, containersOf } from './pss.js';
import { type Finding, type ObjectRef, type Obj, rec, type Severity, str } from './types.js';

/** Kinds whose pods run to completion: liveness and readiness do not apply (Polaris excludes them too). */
const RUN_TO_COMPLETION = new Set(['Job', 'CronJob']);

export interface HygieneOptions {
  /**
   * ServiceAccounts (`namespace/name`, namespace empty for manifests without one) known to set
   * automountServiceAccountToken: false: pods using them inherit it when the pod spec is silent.
   */
  tokenlessServiceAccounts?: ReadonlySet<string> | undefined;
}

/** A tag that can point at another image tomorrow: latest or none (digests and version tags are taken as pinned). */
function mutableTag(image: string): boolean {
  if (image.includes('@')) return false;
  const last = image.split('/').at(-1) ?? image;
  const colon = last.lastIndexOf(':');
  return colon < 0 || last.slice(colon + 1) === 'latest';
}

/** The pull policy the API server fills in when the field is unset: Always for :latest or no tag (and no digest), else IfNotPresent. */
export function effectivePullPolicy(image: string, policy: string | undefined): string {
  return policy !== undefined && policy !== '' ? policy : mutableTag(image) ? 'Always' : 'IfNotPresent';
}

const list = (names: string[]) => names.join(', ');

function containerSnippet(names: string[], body: string[]): string {
  return [`# in container ${list(names)}:`, ...body].join('\n');
}

/**
 * The hygiene findings for a pod spec. `ref` is the object they are reported against (its kind
 * decides whether probes apply: a Pod owned by a Job is reported against the Job).
 */
export function checkHygiene(spec: Obj, ref: ObjectRef, options: HygieneOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const add = (severity: Severity, check: string, evidence: string, fix: string, remediation: string) => findings.push({ severity, check, object: ref, evidence, fix, remediation });
  const all = containersOf(spec).filter((k) => k.field !== 'ephemeralContainers');
  const main = all.filter((k) => k.field === 'containers');
  const sc = (k: Container) => rec(k.c.securityContext);

  // Polaris and kube-score: every (init) container needs readOnlyRootFilesystem: true.
  const writable = all.filter((k) => sc(k).readOnlyRootFilesystem !== true);
  if (writable.length) {
    const explicit = writable.filter((k) => sc(k).readOnlyRootFilesystem === false).map((k) => k.name);
    const unset = writable.filter((k) => sc(k).readOnlyRootFilesystem !== false).map((k) => k.name);
    const parts = [explicit.length ? `readOnlyRootFilesystem: false on ${list(explicit)}` : '', unset.length ? `readOnlyRootFilesystem not set (the root filesystem is writable) on ${list(unset)}` : ''].filter(Boolean);
    add(
      'medium',
      'read-only-root-fs',
      parts.join('; '),
      'Set securityContext.readOnlyRootFilesystem: true so an intruder cannot drop tools or change binaries; mount an emptyDir where the app must write (/tmp, caches).',
      containerSnippet(writable.map((k) => k.name), ['securityContext:', '  readOnlyRootFilesystem: true', 'volumeMounts:', '  - name: tmp', '    mountPath: /tmp', '# and in the pod spec:', '# volumes: [{ name: tmp, emptyDir: {} }]']),
    );
  }

  if (!RUN_TO_COMPLETION.has(ref.kind)) {
    const noLiveness = main.filter((k) => !k.c.livenessProbe || typeof k.c.livenessProbe !== 'object').map((k) => k.name);
    if (noLiveness.length) {
      add(
        'low',
        'probe-liveness-missing',
        `no livenessProbe on container ${list(noLiveness)}: a hung process is never restarted`,
        'Add a livenessProbe that fails only when the process is stuck (a cheap health endpoint), with a generous period and threshold.',
        containerSnippet(noLiveness, ['livenessProbe:', '  httpGet:', '    path: /healthz', '    port: 8080', '  periodSeconds: 20', '  failureThreshold: 3']),
      );
    }
    const noReadiness = main.filter((k) => !k.c.readinessProbe || typeof k.c.readinessProbe !== 'object').map((k) => k.name);
    if (noReadiness.length) {
      add(
        'low',
        'probe-readiness-missing',
        `no readinessProbe on container ${list(noReadiness)}: Services send traffic before it is ready and during a rollout`,
        'Add a readinessProbe that passes only when the container can serve requests.',
        containerSnippet(noReadiness, ['readinessProbe:', '  httpGet:', '    path: /ready', '    port: 8080', '  periodSeconds: 5']),
      );
    }
  }

  // Polaris's semantics (imagePullPolicy must be Always); the severity says what the effective policy risks.
  const pulls = all.flatMap((k) => {
    const image = str(k.c.image);
    const policy = str(k.c.imagePullPolicy);
    if (!image || policy === 'Always') return [];
    const effective = effectivePullPolicy(image, policy);
    return [{ name: k.name, image, policy, effective, mutable: mutableTag(image) }];
  });
  if (pulls.length) {
    const stale = pulls.filter((p) => p.mutable && p.effective !== 'Always');
    const severity: Severity = stale.length ? 'medium' : pulls.some((p) => p.effective !== 'Always') ? 'low' : 'info';
    const evidence = pulls.map((p) => `${p.name}: ${p.image} imagePullPolicy ${p.policy ?? `unset (defaults to ${p.effective})`}`).join(', ');
    const why = stale.length
      ? `mutable tag with ${list([...new Set(stale.map((p) => p.effective))])}: each node runs whatever copy it cached`
      : pulls.some((p) => p.effective !== 'Always')
        ? 'a cached image is used without re-checking the pull secret: any pod on that node can run it'
        : 'the default is Always here; set it explicitly so a tag change does not silently switch it';
    add(
      severity,
      'image-pull-policy',
      `imagePullPolicy is not Always: ${evidence} (${why})`,
      'Set imagePullPolicy: Always so every start re-checks imagePullSecrets and gets the image the reference names (pin the image by digest for a fixed image).',
      containerSnippet(pulls.map((p) => p.name), ['imagePullPolicy: Always']),
    );
  }

  if (!str(spec.priorityClassName)) {
    add(
      'info',
      'priority-class-missing',
      'no priorityClassName: the pod gets the default priority and is evicted or preempted like any other',
      'Set priorityClassName to a PriorityClass that says how important the workload is (Polaris: priorityClassNotSet).',
      ['# in the pod spec (spec.template.spec for workloads):', 'priorityClassName: <class>  # e.g. a cluster-wide "business-critical"'].join('\n'),
    );
  }

  const account = str(spec.serviceAccountName) ?? str(spec.serviceAccount) ?? 'default';
  const inherited = options.tokenlessServiceAccounts?.has(`${ref.namespace ?? ''}/${account}`) ?? false;
  if (account === 'default' && spec.automountServiceAccountToken !== false && !inherited) {
    add(
      'low',
      'service-account-token-automount',
      `runs as the default ServiceAccount with its API token mounted (automountServiceAccountToken ${spec.automountServiceAccountToken === true ? 'true' : 'not set'})`,
      'Set automountServiceAccountToken: false on the pod (or the namespace\'s default ServiceAccount); give a workload that calls the API its own ServiceAccount.',
      ['# in the pod spec (spec.template.spec for workloads):', 'automountServiceAccountToken: false', '# or, namespace-wide:', '# apiVersion: v1', '# kind: ServiceAccount', '# metadata: { name: default }', '# automountServiceAccountToken: false'].join('\n'),
    );
  }
  return findings;
}
