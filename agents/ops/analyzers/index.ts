/**
 * The cluster analyzers (k8sgpt-style "analyze"): every check over one snapshot, findings
 * de-duplicated (a pod or reference a higher finding's chain already explains is not repeated)
 * and sorted by severity; plus their rendering for people. Pure.
 */
import { renderTable } from '../../../shared/table.js';
import { analyzeConfigRefs } from './config-refs.js';
import { analyzeDefaultServiceAccount } from './default-service-account.js';
import { analyzeHpas } from './hpa.js';
import { analyzeIngresses } from './ingress.js';
import { analyzeJobs } from './jobs.js';
import { analyzeNetworkPolicies } from './networkpolicy.js';
import { analyzeNodes } from './node.js';
import { analyzePdbs } from './pdb.js';
import { analyzePods } from './pods.js';
import { analyzePvcs } from './pvc.js';
import { analyzeServices } from './service.js';
import { type Analyzer, type AnalyzeOptions, type AnalyzerFinding, SEVERITIES, type Snapshot } from './types.js';
import { analyzeUnusedConfigMaps } from './unused-configmaps.js';
import { keyOf, label } from './util.js';
import { analyzeWebhooks } from './webhooks.js';
import { analyzeWorkloads } from './workloads.js';

export type { AnalyzerFinding, AnalyzeOptions, Severity, Snapshot } from './types.js';

/** Every analyzer, by name; workloads first so their chains claim their pods. */
export const ANALYZERS: Record<string, Analyzer> = {
  workloads: analyzeWorkloads,
  service: analyzeServices,
  ingress: analyzeIngresses,
  jobs: analyzeJobs,
  pvc: analyzePvcs,
  node: analyzeNodes,
  hpa: analyzeHpas,
  pdb: analyzePdbs,
  networkpolicy: analyzeNetworkPolicies,
  webhooks: analyzeWebhooks,
  'config-refs': analyzeConfigRefs,
  pods: analyzePods,
  // Hygiene notes (nothing is broken): listed after every failure.
  'unused-configmaps': analyzeUnusedConfigMaps,
  'default-service-account': analyzeDefaultServiceAccount,
};

/** Failures before hygiene notes, then by severity. */
const rank = (f: AnalyzerFinding) => (f.hygiene ? SEVERITIES.length : 0) + SEVERITIES.indexOf(f.severity);

/** Drops findings another one already explains: objects in its covers, or the same object ending on the same root cause. */
export function dedupe(sorted: AnalyzerFinding[]): AnalyzerFinding[] {
  const covered = new Set(sorted.flatMap((f) => f.covers ?? []));
  const roots = new Set<string>();
  const out: AnalyzerFinding[] = [];
  for (const f of sorted) {
    if (covered.has(keyOf(f.object))) continue;
    const root = `${keyOf(f.object)}|${f.chain.at(-1) ?? f.analyzer}`;
    if (roots.has(root)) continue;
    roots.add(root);
    out.push(f);
  }
  return out;
}

/** Runs every analyzer over a snapshot: de-duplicated, failures first (most severe first), then hygiene notes. An analyzer that throws on odd data is skipped, not fatal. */
export function analyzeSnapshot(snapshot: Snapshot, options: AnalyzeOptions = {}): { findings: AnalyzerFinding[]; failed: string[] } {
  const all: AnalyzerFinding[] = [];
  const failed: string[] = [];
  for (const [name, analyzer] of Object.entries(ANALYZERS)) {
    try {
      // An object without a name is junk data, not something a person can act on.
      all.push(...analyzer(snapshot ?? {}, options).filter((f) => f.object.name));
    } catch {
      failed.push(name);
    }
  }
  const sorted = all
    .map((f, i) => ({ f, i }))
    .sort((a, b) => rank(a.f) - rank(b.f) || a.i - b.i)
    .map((x) => x.f);
  return { findings: dedupe(sorted), failed };
}

/** The findings as a kubectl-like table, then the chains and fixes of the first `detailed`. */
export function renderFindings(findings: AnalyzerFinding[], detailed = 5): string {
  if (findings.length === 0) return '';
  const table = renderTable(
    ['SEVERITY', 'OBJECT', 'ANALYZER', 'SUMMARY'],
    findings.map((f) => [`${f.severity.toUpperCase()}${f.hygiene ? ' (hygiene)' : ''}`, label(f.object), f.analyzer, f.summary]),
  );
  // Chains and fixes for failures first; hygiene notes get details only when nothing failed.
  const failures = findings.filter((f) => !f.hygiene);
  const details = (failures.length ? failures : findings).slice(0, detailed).map((f, i) => {
    const lines = [`${i + 1}. ${label(f.object)} (${f.analyzer})`, `   ${f.chain.join('\n   → ')}`];
    lines.push(`   Fix: ${f.fix.text}`);
    if (f.fix.command) lines.push(`   $ ${f.fix.command.join(' ')}`);
    return lines.join('\n');
  });
  return `${table}\n\n${details.join('\n\n')}`;
}
