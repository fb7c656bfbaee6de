/** The words the policy knows (pure): read and write verbs, and kinds by their API names. */

export const READ_VERBS = ['get', 'list', 'watch', 'describe', 'logs', 'top', 'events'] as const;
/**
 * Writes the policy knows; anything else counts as an unknown write. `install` is a Helm chart
 * installed as a release; `write-files` is files written to the crew's workspace directory.
 */
export const WRITE_VERBS = ['create', 'apply', 'update', 'patch', 'replace', 'scale', 'restart', 'rollout-undo', 'label', 'annotate', 'cordon', 'uncordon', 'drain', 'delete', 'exec', 'bind', 'evict', 'install', 'write-files'] as const;

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
export const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'CustomResourceDefinition', 'Node', 'ClusterRole', 'ClusterRoleBinding', 'StorageClass', 'PriorityClass']);

/** A kind as the API names it: "deploy" → "Deployment", "pv" → "PersistentVolume"; unknown words keep their spelling. */
export function canonicalKind(kind: string | undefined): string | undefined {
  if (!kind) return undefined;
  const base = kind.split('.')[0]!;
  return KIND_ALIASES[base.toLowerCase()] ?? base;
}

export function isReadVerb(verb: string): boolean {
  return (READ_VERBS as readonly string[]).includes(verb.toLowerCase());
}
