import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Confirm } from './confirm.js';
import { toolResult } from './result.js';

/** One object a write touched (or would touch), in kubectl's words: "deployment.apps/web configured". */
export interface ObjectChange {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  /** created, configured, unchanged, deleted, patched, scaled, restarted, rolled back, labeled, evicted, … */
  action: string;
}

export interface ChangeReport {
  dryRun: boolean;
  /** One or two sentences: what happened or would happen, with its blast radius. */
  summary: string;
  changes: ObjectChange[];
  /** Unified diff, Secret values masked; empty when there is nothing to compare. */
  diff: string;
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
};

/** kubectl's way of naming an object in a result line: `deployment.apps/web`, `service/web`. */
export function objectRef(change: Pick<ObjectChange, 'kind' | 'apiVersion' | 'name'>): string {
  const group = change.apiVersion.includes('/') ? `.${change.apiVersion.split('/')[0]}` : '';
  return `${change.kind.toLowerCase()}${group}/${change.name}`;
}

/** kubectl-like lines ("deployment.apps/web configured (server dry run)"), then the diff. */
export function renderChangeReport(report: ChangeReport): string {
  const suffix = report.dryRun ? ' (server dry run)' : '';
  const lines = report.changes.map((c) => `${objectRef(c)}${c.namespace ? ` -n ${c.namespace}` : ''} ${c.action}${suffix}`);
  const head = `${report.dryRun ? 'DRY RUN — nothing was changed. ' : ''}${report.summary}`;
  return [head, ...(lines.length ? ['', ...lines] : []), ...(report.diff ? ['', report.diff] : [])].join('\n');
}

function changeResult(report: ChangeReport): CallToolResult {
  return toolResult(renderChangeReport(report), { ...report });
}

export interface PreviewThenRun {
  /** The caller asked only for a preview. */
  dryRun: boolean;
  /** Whether this change needs a person's yes (destructive, or overwriting what is there). */
  needsConfirmation: (preview: Omit<ChangeReport, 'dryRun'>) => boolean;
  /** One line for the confirmation: "delete deployment.apps/web -n shop". */
  action: string;
  confirm: Confirm;
  /** Runs the change, as a server-side dry run or for real, and says what it did. */
  execute: (dryRun: boolean) => Promise<Omit<ChangeReport, 'dryRun'>>;
}

/**
 * The one path every write takes: a server-side dry run first (the preview, and all that a
 * dryRun call returns), then the person's confirmation when the preview says one is needed,
 * then the change itself — so what is confirmed is what the server said would happen.
 */
export async function previewThenRun(write: PreviewThenRun): Promise<CallToolResult> {
  const preview = await write.execute(true);
  if (write.dryRun) return changeResult({ dryRun: true, ...preview });
  if (write.needsConfirmation(preview)) {
    await write.confirm({ action: write.action, details: renderChangeReport({ dryRun: true, ...preview }) });
  }
  return changeResult({ dryRun: false, ...(await write.execute(false)) });
}
