import { z } from 'zod';
import { EXECUTION_MODES, type ExecutionMode } from '../config.js';
import type { Verdict } from '../policy/judge.js';

/** One object a write touched (or would touch), in kubectl's words: "deployment.apps/web configured". */
export interface ObjectChange {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  /** created, configured, unchanged, deleted, patched, scaled, restarted, rolled back, labeled, evicted, … */
  action: string;
}

/** How far a change reaches (the same shape the crew's proposals use). */
export interface BlastRadius {
  /** Objects created, changed or deleted. */
  objects: number;
  /** Namespaces those objects are in (none: cluster-scoped only). */
  namespaces: string[];
  /** Replicas a scale-down removes. */
  replicasLost: number;
  /** Pods a drain evicts or a delete takes with it, when known. */
  podsEvicted: number;
}

/** Whether a change can be taken back, and the step that does it. */
export interface Reversibility {
  reversible: boolean;
  /** The undo step in words and tool calls ("k8s_scale deployment.apps/web -n shop replicas=3"), or why there is none. */
  undo: string;
}

/** The guardian's word on a write (shared/policy judge): the verdict, why, and the rules behind it. */
export interface GuardianVerdict {
  verdict: Verdict;
  reasons: string[];
  rules: string[];
}

export interface ChangeReport {
  dryRun: boolean;
  /** One or two sentences: what happened or would happen, with its blast radius. */
  summary: string;
  changes: ObjectChange[];
  /** Unified diff, Secret values masked; empty when there is nothing to compare. */
  diff: string;
  guardian?: GuardianVerdict | undefined;
  blastRadius?: BlastRadius | undefined;
  reversibility?: Reversibility | undefined;
  /** The server's execution mode; `propose` turns every write into a dry run. */
  executionMode?: ExecutionMode | undefined;
}

/** The output schema every write tool shares (kubernetes and helm alike). */
export const changeOutput = {
  dryRun: z.boolean().describe('true: nothing was changed; this is what the change would do'),
  summary: z.string(),
  changes: z.array(
    z.object({
      kind: z.string(),
      apiVersion: z.string(),
      name: z.string(),
      namespace: z.string().nullable(),
      action: z.string(),
    }),
  ),
  diff: z.string().describe('unified diff of the objects before and after (Secret values masked); empty when nothing changes'),
  guardian: z
    .object({ verdict: z.enum(['allow', 'require-approval', 'deny']), reasons: z.array(z.string()), rules: z.array(z.string()) })
    .optional()
    .describe('the guardian policy\'s verdict on this change: allow, require-approval (a person is asked) or deny (refused), with reasons and rule ids'),
  blastRadius: z
    .object({ objects: z.number().int(), namespaces: z.array(z.string()), replicasLost: z.number().int(), podsEvicted: z.number().int() })
    .optional()
    .describe('how far the change reaches: objects touched, their namespaces, replicas a scale-down removes, pods evicted or deleted'),
  reversibility: z.object({ reversible: z.boolean(), undo: z.string() }).optional().describe('whether the change can be undone, and the step that undoes it'),
  executionMode: z.enum(EXECUTION_MODES).optional().describe('the server\'s execution mode: in propose every write is only a dry run'),
};

/** kubectl's way of naming an object in a result line: `deployment.apps/web`, `service/web`. */
export function objectRef(change: Pick<ObjectChange, 'kind' | 'apiVersion' | 'name'>): string {
  const group = change.apiVersion.includes('/') ? `.${change.apiVersion.split('/')[0]}` : '';
  return `${change.kind.toLowerCase()}${group}/${change.name}`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 objects, namespace shop, 2 replicas lost": a blast radius in one line. */
export function describeReach(radius: BlastRadius): string {
  return [
    plural(radius.objects, 'object'),
    radius.namespaces.length ? `namespace${radius.namespaces.length === 1 ? '' : 's'} ${radius.namespaces.join(', ')}` : 'cluster-scoped',
    ...(radius.replicasLost ? [`${plural(radius.replicasLost, 'replica')} lost`] : []),
    ...(radius.podsEvicted ? [`${plural(radius.podsEvicted, 'pod')} evicted or deleted`] : []),
  ].join(', ');
}

/** The guardian's part of a report: its verdict with reasons and rules, the reach, the undo step. */
export function renderAssessment(report: Pick<ChangeReport, 'guardian' | 'blastRadius' | 'reversibility'>): string[] {
  const { guardian, blastRadius, reversibility } = report;
  return [
    ...(guardian ? [`Guardian: ${guardian.verdict}${guardian.rules.length ? ` (${guardian.rules.join(', ')})` : ''} — ${guardian.reasons.join(' ')}`] : []),
    ...(blastRadius ? [`Blast radius: ${describeReach(blastRadius)}.`] : []),
    ...(reversibility ? [`Undo: ${reversibility.undo}`] : []),
  ];
}

/** How an operator lets a server in propose mode change the cluster. */
export const ENABLE_EXECUTION = 'an operator sets execution.mode=execute (K8S_EXPERTS_EXECUTION_MODE=execute)';

/** kubectl-like lines ("deployment.apps/web configured (server dry run)"), the guardian's assessment, then the diff. */
export function renderChangeReport(report: ChangeReport): string {
  const suffix = report.dryRun ? ' (server dry run)' : '';
  const lines = report.changes.map((c) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''} ${c.action}${suffix}`);
  const proposeOnly = report.dryRun && report.executionMode === 'propose';
  const head = proposeOnly
    ? `PROPOSE MODE — nothing was changed: this server only proposes (execution mode "propose"), so the call ran as a server-side dry run. ${report.summary}`
    : `${report.dryRun ? 'DRY RUN — nothing was changed. ' : ''}${report.summary}`;
  const assessment = renderAssessment(report);
  return [
    head,
    ...assessment,
    ...(lines.length ? ['', ...lines] : []),
    ...(report.diff ? ['', report.diff] : []),
    ...(proposeOnly ? ['', `To make changes, ${ENABLE_EXECUTION}.`] : []),
  ].join('\n');
}
