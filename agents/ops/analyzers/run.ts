/**
 * The analyze-cluster skill's I/O: the namespace a request names (else the whole cluster), one
 * snapshot through the kubernetes MCP read tools, every analyzer over it; answered as a
 * severity table with the top findings' chains and fixes, and every finding in the data part.
 */
import type { TaskResult } from '../../../shared/a2a/parts.js';
import type { ToolBox } from '../../../shared/reasoning/engine.js';
import { tryTool } from '../../../shared/reasoning/toolbox.js';
import { candidateNames } from '../skills.js';
import { collectSnapshot } from './collector.js';
import { analyzeSnapshot, renderFindings } from './index.js';
import { SEVERITIES } from './types.js';

/** The namespace a request asks about: an existing one it names, or `missing` for "namespace X" that does not exist. */
export function namespaceOfRequest(text: string, namespaces: string[]): { namespace?: string; missing?: string } {
  const explicit = /\bnamespace\s+["'`]?([a-z0-9]([a-z0-9-]*[a-z0-9])?)\b/i.exec(text)?.[1] ?? /\b([a-z0-9]([a-z0-9-]*[a-z0-9])?)\s+namespace\b/i.exec(text)?.[1];
  if (explicit && !['the', 'a', 'this', 'that', 'each', 'every', 'any', 'one'].includes(explicit.toLowerCase())) {
    const lower = explicit.toLowerCase();
    return namespaces.includes(lower) ? { namespace: lower } : { missing: lower };
  }
  const hit = candidateNames(text).find((w) => namespaces.includes(w));
  return hit ? { namespace: hit } : {};
}

export interface AnalyzeRunOptions {
  signal?: AbortSignal;
  /** Objects per kind (default 200). */
  limit?: number;
  now?: number;
}

export async function runAnalyze(tools: ToolBox, text: string, progress: (t: string) => void, options: AnalyzeRunOptions = {}): Promise<TaskResult> {
  const listed = await tryTool<{ namespaces?: Array<{ name?: string }> }>(tools, 'k8s_namespaces', {}, options.signal);
  const namespaces = (listed.structured?.namespaces ?? []).map((n) => n?.name).filter((n): n is string => typeof n === 'string');
  const scope = namespaceOfRequest(text, namespaces);
  if (scope.missing) {
    return {
      text: `There is no namespace "${scope.missing}". Namespaces: ${namespaces.join(', ') || '(none readable)'}. Ask about one of them, or "scan the cluster for problems".`,
      data: { skill: 'analyze-cluster', found: false, lookedFor: scope.missing, namespaces },
    };
  }
  const where = scope.namespace ? `namespace ${scope.namespace}` : 'the cluster';
  progress(`Reading a snapshot of ${where}`);
  const { snapshot, notes, counts } = await collectSnapshot(tools, {
    ...(scope.namespace ? { namespace: scope.namespace } : {}),
    ...(options.limit ? { limit: options.limit } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    progress,
  });
  if (!listed.ok) notes.unshift(`namespaces: not read (${listed.text.split('\n')[0]})`);
  progress(`Analyzing ${Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)} objects`);
  const { findings, failed } = analyzeSnapshot(snapshot, options.now !== undefined ? { now: options.now } : {});
  if (failed.length) notes.push(`analyzers that failed on odd data and were skipped: ${failed.join(', ')}`);
  const objects = Object.entries(counts)
    .filter(([, n]) => n)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  // Hygiene notes (an unused ConfigMap, the default ServiceAccount) are shown but are not problems.
  const failures = findings.filter((f) => !f.hygiene);
  const hygiene = findings.length - failures.length;
  const bySeverity = SEVERITIES.map((s) => [s, failures.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  const notesText = notes.length ? `\n\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : '';
  const hygieneText = hygiene ? `${hygiene} hygiene note(s)` : '';
  const head = failures.length
    ? `${failures.length} problem(s) in ${where} (${bySeverity.map(([s, n]) => `${n} ${s}`).join(', ')})${hygiene ? `, and ${hygieneText}` : ''}:`
    : `No problems found in ${where} (checked ${objects || 'no objects'})${hygiene ? `; ${hygieneText}:` : '.'}`;
  return {
    text: `${head}${findings.length ? `\n${renderFindings(findings)}` : ''}${notesText}`,
    data: { skill: 'analyze-cluster', scope: { namespace: scope.namespace ?? null }, findings, counts, notes },
  };
}
