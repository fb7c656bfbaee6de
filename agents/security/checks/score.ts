/**
 * A security score per namespace, 0–100, from counts of findings by severity:
 * score = max(0, 100 − 25·critical − 10·high − 4·medium − 1·low); info costs nothing.
 * One critical finding costs as much as a quarter of the scale; a clean namespace scores 100.
 * Cluster-scoped findings (ClusterRoles, ClusterRoleBindings) count under `(cluster)`; a
 * namespaced object with no namespace (a manifest file) under `default`, where it would be applied. Pure.
 */
import { renderTable } from '../../../shared/table.js';
import { countBySeverity, type Finding, type Severity } from './types.js';

export const SCORE_WEIGHTS: Record<Severity, number> = { critical: 25, high: 10, medium: 4, low: 1, info: 0 };

/** Where cluster-scoped findings are counted. */
export const CLUSTER_SCOPE = '(cluster)';

export interface NamespaceScore {
  namespace: string;
  score: number;
  counts: Record<Severity, number>;
}

/** Cluster-scoped kinds findings are reported on. */
const CLUSTER_KINDS = new Set(['ClusterRole', 'ClusterRoleBinding', 'Node', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition', 'ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration', 'PriorityClass', 'IngressClass']);

/** The namespace a finding counts against: its object's namespace, the Namespace object's name, (cluster), or default. */
export function scopeOf(f: Finding): string {
  if (f.object.namespace) return f.object.namespace;
  if (f.object.kind === 'Namespace') return f.object.name;
  return CLUSTER_KINDS.has(f.object.kind) ? CLUSTER_SCOPE : 'default';
}

/** Scores for every namespace with findings plus `namespaces` (which score 100 when clean), lowest score first. */
export function namespaceScores(findings: Finding[], namespaces: string[] = []): NamespaceScore[] {
  const groups = new Map<string, Finding[]>(namespaces.map((n) => [n, []]));
  for (const f of findings) groups.set(scopeOf(f), [...(groups.get(scopeOf(f)) ?? []), f]);
  return [...groups.entries()]
    .map(([namespace, group]) => {
      const counts = countBySeverity(group);
      const penalty = (Object.keys(SCORE_WEIGHTS) as Severity[]).reduce((sum, s) => sum + SCORE_WEIGHTS[s] * counts[s], 0);
      return { namespace, score: Math.max(0, 100 - penalty), counts };
    })
    .sort((a, b) => a.score - b.score || a.namespace.localeCompare(b.namespace));
}

/** The scores as a compact table: NAMESPACE SCORE CRITICAL HIGH MEDIUM LOW INFO. */
export function renderScores(scores: NamespaceScore[]): string {
  return renderTable(['namespace', 'score', 'critical', 'high', 'medium', 'low', 'info'], scores.map((s) => [s.namespace, s.score, s.counts.critical, s.counts.high, s.counts.medium, s.counts.low, s.counts.info]));
}
