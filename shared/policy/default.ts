/**
 * The built-in policy: what the guardian judges by when no policy file is configured. It is
 * written out, with comments, in examples/guardian-policy.yaml (a test keeps the two equal).
 */
import type { Policy } from './schema.js';

export const DEFAULT_PROTECTED_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];
export const DEFAULT_CREW_NAMESPACE = 'k8s-experts';
/** Namespaces where Pod Security admission forbids privileged pods. */
export const RESTRICTED_POD_SECURITY = { key: 'pod-security.kubernetes.io/enforce', values: ['baseline', 'restricted'] };

export interface DefaultPolicyOptions {
  /** Added to the built-in protected namespaces (config mcp.protectedNamespaces). */
  protectedNamespaces?: readonly string[];
  /** The namespace the crew runs in (config guardian.crewNamespace): protected too. */
  crewNamespace?: string;
}

/**
 * The default policy. A list of namespaces (the former signature) is read as
 * `protectedNamespaces`; the crew namespace defaults to the config's default.
 */
export function defaultPolicy(options: DefaultPolicyOptions | readonly string[] = {}): Policy {
  const { protectedNamespaces = [], crewNamespace = DEFAULT_CREW_NAMESPACE } = Array.isArray(options) ? { protectedNamespaces: options as readonly string[] } : (options as DefaultPolicyOptions);
  const protectedList = [...new Set([...DEFAULT_PROTECTED_NAMESPACES, ...protectedNamespaces, crewNamespace])];
  return {
    rules: [
      { id: 'protected-namespace', effect: 'deny', type: 'protected-namespace', namespaces: protectedList, description: 'No change in protected namespaces' },
      { id: 'forbidden-delete', effect: 'deny', type: 'forbidden-delete', kinds: ['Namespace', 'PersistentVolume', 'CustomResourceDefinition'], description: 'Namespaces, PersistentVolumes and CRDs are never deleted by the crew' },
      { id: 'cluster-admin-binding', effect: 'deny', type: 'cluster-role-binding', roles: ['cluster-admin'], description: 'Nothing may be bound to cluster-admin' },
      {
        id: 'privileged-pod',
        effect: 'deny',
        type: 'privileged-pod',
        namespaces: protectedList,
        namespaceLabels: { matchExpressions: [{ key: RESTRICTED_POD_SECURITY.key, operator: 'In', values: RESTRICTED_POD_SECURITY.values }] },
        description: 'No privileged containers in restricted namespaces (Pod Security baseline or restricted, and the protected ones)',
      },
      { id: 'rbac-public-grant', effect: 'deny', type: 'rbac-escalation', checks: ['public-subjects'], description: 'No grants to anonymous, unauthenticated or all authenticated users' },
      { id: 'delete-needs-approval', effect: 'require-approval', type: 'verb', verbs: ['delete', 'drain', 'evict'], description: 'Deletes and evictions need a person\'s approval' },
      { id: 'charts-and-files-need-approval', effect: 'require-approval', type: 'verb', verbs: ['install', 'write-files'], description: 'Installing a chart and writing files to the workspace need a person\'s approval' },
      { id: 'privileged-pod-approval', effect: 'require-approval', type: 'privileged-pod', description: 'Privileged containers anywhere else need a person\'s approval' },
      {
        id: 'rbac-escalation',
        effect: 'require-approval',
        type: 'rbac-escalation',
        checks: ['wildcard', 'escalate-bind-impersonate', 'secrets-read', 'pod-exec', 'nodes-proxy', 'token-create', 'rbac-write', 'admin-binding'],
        description: 'Powerful RBAC grants need a person\'s approval',
      },
      { id: 'scale-to-zero', effect: 'require-approval', type: 'scale-to-zero', description: 'Scaling to 0 stops a workload' },
      { id: 'large-replica-change', effect: 'require-approval', type: 'replica-change', maxChangeRatio: 0.5, description: 'Replica changes of more than 50%' },
      { id: 'many-objects', effect: 'require-approval', type: 'object-count', max: 10, description: 'Actions touching more than 10 objects' },
      { id: 'secrets-need-approval', effect: 'require-approval', type: 'match', kinds: ['Secret'], description: 'Any change to Secrets needs a person\'s approval' },
      { id: 'production-namespace', effect: 'require-approval', type: 'namespace-labels', labels: { environment: 'production' }, description: 'Any write in a namespace labelled environment=production' },
      { id: 'unknown-write', effect: 'require-approval', type: 'unknown-write', description: 'Verbs the policy does not know (exec, …) count as risky writes' },
    ],
  };
}
