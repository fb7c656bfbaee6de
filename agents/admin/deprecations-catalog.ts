/**
 * Deprecated and removed Kubernetes API versions, per kind — from the Deprecated API Migration
 * Guide, https://kubernetes.io/docs/reference/using-api/deprecation-guide/ ("Removed APIs by
 * release": v1.16, v1.22, v1.25, v1.26, v1.27, v1.29, v1.32 — the guide lists no removal for
 * v1.33–v1.36), plus APIs deprecated but still served with no removal planned (v1 Endpoints,
 * https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/; v1 ComponentStatus, deprecated
 * in v1.19). Pure data.
 */
export const DEPRECATION_GUIDE = 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/';

/**
 * How a manifest moves to the replacement: `rename` only changes apiVersion; `selector` also
 * adds spec.selector from the pod template's labels (required since apps/v1) and drops fields
 * the new version does not have; `ingress` rewrites v1beta1 backends; `flowcontrol` renames
 * assuredConcurrencyShares; `manual` needs a person (semantics changed).
 */
export type Conversion = 'rename' | 'selector' | 'ingress' | 'flowcontrol' | 'manual';

export interface ApiDeprecation {
  apiVersion: string;
  kind: string;
  /** Minor version (of v1.x) that deprecated it. */
  deprecatedIn: number;
  /** Minor version that no longer serves it; null: deprecated, no removal planned. */
  removedIn: number | null;
  /** The apiVersion to use instead; null when there is none (PodSecurityPolicy). */
  replacement: string | null;
  conversion: Conversion;
  note?: string;
}

const rows = (apiVersion: string, kinds: string[], deprecatedIn: number, removedIn: number | null, replacement: string | null, conversion: Conversion, note?: string): ApiDeprecation[] =>
  kinds.map((kind) => ({ apiVersion, kind, deprecatedIn, removedIn, replacement, conversion, ...(note ? { note } : {}) }));

const APPS_NOTE = 'apps/v1 requires spec.selector (immutable): it is taken from the pod template labels; defaults differ (RollingUpdate, revisionHistoryLimit 10)';
const PLC_NOTE = 'PriorityLevelConfiguration spec.limited.nominalConcurrencyShares defaults to 30 only when unset; an explicit 0 stays 0';

export const API_DEPRECATIONS: readonly ApiDeprecation[] = [
  // Deprecated, still served, no removal planned.
  ...rows('v1', ['Endpoints'], 33, null, 'discovery.k8s.io/v1', 'manual', 'read EndpointSlices (label kubernetes.io/service-name) instead; the Endpoints API stays served'),
  ...rows('v1', ['ComponentStatus'], 19, null, null, 'manual', 'check component health endpoints (/livez, /readyz) instead'),
  // v1.32
  ...rows('flowcontrol.apiserver.k8s.io/v1beta3', ['FlowSchema', 'PriorityLevelConfiguration'], 29, 32, 'flowcontrol.apiserver.k8s.io/v1', 'rename', PLC_NOTE),
  // v1.29
  ...rows('flowcontrol.apiserver.k8s.io/v1beta2', ['FlowSchema', 'PriorityLevelConfiguration'], 26, 29, 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol', PLC_NOTE),
  // v1.27
  ...rows('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], 24, 27, 'storage.k8s.io/v1', 'rename'),
  // v1.26
  ...rows('flowcontrol.apiserver.k8s.io/v1beta1', ['FlowSchema', 'PriorityLevelConfiguration'], 23, 26, 'flowcontrol.apiserver.k8s.io/v1', 'flowcontrol', PLC_NOTE),
  ...rows('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], 23, 26, 'autoscaling/v2', 'rename'),
  // v1.25
  ...rows('batch/v1beta1', ['CronJob'], 21, 25, 'batch/v1', 'rename'),
  ...rows('discovery.k8s.io/v1beta1', ['EndpointSlice'], 21, 25, 'discovery.k8s.io/v1', 'manual', 'topology is replaced by per-endpoint nodeName and zone'),
  ...rows('events.k8s.io/v1beta1', ['Event'], 22, 25, 'events.k8s.io/v1', 'manual', 'several fields renamed (regarding, eventTime, series)'),
  ...rows('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], 22, 25, 'autoscaling/v2', 'manual', 'metric targets moved to target.{type,averageUtilization,averageValue,value}'),
  ...rows('policy/v1beta1', ['PodDisruptionBudget'], 21, 25, 'policy/v1', 'rename', 'in policy/v1 an empty spec.selector selects every pod in the namespace'),
  ...rows('policy/v1beta1', ['PodSecurityPolicy'], 21, 25, null, 'manual', 'PodSecurityPolicy is gone: use Pod Security Admission or a policy engine'),
  ...rows('node.k8s.io/v1beta1', ['RuntimeClass'], 20, 25, 'node.k8s.io/v1', 'rename'),
  // v1.22
  ...rows('admissionregistration.k8s.io/v1beta1', ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'], 16, 22, 'admissionregistration.k8s.io/v1', 'manual', 'sideEffects and admissionReviewVersions are required; failurePolicy defaults to Fail'),
  ...rows('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], 16, 22, 'apiextensions.k8s.io/v1', 'manual', 'spec.versions[*].schema (structural) is required; scope must be explicit'),
  ...rows('apiregistration.k8s.io/v1beta1', ['APIService'], 19, 22, 'apiregistration.k8s.io/v1', 'rename'),
  ...rows('authentication.k8s.io/v1beta1', ['TokenReview'], 19, 22, 'authentication.k8s.io/v1', 'rename'),
  ...rows('authorization.k8s.io/v1beta1', ['LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SubjectAccessReview'], 19, 22, 'authorization.k8s.io/v1', 'manual', 'spec.group is spec.groups in v1'),
  ...rows('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], 19, 22, 'certificates.k8s.io/v1', 'manual', 'spec.signerName and spec.usages are required'),
  ...rows('coordination.k8s.io/v1beta1', ['Lease'], 19, 22, 'coordination.k8s.io/v1', 'rename'),
  ...rows('extensions/v1beta1', ['Ingress'], 14, 22, 'networking.k8s.io/v1', 'ingress'),
  ...rows('networking.k8s.io/v1beta1', ['Ingress'], 19, 22, 'networking.k8s.io/v1', 'ingress'),
  ...rows('networking.k8s.io/v1beta1', ['IngressClass'], 19, 22, 'networking.k8s.io/v1', 'rename'),
  ...rows('rbac.authorization.k8s.io/v1beta1', ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'], 17, 22, 'rbac.authorization.k8s.io/v1', 'rename'),
  ...rows('scheduling.k8s.io/v1beta1', ['PriorityClass'], 14, 22, 'scheduling.k8s.io/v1', 'rename'),
  ...rows('storage.k8s.io/v1beta1', ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'], 19, 22, 'storage.k8s.io/v1', 'rename'),
  // v1.16
  ...rows('extensions/v1beta1', ['NetworkPolicy'], 9, 16, 'networking.k8s.io/v1', 'rename'),
  ...rows('extensions/v1beta1', ['PodSecurityPolicy'], 10, 16, null, 'manual', 'PodSecurityPolicy is gone: use Pod Security Admission or a policy engine'),
  ...rows('extensions/v1beta1', ['DaemonSet', 'Deployment', 'ReplicaSet'], 9, 16, 'apps/v1', 'selector', APPS_NOTE),
  ...rows('apps/v1beta1', ['Deployment', 'StatefulSet', 'ReplicaSet'], 9, 16, 'apps/v1', 'selector', APPS_NOTE),
  ...rows('apps/v1beta2', ['DaemonSet', 'Deployment', 'StatefulSet', 'ReplicaSet'], 9, 16, 'apps/v1', 'selector', APPS_NOTE),
];

const BY_KEY = new Map(API_DEPRECATIONS.map((d) => [`${d.apiVersion} ${d.kind}`, d]));

/** The catalog entry of an apiVersion + kind, or undefined when it is current. */
export function deprecationOf(apiVersion: string, kind: string): ApiDeprecation | undefined {
  return BY_KEY.get(`${apiVersion} ${kind}`);
}

/** "v1.36" / "1.36" / "1.36.2" → 36 (minor of v1.x); undefined for anything else. */
export function targetMinor(target: string): number | undefined {
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(target.trim());
  return m ? Number(m[1]) : undefined;
}

/** Removed (not served) in the target, or only deprecated there. */
export function statusAt(d: ApiDeprecation, minor: number): 'removed' | 'deprecated' | 'current' {
  if (d.removedIn !== null && d.removedIn <= minor) return 'removed';
  return d.deprecatedIn <= minor ? 'deprecated' : 'current';
}
