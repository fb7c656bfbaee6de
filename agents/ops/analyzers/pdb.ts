/** PodDisruptionBudgets that allow no disruption while they select pods: node drains block on them. */
import type { AnalyzeOptions, AnalyzerFinding, Snapshot } from './types.js';
import { label, list, matchesSelector, nm, nsOf, refOf } from './util.js';

export function analyzePdbs(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  const out: AnalyzerFinding[] = [];
  for (const pdb of list(s.pdbs)) {
    if (!pdb || pdb.status?.disruptionsAllowed !== 0) continue;
    const pods = list(s.pods).filter((p) => p && nsOf(p) === nsOf(pdb) && matchesSelector(pdb.spec?.selector, p.metadata?.labels));
    const expected = pdb.status?.expectedPods ?? pods.length;
    if (expected === 0 && pods.length === 0) continue;
    const object = refOf('PodDisruptionBudget', pdb);
    const budget = pdb.spec?.minAvailable != null ? `minAvailable ${pdb.spec.minAvailable}` : pdb.spec?.maxUnavailable != null ? `maxUnavailable ${pdb.spec.maxUnavailable}` : 'no budget';
    out.push({
      object,
      analyzer: 'pdb-blocks-disruption',
      severity: 'medium',
      summary: `${label(object)} allows 0 disruptions for its ${expected} pod(s) (${budget}, ${pdb.status?.currentHealthy ?? '?'} healthy): draining their nodes blocks.`,
      evidence: [`status.disruptionsAllowed 0, currentHealthy ${pdb.status?.currentHealthy ?? '?'}, desiredHealthy ${pdb.status?.desiredHealthy ?? '?'}, expectedPods ${expected}`, `spec: ${budget}`, `selected pods: ${pods.slice(0, 5).map(nm).join(', ') || '(none in the snapshot)'}`],
      chain: [`${label(object)}: 0 disruptions allowed`, `${budget} with ${pdb.status?.currentHealthy ?? '?'} healthy pod(s)`],
      fix: { text: 'run more replicas than the budget keeps (or make the unhealthy ones healthy), or relax minAvailable/maxUnavailable' },
    });
  }
  return out;
}
