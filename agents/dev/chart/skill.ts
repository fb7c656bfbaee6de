/**
 * generate-chart: a Helm chart from a request — plan (structured `{ chart: {...} }` or plain
 * words; what matters and is missing is asked, input-required) → generate the files → validate
 * (helm lint --strict, helm template, server-side dry run) → self-heal in bounded rounds → the
 * answer, with the rendered objects for the security agent's review (the router asks it). Nothing is written anywhere but a private temp dir, deleted afterwards;
 * `chart.files` is meant to be written as is by whoever has approval to write.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { TaskResult } from '../../../shared/a2a/parts.js';
import { scrubValues, secretValuesIn } from '../../../shared/secret-literals.js';
import { renderTable } from '../../../shared/table.js';
import { completePlan, type Question } from './complete.js';
import { chartFiles, fileTree } from './files.js';
import { validateAndHealChart } from './self-heal.js';
import { type ChartPlan, type ChartSpec, chartSpecSchema, mergeSpecs, specFromData } from './spec.js';
import type { ChartValidation } from './validate.js';
import { chartSpecFromWords } from './words.js';

export interface ChartSkillInput {
  text: string;
  data: readonly unknown[];
  /** The partial plan of an earlier turn of this task that asked questions. */
  previous?: ChartSpec | undefined;
  rounds?: number;
}

export interface ChartSkillDeps {
  helm?: Client | undefined;
  kubernetes?: Client | undefined;
  progress: (text: string) => void;
  signal: AbortSignal;
}

/** The partial plan an input-required answer carried, if this message answers one of ours. */
export function previousChartSpec(statusData: readonly unknown[]): ChartSpec | undefined {
  for (const d of statusData) {
    if (typeof d !== 'object' || d === null || (d as { skill?: unknown }).skill !== 'generate-chart') continue;
    const parsed = chartSpecSchema.safeParse((d as { plan?: unknown }).plan ?? {});
    if (parsed.success) return parsed.data;
  }
  return undefined;
}

function describePlan(plan: ChartPlan): string {
  const parts = [
    `${plan.workload} of ${plan.image.repository}:${plan.image.tag}`,
    plan.scaling.hpa ? `autoscaled ${plan.scaling.hpa.min}-${plan.scaling.hpa.max} replicas at ${plan.scaling.hpa.targetCPU}% CPU` : `${plan.scaling.replicas} replica${plan.scaling.replicas === 1 ? '' : 's'}`,
    plan.ports.length ? `port${plan.ports.length > 1 ? 's' : ''} ${plan.ports.map((p) => p.port).join(', ')}` : 'no ports',
    plan.exposure.service ? `${plan.exposure.service.type} Service` : 'no Service',
    ...(plan.exposure.ingress ? [`Ingress ${plan.exposure.ingress.host}${plan.exposure.ingress.path}${plan.exposure.ingress.tls ? ' (TLS)' : ''}`] : []),
    ...(plan.storage ? [`${plan.storage.size} storage at ${plan.storage.mountPath}${plan.workload === 'StatefulSet' ? ' per replica' : ''}`] : []),
    ...(Object.keys(plan.config).length ? [`config ${Object.keys(plan.config).join(', ')}`] : []),
    ...(plan.secrets.length ? [`secret keys ${plan.secrets.join(', ')} (values at install time)`] : []),
    ...(plan.probes ? [`${plan.probes.type.toUpperCase()} probes`] : []),
    ...(plan.serviceAccount ? ['own ServiceAccount'] : []),
    ...(plan.networkPolicy ? ['NetworkPolicy'] : []),
    ...(plan.pdb ? [`PDB minAvailable ${plan.pdb.minAvailable}`] : []),
  ];
  return `chart ${plan.name}: ${parts.join(', ')}`;
}

function validationTable(v: ChartValidation): string {
  const lintDetail = v.lint.messages.filter((m) => m.severity !== 'INFO').map((m) => `${m.severity}: ${m.text}`)[0] ?? (v.lint.output ? v.lint.output.split('\n')[0] : `${v.lint.messages.length} info message(s)`);
  const invalid = v.dryRun.objects.filter((o) => !o.valid);
  return renderTable(
    ['check', 'result', 'detail'],
    [
      ['helm lint --strict', !v.lint.ran ? 'not run' : v.lint.ok ? 'passed' : 'FAILED', (lintDetail ?? '').slice(0, 120)],
      ['helm template', !v.template.ran ? 'not run' : v.template.ok ? 'passed' : 'FAILED', v.template.ok ? `${v.template.kinds.length} objects: ${[...new Set(v.template.kinds)].join(', ')}` : (v.template.error ?? '').split('\n')[0]!.slice(0, 120)],
      ['dry run (server)', !v.dryRun.ran ? 'not run' : v.dryRun.ok ? 'passed' : 'FAILED', v.dryRun.ran ? (invalid.length ? `${invalid.length} rejected: ${invalid.map((o) => `${o.kind}/${o.name}`).join(', ')}` : `${v.dryRun.objects.length} objects valid in namespace ${v.dryRun.namespace}`) : (v.dryRun.error ?? '').slice(0, 120)],
    ],
  );
}

/** One sentence: what passed, what could not run. */
function verdictOf(v: ChartValidation, fixes: number): string {
  if (!v.helm) return 'Not validated with helm: the helm MCP server is not connected to this agent, so helm lint and helm template could not run (the files are unchecked).';
  if (!v.dryRun.ran && v.lint.ok && v.template.ok) return `The chart passes helm lint --strict and helm template, but the server-side dry run could not run (${v.dryRun.error ?? 'unknown reason'}). Nothing was installed.`;
  if (v.passed) return `The chart passes helm lint --strict, helm template and a server-side dry run of every object${fixes ? ` (after ${fixes} fix${fixes === 1 ? '' : 'es'})` : ''}. Nothing was installed.`;
  return 'The chart does NOT pass every check yet (see what is left). Nothing was installed.';
}

function questionsAnswer(questions: Question[], spec: ChartSpec): TaskResult {
  return {
    inputRequired: true,
    text: [
      'To generate the chart I need to know:',
      ...questions.map((q) => `- ${q.question} (e.g. "${q.example}")`),
      '',
      'Answer on this task in plain words (e.g. "image nginx:1.27, port 8080") or with a data part { chart: { ... } }.',
    ].join('\n'),
    data: { skill: 'generate-chart', questions, plan: spec },
  };
}

export async function generateChartSkill(input: ChartSkillInput, deps: ChartSkillDeps): Promise<TaskResult> {
  const structured = specFromData(input.data);
  if (structured && 'error' in structured) {
    return {
      text: `The chart spec was not accepted: ${structured.error}. Fix that field (or describe the app in plain words) and send it again.`,
      data: { skill: 'generate-chart', understood: false, error: structured.error },
    };
  }
  const given = structured ? mergeSpecs(chartSpecFromWords(input.text), structured.spec) : chartSpecFromWords(input.text);
  const spec = input.previous ? mergeSpecs(input.previous, given) : given;
  // Values the request gave secrets (and anything the shared detector takes for one), except
  // what the person asked to be plain config.
  const configValues = new Set(Object.values(spec.config ?? {}));
  const secretValues = [...secretValuesIn(input.text).filter((v) => !configValues.has(v)), ...(structured?.secretValues ?? [])];

  const completion = completePlan(spec);
  if ('questions' in completion) return scrubValues(questionsAnswer(completion.questions, spec), secretValues);
  const { plan, assumptions } = completion;
  deps.progress(`Plan: ${describePlan(plan)}`);

  const generated = chartFiles(plan);
  const result = await validateAndHealChart({ helm: deps.helm, kubernetes: deps.kubernetes }, generated, {
    ...(input.rounds !== undefined ? { rounds: input.rounds } : {}),
    ...(plan.namespace ? { namespace: plan.namespace } : {}),
    release: plan.name,
    signal: deps.signal,
    progress: deps.progress,
  });
  const v = result.validation;
  const verdict = verdictOf(v, result.fixes.length);
  const lines = [
    `Generated ${describePlan(plan)}.`,
    verdict,
    ...(v.dryRun.note ? [`Note: ${v.dryRun.note}.`] : []),
    '',
    'Assumptions (say otherwise to change them):',
    ...assumptions.map((a) => `- ${a}`),
    '',
    'Files:',
    fileTree(plan.name, result.files),
    '',
    validationTable(v),
    ...(result.fixes.length ? ['', 'Fixed:', ...result.fixes.map((f) => `- ${f.file}: ${f.what} — ${f.why}`)] : []),
    ...(result.unfixed.length ? ['', 'Left to fix:', ...result.unfixed.map((u) => `- ${u}`)] : []),
    '',
    `To install (not done by me): write the files to a directory ${plan.name}/ and run helm install ${plan.name} ./${plan.name}${plan.namespace ? ` -n ${plan.namespace} --create-namespace` : ''}${plan.secrets.length ? ` ${plan.secrets.map((k) => `--set-file secrets.${k}=<file>`).join(' ')}` : ''}.`,
  ];
  const answer: TaskResult = {
    text: lines.join('\n'),
    data: {
      skill: 'generate-chart',
      understood: true,
      plan,
      assumptions,
      chart: { name: plan.name, files: result.files },
      validation: v,
      /** The objects `helm template` rendered (Secret values masked), each with its template. */
      rendered: result.rendered,
      fixes: result.fixes,
      unfixed: result.unfixed,
      rounds: result.rounds,
      applied: false,
    },
  };
  // Defence in depth: a value given for a secret appears nowhere in the answer.
  return scrubValues(answer, secretValues);
}
