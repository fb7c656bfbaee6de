/**
 * What a backup keeps of an object, pure: which objects the cluster regenerates (left out) and
 * which fields it generates (stripped), so a restore creates the objects anew instead of
 * fighting the cluster over uids, IPs and bindings.
 */
import type { KubeObject } from './objects.js';
import { groupOf } from './objects.js';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Annotations the cluster or its tools write; the last-applied one may even hold Secret values. */
const GENERATED_ANNOTATIONS = [LAST_APPLIED, 'deployment.kubernetes.io/revision', 'deployment.kubernetes.io/desired-replicas', 'deployment.kubernetes.io/max-replicas', 'kubernetes.io/change-cause', 'volume.kubernetes.io/selected-node', 'volume.kubernetes.io/storage-provisioner', 'volume.beta.kubernetes.io/storage-provisioner'];
const GENERATED_ANNOTATION_PREFIXES = ['pv.kubernetes.io/', 'control-plane.alpha.kubernetes.io/'];
const GENERATED_METADATA = ['uid', 'resourceVersion', 'generation', 'creationTimestamp', 'managedFields', 'selfLink', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'ownerReferences'];
/** Labels the Job controller puts on a Job and its template; restoring them would pin the old Job's uid. */
const JOB_GENERATED_LABELS = ['controller-uid', 'batch.kubernetes.io/controller-uid', 'job-name', 'batch.kubernetes.io/job-name'];

/** Kinds (by group/Kind) the cluster writes on its own: never backed up. */
const REGENERATED_KINDS = new Set(['/Event', 'events.k8s.io/Event', 'coordination.k8s.io/Lease', 'apps/ControllerRevision', 'discovery.k8s.io/EndpointSlice', 'metrics.k8s.io/PodMetrics', '/Binding']);

export interface StripOptions {
  /** Also drop Service nodePorts (they clash when the same port is taken on the target cluster). */
  stripNodePorts?: boolean;
}

const asRecord = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

/** Why an object is left out of a backup (the cluster recreates it), or undefined to keep it. */
export function regeneratedReason(object: KubeObject, context: { listedUids: ReadonlySet<string>; servicesWithSelector: ReadonlySet<string> }): string | undefined {
  const { kind, apiVersion, metadata } = object;
  if (REGENERATED_KINDS.has(`${groupOf(apiVersion)}/${kind}`)) return `${kind}s are written by the cluster`;
  // Only controllers set ownerReferences to objects in the same backup: the owner recreates it.
  const owner = metadata.ownerReferences?.find((o) => context.listedUids.has(o.uid));
  if (owner) return `owned by ${owner.kind} ${owner.name}, which recreates it`;
  if (kind === 'ConfigMap' && metadata.name === 'kube-root-ca.crt') return 'published in every namespace by the cluster';
  if (kind === 'ServiceAccount' && metadata.name === 'default') return 'created in every namespace by the cluster';
  if (kind === 'Secret' && (object as { type?: unknown }).type === 'kubernetes.io/service-account-token') return 'a service-account token: the cluster issues a new one';
  if (kind === 'Endpoints' && context.servicesWithSelector.has(`${metadata.namespace ?? ''}/${metadata.name}`)) return 'endpoints of a Service with a selector: the cluster keeps them';
  return undefined;
}

/** A copy of an object without what the cluster generates (see the module comment). */
export function stripObject(object: KubeObject, options: StripOptions = {}): KubeObject {
  const copy = structuredClone(object) as KubeObject & Record<string, unknown>;
  delete copy.status;
  const metadata = copy.metadata as Record<string, unknown>;
  for (const field of GENERATED_METADATA) delete metadata[field];
  const annotations = cleanAnnotations(copy.metadata.annotations);
  if (annotations) copy.metadata.annotations = annotations;
  else delete copy.metadata.annotations;
  const spec = asRecord(copy.spec);
  switch (copy.kind) {
    case 'Namespace':
      delete copy.spec; // only finalizers, which the cluster sets
      break;
    case 'Service':
      if (spec) {
        // A headless Service's clusterIP "None" is the user's choice, not an allocation.
        if (spec.clusterIP !== 'None') {
          delete spec.clusterIP;
          delete spec.clusterIPs;
        }
        delete spec.healthCheckNodePort;
        if (options.stripNodePorts && Array.isArray(spec.ports)) for (const p of spec.ports) delete asRecord(p)?.nodePort;
      }
      break;
    case 'PersistentVolumeClaim':
      if (spec) delete spec.volumeName;
      break;
    case 'Pod':
      if (spec) delete spec.nodeName;
      break;
    case 'Job':
      if (spec) {
        // The controller writes the selector and its labels with the old Job's uid.
        if (spec.manualSelector !== true) delete spec.selector;
        const template = asRecord(asRecord(spec.template)?.metadata);
        if (template) template.labels = withoutKeys(asRecord(template.labels), JOB_GENERATED_LABELS);
      }
      copy.metadata.labels = withoutKeys(copy.metadata.labels, JOB_GENERATED_LABELS);
      break;
  }
  if (copy.metadata.labels && Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  return copy;
}

function cleanAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const kept = Object.entries(annotations).filter(([k]) => !GENERATED_ANNOTATIONS.includes(k) && !GENERATED_ANNOTATION_PREFIXES.some((p) => k.startsWith(p)));
  return kept.length ? Object.fromEntries(kept) : undefined;
}

function withoutKeys<T extends Record<string, unknown>>(map: T | undefined, keys: string[]): T | undefined {
  if (!map) return map;
  return Object.fromEntries(Object.entries(map).filter(([k]) => !keys.includes(k))) as T;
}
