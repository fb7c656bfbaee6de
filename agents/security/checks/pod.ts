/**
 * Checks on pod specs — of a Pod or of any workload's pod template: Pod Security Standards
 * (baseline and restricted), resource limits, image tags and credentials in plain env values.
 * Pure functions over untyped objects: odd or missing fields never throw.
 */
import { arr, type Finding, type ObjectRef, type Obj, rec, refOf, type Severity, str } from './types.js';

/** Capabilities the baseline profile allows a container to add. */
const BASELINE_CAPS = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Env var names that carry credentials. */
export const CREDENTIAL_NAME = /(PASSW(OR)?D|PASSWD|PWD$|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

/** The pod spec of a Pod, a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController) or a CronJob; undefined for other kinds. */
export function podSpecOf(obj: unknown): Obj | undefined {
  const o = rec(obj);
  const kind = str(o.kind) ?? '';
  const spec = rec(o.spec);
  if (kind === 'Pod') return spec;
  if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'].includes(kind)) return rec(rec(spec.template).spec);
  if (kind === 'CronJob') return rec(rec(rec(rec(spec.jobTemplate).spec).template).spec);
  if (kind === 'PodTemplate') return rec(rec(o.template).spec);
  return undefined;
}

interface Container {
  name: string;
  c: Obj;
}

export function containersOf(spec: Obj): Container[] {
  return [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)].map((raw, i) => {
    const c = rec(raw);
    return { name: str(c.name) ?? `#${i}`, c };
  });
}

/** Whether an image reference is pinned to a tag other than latest, or to a digest. */
export function imageTagProblem(image: string): 'latest' | 'no-tag' | undefined {
  if (image.includes('@')) return undefined;
  const last = image.split('/').at(-1) ?? image;
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'no-tag';
  return last.slice(colon + 1) === 'latest' ? 'latest' : undefined;
}

const list = (names: string[]) => names.join(', ');

/**
 * All pod-level findings for one object, one per check (the containers it concerns named in the
 * evidence). `ref` is the object findings are reported against (defaults to the object itself).
 */
export function checkPodSpec(obj: unknown, ref: ObjectRef = refOf(obj)): Finding[] {
  const spec = podSpecOf(obj);
  if (!spec) return [];
  const findings: Finding[] = [];
  const add = (severity: Severity, check: string, evidence: string, fix: string, pss?: 'baseline' | 'restricted') =>
    findings.push({ severity, check, ...(pss ? { pss } : {}), object: ref, evidence, fix });
  const containers = containersOf(spec);
  const podSc = rec(spec.securityContext);
  const which = (pred: (c: Obj, sc: Obj) => boolean) => containers.filter(({ c }) => pred(c, rec(c.securityContext))).map((x) => x.name);

  const privileged = which((_c, sc) => sc.privileged === true);
  if (privileged.length) add('critical', 'pss-privileged', `privileged: true on container ${list(privileged)}`, 'Remove privileged: true; grant only the specific capabilities the container needs.', 'baseline');

  const hostNs = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
  if (hostNs.length) add('high', 'pss-host-namespaces', `${hostNs.map((k) => `${k}: true`).join(', ')}`, 'Remove hostNetwork/hostPID/hostIPC; expose the workload through a Service instead.', 'baseline');

  const hostPaths = arr(spec.volumes)
    .map(rec)
    .filter((v) => v.hostPath !== undefined && v.hostPath !== null)
    .map((v) => `${str(v.name) ?? '?'} (${str(rec(v.hostPath).path) ?? '?'})`);
  if (hostPaths.length) add('high', 'pss-host-path', `hostPath volume ${list(hostPaths)}`, 'Replace hostPath volumes with a PersistentVolumeClaim, ConfigMap, Secret or emptyDir.', 'baseline');

  const caps = containers.flatMap(({ name, c }) => arr(rec(rec(c.securityContext).capabilities).add).map((cap) => ({ name, cap: String(cap).toUpperCase().replace(/^CAP_/, '') })));
  if (caps.length) {
    const beyond = caps.some((x) => !BASELINE_CAPS.has(x.cap));
    add(
      beyond ? 'high' : 'medium',
      'pss-capabilities',
      `capabilities added: ${caps.map((x) => `${x.cap} (${x.name})`).join(', ')}`,
      'Drop ALL capabilities and add back only NET_BIND_SERVICE if the container must bind a low port.',
      beyond ? 'baseline' : 'restricted',
    );
  }

  const rootUser = [...(podSc.runAsUser === 0 ? ['(pod securityContext)'] : []), ...which((_c, sc) => sc.runAsUser === 0)];
  if (rootUser.length) add('high', 'pss-run-as-root', `runAsUser: 0 on ${list(rootUser)}`, 'Run as a non-zero UID (runAsUser: 10001) with runAsNonRoot: true.', 'restricted');

  const nonRootMissing = which((_c, sc) => sc.runAsNonRoot !== true && !(podSc.runAsNonRoot === true && sc.runAsNonRoot !== false));
  if (nonRootMissing.length) {
    add('medium', 'pss-run-as-non-root', `runAsNonRoot is not true for container ${list(nonRootMissing)} (the image's user decides, often root)`, 'Set securityContext.runAsNonRoot: true (and a non-zero runAsUser) on the pod or each container.', 'restricted');
  }

  const escalationTrue = which((_c, sc) => sc.allowPrivilegeEscalation === true);
  const escalationUnset = which((_c, sc) => sc.allowPrivilegeEscalation === undefined || sc.allowPrivilegeEscalation === null);
  if (escalationTrue.length || escalationUnset.length) {
    const parts = [escalationTrue.length ? `allowPrivilegeEscalation: true on ${list(escalationTrue)}` : '', escalationUnset.length ? `allowPrivilegeEscalation not set (defaults to true) on ${list(escalationUnset)}` : ''].filter(Boolean);
    add(escalationTrue.length ? 'high' : 'medium', 'pss-privilege-escalation', parts.join('; '), 'Set securityContext.allowPrivilegeEscalation: false on every container.', 'restricted');
  }

  const seccompType = (sc: Obj) => str(rec(sc.seccompProfile).type);
  const podSeccomp = seccompType(podSc);
  const unconfined = [...(podSeccomp === 'Unconfined' ? ['(pod securityContext)'] : []), ...which((_c, sc) => seccompType(sc) === 'Unconfined')];
  const noSeccomp = which((_c, sc) => {
    const t = seccompType(sc) ?? podSeccomp;
    return t !== 'RuntimeDefault' && t !== 'Localhost' && t !== 'Unconfined';
  });
  if (unconfined.length) add('high', 'pss-seccomp', `seccompProfile Unconfined on ${list(unconfined)}`, 'Use seccompProfile type RuntimeDefault.', 'baseline');
  else if (noSeccomp.length) add('low', 'pss-seccomp', `no seccompProfile for container ${list(noSeccomp)}`, 'Set securityContext.seccompProfile.type: RuntimeDefault on the pod.', 'restricted');

  const noLimits = containers.flatMap(({ name, c }) => {
    const limits = rec(rec(c.resources).limits);
    const missing = ['cpu', 'memory'].filter((k) => limits[k] === undefined || limits[k] === null || limits[k] === '');
    return missing.length ? [`${name} (no ${missing.join(' or ')} limit)`] : [];
  });
  if (noLimits.length) {
    const noMemory = noLimits.some((x) => x.includes('memory'));
    add(noMemory ? 'medium' : 'low', 'resource-limits', `missing limits: ${list(noLimits)}`, 'Set resources.limits.memory (and cpu) so one container cannot starve the node.');
  }

  const images = containers.flatMap(({ name, c }) => {
    const image = str(c.image);
    if (!image) return [`${name} (no image)`];
    const problem = imageTagProblem(image);
    return problem ? [`${name}: ${image}${problem === 'no-tag' ? ' (no tag, means latest)' : ''}`] : [];
  });
  if (images.length) add('medium', 'image-tag', `mutable image reference: ${list(images)}`, 'Pin images to a version tag or, better, a digest (image@sha256:…).');

  const literalSecrets = containers.flatMap(({ name, c }) =>
    arr(c.env)
      .map(rec)
      .filter((e) => CREDENTIAL_NAME.test(str(e.name) ?? '') && typeof e.value === 'string' && e.value !== '')
      .map((e) => `${str(e.name)} (container ${name})`),
  );
  if (literalSecrets.length) {
    add('high', 'secret-env-literal', `credential-named env var with a literal value: ${list(literalSecrets)} (value not shown)`, 'Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef; rotate the exposed credential.');
  }
  return findings;
}

/**
 * The object a pod's findings belong to: its Deployment (from a ReplicaSet owner and the
 * pod-template-hash label), StatefulSet, DaemonSet or Job; the Pod itself when it has no owner.
 */
export function ownerRef(pod: unknown): ObjectRef {
  const p = rec(pod);
  const meta = rec(p.metadata);
  const namespace = str(meta.namespace);
  const owner = rec(arr(meta.ownerReferences).map(rec).find((o) => o.controller === true) ?? arr(meta.ownerReferences)[0]);
  const ownerKind = str(owner.kind);
  const ownerName = str(owner.name);
  const ns = namespace ? { namespace } : {};
  if (ownerKind && ownerName) {
    if (ownerKind === 'ReplicaSet') {
      const hash = str(rec(meta.labels)['pod-template-hash']);
      if (hash && ownerName.endsWith(`-${hash}`)) return { kind: 'Deployment', name: ownerName.slice(0, -hash.length - 1), ...ns };
    }
    return { kind: ownerKind, name: ownerName, ...ns };
  }
  return { ...refOf({ ...p, kind: str(p.kind) ?? 'Pod' }) };
}
