/**
 * The shapes the cluster analyzers share: the snapshot they read (lists of objects, every field
 * optional because cluster data may lack any of them or carry nulls) and the finding they give.
 */
import type { Container, KubeEvent, ObjectMeta, Pod, Service, EndpointSlice } from '../kube-objects.js';

export type Severity = 'critical' | 'high' | 'medium' | 'low';
export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];

/** The object a finding is about. */
export interface ObjectRef {
  kind: string;
  name: string;
  /** Absent for cluster-scoped kinds. */
  namespace?: string;
}

/** One problem, with what proves it, the chain from symptom to root cause, and the fix. */
export interface AnalyzerFinding {
  object: ObjectRef;
  /** Stable id of the check that found it, e.g. `service-no-endpoints`. */
  analyzer: string;
  severity: Severity;
  /** One sentence: what is wrong. */
  summary: string;
  /** The fields and event messages the finding rests on (never Secret values). */
  evidence: string[];
  /** Symptom first, root cause last: "Deployment shop/cart: 0/2 available" … "ConfigMap shop/cart-config: missing". */
  chain: string[];
  fix: { text: string; command?: string[]; yaml?: string };
  /** Objects this finding already explains (`Kind/namespace/name`): their own findings are not repeated. */
  covers?: string[];
  /**
   * A best-practice note, not a failure: nothing is broken now (an unused ConfigMap, pods on the
   * default ServiceAccount). Listed after the failures and not counted as a problem.
   */
  hygiene?: true;
}

export interface Condition {
  type?: string | null;
  status?: string | null;
  reason?: string | null;
  message?: string | null;
  lastTransitionTime?: string | null;
}

export interface LabelSelector {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key?: string | null; operator?: string | null; values?: string[] | null }> | null;
}

export interface Meta extends ObjectMeta {
  annotations?: Record<string, string> | null;
  creationTimestamp?: string | null;
}

/** The env/volume references of a container, beyond what kube-objects.ts types. */
export interface RefContainer extends Omit<Container, 'env' | 'envFrom'> {
  env?: Array<{
    name?: string | null;
    valueFrom?: {
      configMapKeyRef?: { name?: string | null; key?: string | null; optional?: boolean | null } | null;
      secretKeyRef?: { name?: string | null; key?: string | null; optional?: boolean | null } | null;
    } | null;
  }> | null;
  envFrom?: Array<{ configMapRef?: { name?: string | null; optional?: boolean | null } | null; secretRef?: { name?: string | null; optional?: boolean | null } | null }> | null;
}

export interface KeyItems {
  items?: Array<{ key?: string | null }> | null;
  optional?: boolean | null;
}

export interface Volume {
  name?: string | null;
  configMap?: ({ name?: string | null } & KeyItems) | null;
  secret?: ({ secretName?: string | null } & KeyItems) | null;
  persistentVolumeClaim?: { claimName?: string | null } | null;
  projected?: { sources?: Array<{ configMap?: ({ name?: string | null } & KeyItems) | null; secret?: ({ name?: string | null } & KeyItems) | null }> | null } | null;
}

export interface PodSpec {
  containers?: RefContainer[] | null;
  initContainers?: RefContainer[] | null;
  volumes?: Volume[] | null;
  nodeName?: string | null;
  serviceAccountName?: string | null;
  /** The deprecated alias of serviceAccountName, still set by the API server. */
  serviceAccount?: string | null;
  automountServiceAccountToken?: boolean | null;
}

export interface PodTemplate {
  metadata?: Meta | null;
  spec?: PodSpec | null;
}

/** Deployment, ReplicaSet, StatefulSet or DaemonSet. */
export interface Workload {
  kind?: string | null;
  metadata?: Meta | null;
  spec?: { replicas?: number | null; selector?: LabelSelector | null; template?: PodTemplate | null; progressDeadlineSeconds?: number | null } | null;
  status?: {
    replicas?: number | null;
    readyReplicas?: number | null;
    availableReplicas?: number | null;
    updatedReplicas?: number | null;
    unavailableReplicas?: number | null;
    desiredNumberScheduled?: number | null;
    numberAvailable?: number | null;
    numberReady?: number | null;
    updatedNumberScheduled?: number | null;
    conditions?: Condition[] | null;
  } | null;
}

export interface Job {
  metadata?: Meta | null;
  spec?: { backoffLimit?: number | null; selector?: LabelSelector | null; template?: PodTemplate | null } | null;
  status?: { failed?: number | null; succeeded?: number | null; active?: number | null; conditions?: Condition[] | null } | null;
}

export interface CronJob {
  metadata?: Meta | null;
  spec?: { schedule?: string | null; suspend?: boolean | null; jobTemplate?: { spec?: { template?: PodTemplate | null } | null } | null } | null;
  status?: { lastScheduleTime?: string | null; lastSuccessfulTime?: string | null; active?: unknown[] | null } | null;
}

export interface IngressBackend {
  service?: { name?: string | null; port?: { number?: number | null; name?: string | null } | null } | null;
}

export interface Ingress {
  metadata?: Meta | null;
  spec?: {
    ingressClassName?: string | null;
    defaultBackend?: IngressBackend | null;
    rules?: Array<{ host?: string | null; http?: { paths?: Array<{ path?: string | null; backend?: IngressBackend | null }> | null } | null }> | null;
    tls?: Array<{ hosts?: string[] | null; secretName?: string | null }> | null;
  } | null;
}

export interface ClusterObject {
  metadata?: Meta | null;
}

export interface StorageClass extends ClusterObject {
  provisioner?: string | null;
}

export interface Pvc {
  metadata?: Meta | null;
  spec?: { storageClassName?: string | null; volumeName?: string | null; resources?: { requests?: Record<string, string> | null } | null } | null;
  status?: { phase?: string | null; conditions?: Condition[] | null } | null;
}

export interface Node {
  metadata?: Meta | null;
  spec?: { unschedulable?: boolean | null; taints?: Array<{ key?: string | null; effect?: string | null }> | null } | null;
  status?: { conditions?: Condition[] | null } | null;
}

export interface Hpa {
  metadata?: Meta | null;
  spec?: { scaleTargetRef?: { kind?: string | null; name?: string | null; apiVersion?: string | null } | null; minReplicas?: number | null; maxReplicas?: number | null } | null;
  status?: { currentReplicas?: number | null; desiredReplicas?: number | null; conditions?: Condition[] | null } | null;
}

export interface Pdb {
  metadata?: Meta | null;
  spec?: { selector?: LabelSelector | null; minAvailable?: number | string | null; maxUnavailable?: number | string | null } | null;
  status?: { disruptionsAllowed?: number | null; currentHealthy?: number | null; desiredHealthy?: number | null; expectedPods?: number | null } | null;
}

export interface NetworkPolicy {
  metadata?: Meta | null;
  spec?: { podSelector?: LabelSelector | null; policyTypes?: string[] | null; ingress?: unknown[] | null; egress?: unknown[] | null } | null;
}

export interface Webhook {
  name?: string | null;
  failurePolicy?: string | null;
  clientConfig?: { service?: { name?: string | null; namespace?: string | null; port?: number | null } | null; url?: string | null } | null;
}

export interface WebhookConfiguration {
  kind?: string | null;
  metadata?: Meta | null;
  webhooks?: Webhook[] | null;
}

/** A ConfigMap or Secret reduced to its name, labels, owners and key names: values never enter a snapshot. */
export interface KeyedObject {
  metadata?: Meta | null;
  keys?: string[] | null;
}

/** What the analyzers read: the objects of one namespace (or all) and the cluster-scoped ones they refer to. */
export interface Snapshot {
  /** The namespace the snapshot covers; absent for the whole cluster. */
  namespace?: string;
  pods?: Pod[] | null;
  deployments?: Workload[] | null;
  replicasets?: Workload[] | null;
  statefulsets?: Workload[] | null;
  daemonsets?: Workload[] | null;
  services?: Service[] | null;
  endpointslices?: EndpointSlice[] | null;
  ingresses?: Ingress[] | null;
  ingressclasses?: ClusterObject[] | null;
  jobs?: Job[] | null;
  cronjobs?: CronJob[] | null;
  pvcs?: Pvc[] | null;
  storageclasses?: StorageClass[] | null;
  nodes?: Node[] | null;
  hpas?: Hpa[] | null;
  pdbs?: Pdb[] | null;
  networkpolicies?: NetworkPolicy[] | null;
  validatingwebhooks?: WebhookConfiguration[] | null;
  mutatingwebhooks?: WebhookConfiguration[] | null;
  configmaps?: KeyedObject[] | null;
  secrets?: KeyedObject[] | null;
  events?: Array<KubeEvent & { namespace?: string | null }> | null;
  /** The previous (crashed) instance's log of crash-looping containers: `namespace/pod` → container → log. */
  previousLogs?: Record<string, Record<string, string>> | null;
  /** Kinds that could not be read (RBAC, not installed): analyzers that need them stay silent. */
  unreadable?: string[] | null;
  /** Kinds read only in part (cut at the budget, some objects refused): absence from them proves nothing. */
  partial?: string[] | null;
}

export interface AnalyzeOptions {
  /** The time to judge ages against (ms since the epoch); default now. */
  now?: number;
}

/** One check over a snapshot. Pure, never throws. */
export type Analyzer = (snapshot: Snapshot, options: AnalyzeOptions) => AnalyzerFinding[];
