/**
 * generate-manifest: plan → generate → validate (k8s_validate, a server-side dry run on the
 * read-only kubernetes server) → self-heal what the server rejects → validate again (bounded).
 * Nothing is applied: the answer is YAML, the validation, and the kubectl commands to run.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { parseAllDocuments } from 'yaml';
import type { TaskResult } from '../../shared/a2a/parts.js';
import { withoutSecretValues } from '../../shared/redact.js';
import { toYaml } from '../../shared/yaml.js';
import { generateManifests, type Manifest, SECRET_PLACEHOLDER } from './generate.js';
import { type Fix, heal, type ObjectVerdict } from './heal.js';
import { kubectlCommand, shellQuote } from './kubectl.js';
import { type ManifestPlan, parseManifestRequest } from './request.js';
import { validateManifest } from './tools.js';

export const MAX_VALIDATION_ATTEMPTS = 3;

export interface ValidationAttempt {
  attempt: number;
  mode: 'create' | 'apply';
  valid: boolean;
  objects: Array<Pick<ObjectVerdict, 'kind' | 'name' | 'namespace' | 'status' | 'valid' | 'error'>>;
  fixes: Fix[];
}

export interface ValidationReport {
  /** The server was asked (false: the cluster or tool was unavailable; see error). */
  ran: boolean;
  /** Every object passed the server's dry run. */
  passed: boolean;
  attempts: ValidationAttempt[];
  fixes: Fix[];
  unfixable: string[];
  error?: string;
}

export interface CommandSuggestion {
  argv: string[];
  display: string;
  /** `manifest`: the YAML in `input` goes on stdin. */
  stdin?: 'manifest';
  /** What goes on stdin: the manifests without Secrets (those are created by their own command). */
  input?: string;
  changes: string;
}

export const manifestsYaml = (manifests: Manifest[]) => manifests.map((m) => toYaml(m)).join('\n---\n');

/** Manifest objects sent as YAML text in a request (a `manifest` data field, or YAML in the text). */
export function manifestsFrom(text: string): Manifest[] | undefined {
  if (!/^\s*apiVersion\s*:/m.test(text) || !/^\s*kind\s*:/m.test(text)) return undefined;
  const start = text.search(/^(---\s*$|apiVersion\s*:|kind\s*:)/m);
  try {
    const docs = parseAllDocuments(start >= 0 ? text.slice(start) : text);
    const objects = (Array.isArray(docs) ? docs : [docs]).map((d) => d.toJS() as unknown).filter((o): o is Manifest => !!o && typeof o === 'object' && 'kind' in o && 'apiVersion' in o && 'metadata' in o);
    return objects.length ? objects : undefined;
  } catch {
    return undefined;
  }
}

async function validateAndHeal(client: Client | undefined, start: Manifest[], progress: (text: string) => void, signal: AbortSignal): Promise<{ manifests: Manifest[]; report: ValidationReport }> {
  let manifests = start;
  let mode: 'create' | 'apply' = 'create';
  const report: ValidationReport = { ran: false, passed: false, attempts: [], fixes: [], unfixable: [] };
  for (let attempt = 1; attempt <= MAX_VALIDATION_ATTEMPTS + 1; attempt++) {
    progress(`Validating ${manifests.length} object${manifests.length === 1 ? '' : 's'} with a server-side dry run (attempt ${attempt}, ${mode})`);
    const r = await validateManifest(client, manifestsYaml(manifests), mode, signal);
    if (!r.ok || !r.structured) {
      if (report.attempts.length === 0) report.error = r.text;
      else report.unfixable.push(`validation could not run again: ${r.text}`);
      break;
    }
    report.ran = true;
    const verdicts = r.structured.objects;
    const entry: ValidationAttempt = {
      attempt,
      mode,
      valid: r.structured.valid,
      objects: verdicts.map((v) => ({ kind: v.kind, name: v.name, namespace: v.namespace, status: v.status, valid: v.valid, error: v.error })),
      fixes: [],
    };
    report.attempts.push(entry);
    if (mode === 'create' && verdicts.some((v) => v.status === 'exists') && verdicts.every((v) => v.valid)) {
      progress(`${verdicts.filter((v) => v.status === 'exists').map((v) => `${v.kind}/${v.name}`).join(', ')} exists already: checking what applying over it would do`);
      // Objects that exist already: what matters is whether applying over them works.
      mode = 'apply';
      continue;
    }
    if (r.structured.valid) {
      report.passed = true;
      report.unfixable = [];
      break;
    }
    if (attempt > MAX_VALIDATION_ATTEMPTS) break;
    const healed = heal(manifests, verdicts);
    report.unfixable = healed.unfixable;
    if (healed.fixes.length === 0) break;
    entry.fixes = healed.fixes;
    report.fixes.push(...healed.fixes);
    progress(`Fixed: ${healed.fixes.map((f) => f.description).join('; ')}`);
    manifests = healed.manifests;
  }
  return { manifests, report };
}

/** The commands that create what the manifests describe; Secrets through `kubectl create secret generic` with *** for values. */
export function commandsFor(manifests: Manifest[]): CommandSuggestion[] {
  const commands: CommandSuggestion[] = [];
  const secrets = manifests.filter((m) => m.kind === 'Secret');
  const others = manifests.filter((m) => m.kind !== 'Secret');
  const onlyNamespaces = others.length > 0 && others.every((m) => m.kind === 'Namespace');
  if (onlyNamespaces) {
    for (const ns of others) {
      const argv = ['kubectl', 'create', 'namespace', ns.metadata.name];
      commands.push({ argv, display: argv.map(shellQuote).join(' '), changes: `creates namespace ${ns.metadata.name}` });
    }
  } else if (others.length > 0) {
    const argv = ['kubectl', 'apply', '-f', '-'];
    commands.push({
      argv,
      display: `kubectl apply -f - <<EOF … (the YAML above${secrets.length ? ', without the Secret' : ''})`,
      stdin: 'manifest',
      input: manifestsYaml(others),
      changes: `creates or updates ${others.map((m) => `${m.kind} ${m.metadata.name}`).join(', ')}`,
    });
  }
  for (const s of secrets) {
    const keys = Object.keys((s.stringData as Record<string, string> | undefined) ?? (s.data as Record<string, string> | undefined) ?? { value: '' });
    const cmd = kubectlCommand({ verb: 'create-secret', name: s.metadata.name, keys, ...(s.metadata.namespace ? { namespace: s.metadata.namespace } : {}) });
    commands.push({ argv: cmd.argv, display: cmd.display, changes: cmd.changes });
  }
  return commands;
}

function describePlan(plan: ManifestPlan): string {
  const parts = plan.kinds.map((k) => {
    if (k === 'Deployment') return `a Deployment of ${plan.image} with ${plan.replicas ?? 1} replica${(plan.replicas ?? 1) === 1 ? '' : 's'}`;
    if (k === 'CronJob') return `a CronJob running ${plan.image ?? 'busybox'} ${plan.scheduleText ? `(${plan.scheduleText} → "${plan.schedule}")` : ''}`.trim();
    if (k === 'Job') return `a Job running ${plan.image ?? 'busybox'}`;
    return `a ${k}`;
  });
  return `${parts.join(', ')}${plan.namespace ? ` in namespace ${plan.namespace}` : ''}`;
}

/** The plan as it may be shown: keys of a Secret, never values (none are kept). */
function publicPlan(plan: ManifestPlan): Record<string, unknown> {
  const { notes: _notes, ...rest } = plan;
  return rest;
}

const UNDERSTOOD_EXAMPLES = ['Create a deployment of nginx with 2 replicas and a service', 'Write a CronJob that runs busybox every hour', 'Generate a ConfigMap named app-settings with LOG_LEVEL=debug', 'Create a secret in namespace dev with value …'];

export async function generateManifestSkill(client: Client | undefined, text: string, dataManifest: string | undefined, progress: (text: string) => void, signal: AbortSignal): Promise<TaskResult> {
  const given = dataManifest !== undefined ? manifestsFrom(dataManifest) : manifestsFrom(text);
  let plan: ManifestPlan | undefined;
  let manifests: Manifest[];
  let notes: string[];
  if (given) {
    manifests = given.map(withoutSecretValues);
    notes = ['The manifest you sent was validated as given (and fixed where the server rejected something fixable).'];
    progress(`Validating the ${given.length} object${given.length === 1 ? '' : 's'} you sent`);
  } else {
    plan = parseManifestRequest(text);
    const needsImage = plan.kinds.includes('Deployment') && !plan.image;
    if (plan.kinds.length === 0 || needsImage) {
      const why = needsImage ? 'which image the Deployment should run (say "of nginx" or "image nginx:1.27")' : 'which objects to generate';
      return {
        text: `I could not work out ${why} from that request, so I generated nothing. I generate Deployments, Services, ConfigMaps, Secrets, Jobs and CronJobs from requests like: ${UNDERSTOOD_EXAMPLES.map((e) => `"${e}"`).join('; ')}. You can also send a manifest (YAML) to validate. This agent parses requests without a model.`,
        data: { skill: 'generate-manifest', understood: false, plan: publicPlan(plan), manifests: [], kubectl: [], applied: false },
      };
    }
    progress(`Plan: ${describePlan(plan)}`);
    const generated = generateManifests(plan);
    manifests = generated.manifests;
    notes = generated.notes;
  }

  const { manifests: final, report } = await validateAndHeal(client, manifests, progress, signal);
  const yaml = manifestsYaml(final);
  const commands = commandsFor(final);
  const last = report.attempts.at(-1);

  const validationText = !report.ran
    ? `Not validated: the server could not be asked (${report.error ?? 'unknown error'}). The YAML below is unchecked.`
    : report.passed
      ? `Validated by the API server (server-side dry run${report.attempts.length > 1 ? `, ${report.attempts.length} attempts` : ''}; nothing was created).`
      : `The API server still rejects part of this (dry run; nothing was created):\n${report.unfixable.map((u) => `- ${u}`).join('\n')}`;
  const existing = report.attempts.flatMap((a) => a.objects.filter((o) => o.status === 'exists').map((o) => `${o.kind}/${o.name}${o.namespace ? ` in ${o.namespace}` : ''}`));
  const lines = [
    plan ? `Generated ${describePlan(plan)}.` : `Checked ${final.length} object${final.length === 1 ? '' : 's'}.`,
    validationText,
    ...(existing.length ? [`${[...new Set(existing)].join(', ')} exist${existing.length === 1 ? 's' : ''} already: applying this changes ${existing.length === 1 ? 'it' : 'them'} (validated as a server-side apply).`] : []),
    ...(report.fixes.length ? ['', 'Fixed after the server rejected it:', ...report.fixes.map((f) => `- ${f.object}: ${f.description}`)] : []),
    ...(last ? ['', ...last.objects.map((o) => `- ${o.kind}/${o.name}${o.namespace ? ` -n ${o.namespace}` : ''}: ${o.status}`)] : []),
    '',
    '```yaml',
    yaml,
    '```',
    '',
    'To create it (nothing was applied by me):',
    ...commands.map((c) => `  ${c.display}${c.changes ? `   # ${c.changes}` : ''}`),
    ...(notes.length ? ['', ...notes.map((n) => `Note: ${n}`)] : []),
  ];
  return {
    text: lines.join('\n'),
    data: {
      skill: 'generate-manifest',
      understood: true,
      ...(plan ? { plan: publicPlan(plan) } : {}),
      manifests: final,
      yaml,
      validation: report,
      kubectl: commands.map((c) => c.argv),
      commands,
      notes,
      applied: false,
      secretPlaceholder: final.some((m) => m.kind === 'Secret') ? SECRET_PLACEHOLDER : undefined,
    },
  };
}
