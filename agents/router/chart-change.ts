/**
 * From a chart dev generated to a change (pure): the request's words say what to do with it —
 * write it into the workspace, install it as a release, or both. Each is a write like any other
 * (dry run, guardian, a person's approval by default); a chart that failed validation is never
 * proposed.
 */
import { z } from 'zod';
import type { ProposalStep } from '../../shared/execution/proposal.js';
import type { DraftedChange } from './change.js';

export const devChartAnswer = z.looseObject({
  skill: z.literal('generate-chart'),
  chart: z.object({ name: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/), files: z.record(z.string(), z.string()) }),
  /** The release's namespace is the plan's, when the request named one. */
  plan: z.looseObject({ namespace: z.string().optional() }).optional(),
  validation: z.looseObject({ passed: z.boolean() }).optional(),
  /** The objects the chart renders with its default values (Secret values masked): what the guardian judges. */
  rendered: z.array(z.looseObject({ object: z.record(z.string(), z.unknown()) })).optional(),
});
export type DevChartAnswer = z.infer<typeof devChartAnswer>;

export interface ChartIntent {
  write: boolean;
  install: boolean;
}

const WRITE = /\b(write|save|store|export|put)\b[^.?!]*\b(workspace|disk|director(y|ies)|folder|files?)\b|\b(to|into|in) (my|the) workspace\b/i;
const INSTALL = /\b(install|deploy|roll (it )?out|release)\b[^.?!]*\b(it|chart|cluster|namespace|release)\b|\band (install|deploy) it\b/i;

/** What the request asks to do with the chart: nothing (just show it), write it, install it. */
export function chartIntent(text: string): ChartIntent {
  return { write: WRITE.test(text), install: INSTALL.test(text) };
}

/** The workspace directory a chart is written to. */
export const chartDirectory = (name: string) => `charts/${name}`;

/**
 * The change for a chart answer and intent; `stagedChart` is where the layer keeps the exact
 * chart an install runs (needed only when installing).
 */
export function changeFromChartAnswer(data: DevChartAnswer, intent: ChartIntent, stagedChart?: string): DraftedChange | { reason: string } {
  if (!intent.write && !intent.install) return { reason: 'the request only asks for the chart (say "write it to the workspace" or "install it" to change something)' };
  if (data.validation && !data.validation.passed) return { reason: 'the chart does not pass validation (see dev\'s answer): nothing is proposed' };
  const { name, files } = data.chart;
  const namespace = data.plan?.namespace ?? 'default';
  const steps: ProposalStep[] = [];
  const verbs: string[] = [];
  if (intent.write) {
    const directory = chartDirectory(name);
    steps.push({ tool: 'workspace_write_files', args: { directory, files }, display: `write ${Object.keys(files).length} files to <workspace>/${directory}` });
    verbs.push(`write chart ${name} to the workspace (${directory})`);
  }
  if (intent.install) {
    if (!stagedChart) return { reason: 'the chart could not be kept for the install' };
    steps.push({
      tool: 'helm_install',
      args: { release: name, chart: stagedChart, namespace, createNamespace: namespace !== 'default' },
      display: `helm install ${name} <chart ${name}> --namespace ${namespace}${namespace !== 'default' ? ' --create-namespace' : ''}`,
    });
    verbs.push(`install chart ${name} as release ${name} in namespace ${namespace}`);
  }
  const verb = intent.install ? 'install' : 'write-files';
  return {
    verb,
    summary: verbs.join(', then '),
    steps,
    // The guardian judges the install by what the chart renders; a workspace write touches no cluster object.
    action: { verb, kind: 'HelmChart', name, ...(intent.install ? { namespace, ...(data.rendered?.length ? { manifest: data.rendered.map((r) => r.object) } : {}) } : {}) },
    secretKeys: [],
  };
}
