/**
 * The namespace-backup skill: what a backup of the named namespaces holds (objects per kind, the
 * Secrets and the choice they need) and the exact commands that make it and restore it. The
 * backup itself is written by `k8s-experts backup`, which reads Secrets with the operator's own
 * credentials and encrypts them before anything touches a disk: the agent only ever sees masked
 * values, so it plans and never writes.
 */
import type { TaskResult } from '../../shared/a2a/parts.js';
import { mapLimit } from '../../shared/map-limit.js';
import { renderTable } from '../../shared/table.js';
import type { RESTORE_ORDER } from './backup/order.js';
import type { AdminReads, Row } from './cluster.js';

/** The kinds counted for the plan (the CLI discovers every namespaced kind, custom resources too). */
const COUNTED: Array<{ kind: (typeof RESTORE_ORDER)[number]; resource: string }> = [
  { kind: 'ServiceAccount', resource: 'serviceaccounts' },
  { kind: 'Secret', resource: 'secrets' },
  { kind: 'ConfigMap', resource: 'configmaps' },
  { kind: 'PersistentVolumeClaim', resource: 'persistentvolumeclaims' },
  { kind: 'Role', resource: 'roles' },
  { kind: 'RoleBinding', resource: 'rolebindings' },
  { kind: 'Service', resource: 'services' },
  { kind: 'Deployment', resource: 'deployments' },
  { kind: 'StatefulSet', resource: 'statefulsets' },
  { kind: 'DaemonSet', resource: 'daemonsets' },
  { kind: 'Job', resource: 'jobs' },
  { kind: 'CronJob', resource: 'cronjobs' },
  { kind: 'Ingress', resource: 'ingresses' },
  { kind: 'HorizontalPodAutoscaler', resource: 'horizontalpodautoscalers' },
  { kind: 'PodDisruptionBudget', resource: 'poddisruptionbudgets' },
  { kind: 'NetworkPolicy', resource: 'networkpolicies' },
];

/** What the backup leaves out because the cluster makes it again (as `k8s-experts backup create` does). */
function regenerated(kind: string, row: Row): boolean {
  const name = String(row.name ?? '');
  if (kind === 'ConfigMap') return name === 'kube-root-ca.crt';
  if (kind === 'ServiceAccount') return name === 'default';
  if (kind === 'Secret') return String(row.type ?? '') === 'kubernetes.io/service-account-token';
  return false;
}

/** The namespaces a request names: "namespace shop", "namespaces shop and cart", "shop namespace". */
export function namedNamespaces(text: string, known: readonly string[]): string[] {
  return known.filter((ns) => new RegExp(`(^|[^\\w-])${ns.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\w-])`, 'i').test(text));
}

export interface BackupPlan {
  namespaces: string[];
  counts: Array<{ namespace: string; kind: string; count: number }>;
  secrets: number;
  commands: { create: string; restoreDryRun: string; restoreApply: string };
}

/** The plan from the counted rows, pure. */
export function backupPlan(namespaces: string[], rows: Array<{ namespace: string; kind: string; rows: Row[] }>): BackupPlan {
  const counts = rows.map((r) => ({ namespace: r.namespace, kind: r.kind, count: r.rows.filter((row) => !regenerated(r.kind, row)).length })).filter((c) => c.count > 0);
  const list = namespaces.join(',');
  const file = `${namespaces.length === 1 ? namespaces[0] : 'namespaces'}-backup.tar.gz`;
  return {
    namespaces,
    counts,
    secrets: counts.filter((c) => c.kind === 'Secret').reduce((n, c) => n + c.count, 0),
    commands: {
      create: `k8s-experts backup create --namespace ${list} --out ${file} --key-file <key file>   # or --secrets exclude`,
      restoreDryRun: `k8s-experts backup restore ${file} --key-file <key file>`,
      restoreApply: `k8s-experts backup restore ${file} --key-file <key file> --apply`,
    },
  };
}

export function renderBackupPlan(plan: BackupPlan): string {
  const table = renderTable(['NAMESPACE', 'KIND', 'OBJECTS'], plan.counts.map((c) => [c.namespace, c.kind, String(c.count)]));
  return [
    `A backup of namespace${plan.namespaces.length === 1 ? '' : 's'} ${plan.namespaces.join(', ')} holds about ${plan.counts.reduce((n, c) => n + c.count, 0)} objects of the common kinds (custom resources and other namespaced kinds are discovered and added when it runs):`,
    table,
    '',
    plan.secrets
      ? `${plan.secrets} Secret${plan.secrets === 1 ? '' : 's'}: encrypted with AES-256-GCM under a key derived from --key-file (names, types and labels stay readable), or left out with --secrets exclude. Keep the key file apart from the backup.`
      : 'No Secrets to encrypt.',
    'Left out because the cluster makes them again: pods, ReplicaSets and Jobs owned by a workload, Events, EndpointSlices, kube-root-ca.crt, the default ServiceAccount, token Secrets. Stripped: uid, resourceVersion, managedFields, status, Service cluster IPs, the last-applied annotation.',
    '',
    'Make it (on a machine with your kubeconfig; I only read masked data, so I plan and never write):',
    `  ${plan.commands.create}`,
    'Restore: a server-side dry run of every object first, then apply in dependency order (the guardian policy is checked, each write audited):',
    `  ${plan.commands.restoreDryRun}`,
    `  ${plan.commands.restoreApply}`,
  ].join('\n');
}

export async function namespaceBackupSkill(reads: AdminReads, text: string, progress: (t: string) => void): Promise<TaskResult> {
  progress('Reading the namespaces');
  const known = (await reads.rows('namespaces')).map((r) => String(r.name ?? '')).filter(Boolean);
  const namespaces = namedNamespaces(text, known);
  if (!namespaces.length) {
    return { text: `Which namespaces should the backup hold? Name one or more of: ${known.join(', ')}.`, data: { skill: 'namespace-backup', error: 'no-namespace', namespaces: known } };
  }
  progress(`Counting the objects in ${namespaces.join(', ')}`);
  const pairs = namespaces.flatMap((namespace) => COUNTED.map((c) => ({ namespace, ...c })));
  const rows = await mapLimit(pairs, 8, async (p) => ({ namespace: p.namespace, kind: p.kind, rows: await reads.rows(p.resource, { namespace: p.namespace }) }));
  const plan = backupPlan(namespaces, rows);
  return { text: renderBackupPlan(plan), data: { skill: 'namespace-backup', ...plan } };
}
