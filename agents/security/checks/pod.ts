/**
 * Checks on pod specs — of a Pod or of any workload's pod template: the Pod Security Standards
 * (pss.ts), workload hygiene (hygiene.ts), resource requests and limits, image references and credentials in plain env values
 * and annotations. Pure functions over untyped objects: odd or missing fields never throw.
 */
import { checkHygiene, type HygieneOptions } from './hygiene.js';
import { checkPss, containersOf } from './pss.js';
import { checkAnnotationTokens } from './secrets.js';
import { arr, type Finding, type ObjectRef, type Obj, rec, refOf, type Severity, str } from './types.js';

export { containersOf } from './pss.js';

/** Env var names that carry credentials. */
export const CREDENTIAL_NAME = /(PASSW(OR)?D|PASSWD|PWD$|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'];

/** The pod template of a workload, CronJob or PodTemplate; the object itself for a Pod (both have metadata and spec). */
export function podTemplateOf(obj: unknown): Obj | undefined {
  const o = rec(obj);
  const kind = str(o.kind) ?? '';
  const spec = rec(o.spec);
  if (kind === 'Pod') return o;
  if (WORKLOADS.includes(kind)) return rec(spec.template);
  if (kind === 'CronJob') return rec(rec(rec(spec.jobTemplate).spec).template);
  if (kind === 'PodTemplate') return rec(o.template);
  return undefined;
}

/** The pod spec of a Pod, a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, ReplicationController) or a CronJob; undefined for other kinds. */
export function podSpecOf(obj: unknown): Obj | undefined {
  const t = podTemplateOf(obj);
  return t ? rec(t.spec) : undefined;
}

/** Whether an image reference is pinned to a tag other than latest, or to a digest. */
export function imageTagProblem(image: string): 'latest' | 'no-tag' | undefined {
  if (image.includes('@')) return undefined;
  const last = image.split('/').at(-1) ?? image;
  const colon = last.lastIndexOf(':');
  if (colon < 0) return 'no-tag';
  return last.slice(colon + 1) === 'latest' ? 'latest' : undefined;
}

/** The registry an image reference pulls from: its first part when that names a host, else docker.io. */
export function imageRegistry(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost' ? first.toLowerCase() : 'docker.io';
}

export interface PodCheckOptions extends HygieneOptions {
  /** Registries images may come from (`ghcr.io`, `registry.example.com:5000`); empty or unset turns the check off. */
  allowedRegistries?: readonly string[] | undefined;
}

const list = (names: string[]) => names.join(', ');
const missing = (x: unknown) => x === undefined || x === null || x === '';

/**
 * All pod-level findings for one object, one per check (the containers it concerns named in the
 * evidence). `ref` is the object findings are reported against (defaults to the object itself).
 */
export function checkPodSpec(obj: unknown, ref: ObjectRef = refOf(obj), options: PodCheckOptions = {}): Finding[] {
  const template = podTemplateOf(obj);
  if (!template) return [];
  const spec = rec(template.spec);
  const annotations = rec(rec(template.metadata).annotations);
  const findings: Finding[] = [...checkPss(spec, ref, annotations), ...checkHygiene(spec, ref, options)];
  const add = (severity: Severity, check: string, evidence: string, fix: string, remediation?: string) =>
    findings.push({ severity, check, object: ref, evidence, fix, ...(remediation ? { remediation } : {}) });
  const containers = containersOf(spec).filter((k) => k.field !== 'ephemeralContainers');

  const noLimits = containers.flatMap(({ name, c }) => {
    const limits = rec(rec(c.resources).limits);
    const absent = ['cpu', 'memory'].filter((k) => missing(limits[k]));
    return absent.length ? [`${name} (no ${absent.join(' or ')} limit)`] : [];
  });
  if (noLimits.length) {
    const noMemory = noLimits.some((x) => x.includes('memory'));
    add(noMemory ? 'medium' : 'low', 'resource-limits', `missing limits: ${list(noLimits)}`, 'Set resources.limits.memory (and cpu) so one container cannot starve the node.', '# in each container:\nresources:\n  limits:\n    memory: 256Mi\n    cpu: 500m');
  }

  // A missing request defaults to the limit, so only a resource with neither is unscheduled-for.
  const noRequests = containers.flatMap(({ name, c }) => {
    const r = rec(c.resources);
    const absent = ['cpu', 'memory'].filter((k) => missing(rec(r.requests)[k]) && missing(rec(r.limits)[k]));
    return absent.length ? [`${name} (no ${absent.join(' or ')} request)`] : [];
  });
  if (noRequests.length) {
    add('low', 'resource-requests', `missing requests: ${list(noRequests)}`, 'Set resources.requests so the scheduler reserves what the container needs (and it is not first to be evicted).', '# in each container:\nresources:\n  requests:\n    memory: 128Mi\n    cpu: 100m');
  }

  const images = containersOf(spec).map(({ name, c }) => ({ name, image: str(c.image) }));
  const mutable = images.flatMap(({ name, image }) => {
    if (!image) return [`${name} (no image)`];
    const problem = imageTagProblem(image);
    return problem ? [`${name}: ${image}${problem === 'no-tag' ? ' (no tag, means latest)' : ''}`] : [];
  });
  if (mutable.length) add('medium', 'image-tag', `mutable image reference: ${list(mutable)}`, 'Pin images to a version tag or, better, a digest (image@sha256:…).');

  const noDigest = images.filter(({ image }) => image && !image.includes('@') && !imageTagProblem(image)).map(({ name, image }) => `${name}: ${image ?? ''}`);
  if (noDigest.length) add('info', 'image-digest', `image pinned by tag, not digest: ${list(noDigest)}`, 'Pin by digest (image: repo:tag@sha256:…) so a re-pushed tag cannot change what runs.');

  const allowed = (options.allowedRegistries ?? []).map((r) => r.toLowerCase().replace(/\/+$/, ''));
  if (allowed.length) {
    const outside = images.filter(({ image }) => image && !allowed.includes(imageRegistry(image))).map(({ name, image }) => `${name}: ${image ?? ''} (registry ${imageRegistry(image ?? '')})`);
    if (outside.length) add('high', 'image-registry', `image from a registry outside the allow-list (${list(allowed)}): ${list(outside)}`, `Pull images only from ${list(allowed)}: mirror the image there.`);
  }

  const literalSecrets = containers.flatMap(({ name, c }) =>
    arr(c.env)
      .map(rec)
      .filter((e) => CREDENTIAL_NAME.test(str(e.name) ?? '') && typeof e.value === 'string' && e.value !== '')
      .map((e) => `${str(e.name)} (container ${name})`),
  );
  if (literalSecrets.length) {
    add(
      'high',
      'secret-env-literal',
      `credential-named env var with a literal value: ${list(literalSecrets)} (value not shown)`,
      'Move the value into a Secret and reference it with env[].valueFrom.secretKeyRef; rotate the exposed credential.',
      '# in the container:\nenv:\n  - name: <NAME>\n    valueFrom:\n      secretKeyRef:\n        name: <secret>\n        key: <key>',
    );
  }
  // Pod-template annotations (the object's own are checked by the caller with every other kind).
  if (str(rec(obj).kind) !== 'Pod') findings.push(...checkAnnotationTokens(annotations, ref, 'pod template annotation'));
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
