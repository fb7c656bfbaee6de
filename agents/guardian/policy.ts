/**
 * The guardian's policy (pure): rules as data — a typed list, so that a YAML file can replace
 * the default later (issue 5) — and one function that judges a proposed action against them.
 *
 * Verdict: deny if any deny rule matches, else require-approval if any approval rule matches,
 * else allow. Every matching rule gives a reason a person can read, with its rule id.
 */

export type Verdict = 'allow' | 'require-approval' | 'deny';
export type Effect = Exclude<Verdict, 'allow'>;

export const READ_VERBS = ['get', 'list', 'watch', 'describe', 'logs', 'top', 'events'] as const;
/** Writes the policy knows; anything else counts as an unknown write. */
export const WRITE_VERBS = ['create', 'apply', 'update', 'patch', 'replace', 'scale', 'restart', 'rollout-undo', 'label', 'annotate', 'cordon', 'uncordon', 'drain', 'delete', 'exec', 'bind', 'evict'] as const;

/** A proposed action, as callers send it (`{ action: {...} }`) or as parsed from text. */
export interface ProposedAction {
  verb: string;
  kind?: string | undefined;
  name?: string | undefined;
  namespace?: string | undefined;
  /** The objects a manifest holds (create/apply), already parsed. */
  objects?: ManifestLike[] | undefined;
  /** Target replicas of a scale. */
  replicas?: number | undefined;
  /** Flags a text request states without a manifest ("a privileged pod", "bind cluster-admin"). */
  privileged?: boolean | undefined;
  clusterRole?: string | undefined;
}

export interface ManifestLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; [k: string]: unknown } | undefined;
  [k: string]: unknown;
}

/** What the cluster says, looked up by the agent (or given by a test); absent facts are unknown. */
export interface ClusterFacts {
  /** Labels per namespace; `null`: the namespace does not exist. A namespace missing from the map: unknown. */
  namespaceLabels?: Record<string, Record<string, string> | null>;
  /** Replicas the scaled object has now. */
  currentReplicas?: number | undefined;
}

export type Rule =
  | { id: string; effect: Effect; type: 'protected-namespace'; namespaces: string[]; description: string }
  | { id: string; effect: Effect; type: 'forbidden-delete'; kinds: string[]; description: string }
  | { id: string; effect: Effect; type: 'cluster-role-binding'; roles: string[]; description: string }
  | { id: string; effect: Effect; type: 'privileged-pod'; description: string }
  | { id: string; effect: Effect; type: 'verb'; verbs: string[]; description: string }
  | { id: string; effect: Effect; type: 'scale-to-zero'; description: string }
  | { id: string; effect: Effect; type: 'replica-change'; maxChangeRatio: number; description: string }
  | { id: string; effect: Effect; type: 'object-count'; max: number; description: string }
  | { id: string; effect: Effect; type: 'namespace-labels'; labels: Record<string, string>; description: string }
  | { id: string; effect: Effect; type: 'unknown-write'; description: string };

export interface Policy {
  rules: Rule[];
}

export const DEFAULT_PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

/** The default policy; `protectedNamespaces` adds to the built-in ones (config mcp.protectedNamespaces). */
export function defaultPolicy(protectedNamespaces: readonly string[] = []): Policy {
  return {
    rules: [
      { id: 'protected-namespace', effect: 'deny', type: 'protected-namespace', namespaces: [...new Set([...DEFAULT_PROTECTED_NAMESPACES, ...protectedNamespaces])], description: 'No change in protected namespaces' },
      { id: 'forbidden-delete', effect: 'deny', type: 'forbidden-delete', kinds: ['Namespace', 'PersistentVolume', 'CustomResourceDefinition'], description: 'Namespaces, PersistentVolumes and CRDs are never deleted by the crew' },
      { id: 'cluster-admin-binding', effect: 'deny', type: 'cluster-role-binding', roles: ['cluster-admin'], description: 'Nothing may be bound to cluster-admin' },
      { id: 'privileged-pod', effect: 'deny', type: 'privileged-pod', description: 'No privileged containers' },
      { id: 'delete-needs-approval', effect: 'require-approval', type: 'verb', verbs: ['delete', 'drain', 'evict'], description: 'Deletes and evictions need a person\'s approval' },
      { id: 'scale-to-zero', effect: 'require-approval', type: 'scale-to-zero', description: 'Scaling to 0 stops a workload' },
      { id: 'large-replica-change', effect: 'require-approval', type: 'replica-change', maxChangeRatio: 0.5, description: 'Replica changes of more than 50%' },
      { id: 'many-objects', effect: 'require-approval', type: 'object-count', max: 10, description: 'Actions touching more than 10 objects' },
      { id: 'production-namespace', effect: 'require-approval', type: 'namespace-labels', labels: { environment: 'production' }, description: 'Any write in a namespace labelled environment=production' },
      { id: 'unknown-write', effect: 'require-approval', type: 'unknown-write', description: 'Verbs the policy does not know (exec, …) count as risky writes' },
    ],
  };
}

export interface Finding {
  rule: string;
  effect: Effect;
  reason: string;
}

export interface Judgement {
  verdict: Verdict;
  reasons: string[];
  /** The ids of the rules that matched (none for an allow). */
  rules: string[];
  findings: Finding[];
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');
const KIND_ALIASES: Record<string, string> = {
  ns: 'Namespace', namespace: 'Namespace', namespaces: 'Namespace',
  pv: 'PersistentVolume', persistentvolume: 'PersistentVolume', persistentvolumes: 'PersistentVolume',
  crd: 'CustomResourceDefinition', crds: 'CustomResourceDefinition', customresourcedefinition: 'CustomResourceDefinition', customresourcedefinitions: 'CustomResourceDefinition',
  pod: 'Pod', pods: 'Pod', po: 'Pod', deployment: 'Deployment', deployments: 'Deployment', deploy: 'Deployment',
  statefulset: 'StatefulSet', statefulsets: 'StatefulSet', sts: 'StatefulSet', daemonset: 'DaemonSet', daemonsets: 'DaemonSet', ds: 'DaemonSet',
  replicaset: 'ReplicaSet', replicasets: 'ReplicaSet', rs: 'ReplicaSet', job: 'Job', jobs: 'Job', cronjob: 'CronJob', cronjobs: 'CronJob',
  service: 'Service', services: 'Service', svc: 'Service', configmap: 'ConfigMap', configmaps: 'ConfigMap', cm: 'ConfigMap',
  secret: 'Secret', secrets: 'Secret', node: 'Node', nodes: 'Node', pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim', persistentvolumeclaims: 'PersistentVolumeClaim',
  clusterrolebinding: 'ClusterRoleBinding', clusterrolebindings: 'ClusterRoleBinding', rolebinding: 'RoleBinding', rolebindings: 'RoleBinding',
  clusterrole: 'ClusterRole', clusterroles: 'ClusterRole', role: 'Role', roles: 'Role', serviceaccount: 'ServiceAccount', serviceaccounts: 'ServiceAccount', sa: 'ServiceAccount',
  ingress: 'Ingress', ingresses: 'Ingress', networkpolicy: 'NetworkPolicy', networkpolicies: 'NetworkPolicy',
};
const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'CustomResourceDefinition', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass']);

/** A kind as the API names it: "deploy" → "Deployment", "pv" → "PersistentVolume"; unknown words keep their spelling. */
export function canonicalKind(kind: string | undefined): string | undefined {
  if (!kind) return undefined;
  const base = kind.split('.')[0]!;
  return KIND_ALIASES[base.toLowerCase()] ?? base;
}

export function isReadVerb(verb: string): boolean {
  return (READ_VERBS as readonly string[]).includes(verb.toLowerCase());
}

interface Target {
  kind: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
}

/** The objects an action touches: those of its manifest, else the one it names. */
export function targetsOf(action: ProposedAction): Target[] {
  if (action.objects && action.objects.length > 0) {
    return action.objects.map((o) => {
      const kind = typeof o.kind === 'string' ? o.kind : undefined;
      const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : action.namespace;
      return { kind, name: typeof o.metadata?.name === 'string' ? o.metadata.name : undefined, namespace: kind && CLUSTER_SCOPED.has(kind) ? undefined : ns };
    });
  }
  const kind = canonicalKind(action.kind);
  return [{ kind, name: action.name, namespace: kind && CLUSTER_SCOPED.has(kind) ? undefined : action.namespace }];
}

/** Every pod spec in an object (Pod, workload templates, CronJob job templates). */
export function podSpecsOf(object: ManifestLike): Array<Record<string, unknown>> {
  const specs: Array<Record<string, unknown>> = [];
  const asRecord = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  const spec = asRecord(object.spec);
  if (!spec) return specs;
  if (object.kind === 'Pod') specs.push(spec);
  const template = asRecord(asRecord(spec.template)?.spec);
  if (template) specs.push(template);
  const jobTemplate = asRecord(asRecord(asRecord(asRecord(spec.jobTemplate)?.spec)?.template)?.spec);
  if (jobTemplate) specs.push(jobTemplate);
  return specs;
}

function isPrivileged(object: ManifestLike): boolean {
  return podSpecsOf(object).some((spec) => {
    const containers = [spec.containers, spec.initContainers, spec.ephemeralContainers].flatMap((c) => (Array.isArray(c) ? c : []));
    return containers.some((c) => {
      const sc = (c as { securityContext?: { privileged?: unknown; capabilities?: { add?: unknown } } }).securityContext;
      const add = Array.isArray(sc?.capabilities?.add) ? (sc.capabilities.add as unknown[]).map((a) => String(a).toUpperCase()) : [];
      return sc?.privileged === true || add.includes('SYS_ADMIN') || add.includes('ALL');
    });
  });
}

function boundRole(object: ManifestLike): string | undefined {
  if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') return undefined;
  const ref = object.roleRef as { name?: unknown } | undefined;
  return typeof ref?.name === 'string' ? ref.name : undefined;
}

const where = (t: Target) => (t.namespace ? ` in namespace ${t.namespace}` : '');
const what = (t: Target) => `${t.kind ?? 'object'}${t.name ? ` ${t.name}` : ''}`;

/** Judges one action against a policy, with what is known about the cluster. Never throws. */
export function judge(action: ProposedAction, policy: Policy, facts: ClusterFacts = {}): Judgement {
  const verb = lower(action.verb) || 'unknown';
  const read = isReadVerb(verb);
  const targets = targetsOf(action);
  const objects = action.objects ?? [];
  const findings: Finding[] = [];
  const add = (rule: Rule, reason: string) => findings.push({ rule: rule.id, effect: rule.effect, reason });

  if (!read) {
    for (const rule of policy.rules) {
      switch (rule.type) {
        case 'protected-namespace': {
          const hits = new Set<string>();
          for (const t of targets) {
            if (t.namespace && rule.namespaces.includes(t.namespace)) hits.add(`${what(t)} is in protected namespace ${t.namespace}`);
            if (t.kind === 'Namespace' && t.name && rule.namespaces.includes(t.name)) hits.add(`namespace ${t.name} is protected`);
          }
          if (hits.size) add(rule, `${[...hits].join('; ')}: no ${verb} there (${rule.description.toLowerCase()}).`);
          break;
        }
        case 'forbidden-delete':
          if (verb === 'delete') {
            for (const t of targets) if (t.kind && rule.kinds.includes(t.kind)) add(rule, `Deleting ${what(t)} is forbidden: ${t.kind === 'Namespace' ? 'it deletes everything in the namespace, irreversibly' : t.kind === 'PersistentVolume' ? 'the data on it may be lost for good' : 'every custom resource of it is deleted with it'}.`);
          }
          break;
        case 'cluster-role-binding': {
          const roles = [...objects.map(boundRole), action.clusterRole].filter((r): r is string => typeof r === 'string');
          const bad = roles.filter((r) => rule.roles.includes(r));
          if (bad.length && verb !== 'delete') add(rule, `Binding ${bad[0]} grants full control of the cluster: forbidden.`);
          break;
        }
        case 'privileged-pod':
          if (verb !== 'delete' && (action.privileged === true || objects.some(isPrivileged))) add(rule, 'A privileged container (privileged: true, or SYS_ADMIN/ALL capabilities) can take over its node: forbidden.');
          break;
        case 'verb':
          if (rule.verbs.includes(verb)) add(rule, `${verb === 'delete' ? 'Deleting' : verb === 'drain' ? 'Draining' : 'Evicting'} ${targets.map(what).join(', ')}${where(targets[0]!)} cannot be undone: a person must approve it.`);
          break;
        case 'scale-to-zero':
          if (verb === 'scale' && action.replicas === 0) add(rule, `Scaling ${what(targets[0]!)}${where(targets[0]!)} to 0 stops every pod of it: a person must approve it.`);
          break;
        case 'replica-change':
          if (verb === 'scale' && action.replicas !== undefined && action.replicas > 0) {
            const now = facts.currentReplicas;
            if (now === undefined) add(rule, `The current replicas of ${what(targets[0]!)} are unknown, so the size of the change cannot be checked: a person must approve it.`);
            else if (now === 0) add(rule, `Scaling ${what(targets[0]!)} up from 0 to ${action.replicas} starts a stopped workload: a person must approve it.`);
            else if (Math.abs(action.replicas - now) / now > rule.maxChangeRatio) {
              add(rule, `Scaling ${what(targets[0]!)} from ${now} to ${action.replicas} changes replicas by ${Math.round((Math.abs(action.replicas - now) / now) * 100)}%, more than ${Math.round(rule.maxChangeRatio * 100)}%: a person must approve it.`);
            }
          }
          break;
        case 'object-count':
          if (targets.length > rule.max) add(rule, `The action touches ${targets.length} objects, more than ${rule.max}: a person must approve it.`);
          break;
        case 'namespace-labels': {
          const namespaces = [...new Set(targets.map((t) => t.namespace).filter((n): n is string => !!n))];
          for (const ns of namespaces) {
            const labels = facts.namespaceLabels?.[ns];
            const selector = Object.entries(rule.labels).map(([k, v]) => `${k}=${v}`).join(',');
            if (labels === undefined) add(rule, `The labels of namespace ${ns} could not be read, so it may be a production namespace (${selector}): a person must approve it.`);
            else if (labels && Object.entries(rule.labels).every(([k, v]) => labels[k] === v)) add(rule, `Namespace ${ns} is labelled ${selector}: any write there needs a person's approval.`);
          }
          break;
        }
        case 'unknown-write':
          if (!(WRITE_VERBS as readonly string[]).includes(verb) || verb === 'exec') add(rule, `"${verb}" is not an action the policy knows as safe: a person must approve it.`);
          break;
      }
    }
  }

  const deny = findings.filter((f) => f.effect === 'deny');
  const approve = findings.filter((f) => f.effect === 'require-approval');
  const verdict: Verdict = deny.length ? 'deny' : approve.length ? 'require-approval' : 'allow';
  // A deny settles it: approval reasons would only confuse (they stay in findings).
  const shown = deny.length ? deny : approve;
  const reasons = shown.map((f) => f.reason);
  if (verdict === 'allow') {
    const t = targets[0]!;
    reasons.push(
      read
        ? `A ${verb} only reads: allowed.`
        : verb === 'create'
          ? `Creating ${targets.length > 1 ? `${targets.length} objects` : what(t)}${where(t)} only adds: no protected or production namespace, nothing privileged, within limits — allowed.`
          : `${verb} of ${what(t)}${where(t)} matches no deny or approval rule (not protected, not production, within limits): allowed.`,
    );
  }
  return { verdict, reasons, rules: [...new Set(shown.map((f) => f.rule))], findings };
}
