/** The order a restore applies objects in, pure: what others depend on first (kubectl-like dependency order). */
import type { KubeObject } from './objects.js';

export const RESTORE_ORDER = [
  'Namespace',
  'ServiceAccount',
  'Secret',
  'ConfigMap',
  'PersistentVolumeClaim',
  'Role',
  'RoleBinding',
  'Service',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Ingress',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy',
] as const;

/** The rank of a kind: its place in RESTORE_ORDER, everything else after. */
export function restoreRank(kind: string): number {
  const i = (RESTORE_ORDER as readonly string[]).indexOf(kind);
  return i === -1 ? RESTORE_ORDER.length : i;
}

/** Objects sorted for a restore: by rank, then kind, namespace and name so the order is stable. */
export function restoreOrder<T extends Pick<KubeObject, 'kind' | 'metadata'>>(objects: readonly T[]): T[] {
  return [...objects].sort(
    (a, b) =>
      restoreRank(a.kind) - restoreRank(b.kind) ||
      a.kind.localeCompare(b.kind) ||
      (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
      a.metadata.name.localeCompare(b.metadata.name),
  );
}
