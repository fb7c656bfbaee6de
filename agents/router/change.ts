/**
 * From what dev drafted to a change the execution layer can propose (pure): manifests become
 * k8s_apply / k8s_create steps (Secrets created on their own, values as the placeholder), a
 * kubectl intent becomes the matching write tool. And from the layer's outcome back to an
 * answer a person reads, with the approval request when one is needed.
 */
import { z } from 'zod';
import { type ApprovalRequest, HOW_TO_ANSWER } from '../../shared/execution/approval.js';
import type { ChangeOutcome } from '../../shared/execution/layer.js';
import { type ProposalStep, renderProposal } from '../../shared/execution/proposal.js';
import { EXECUTION_MODES, type ExecutionMode } from '../../shared/config.js';
import { MASK, withoutSecretValues } from '../../shared/redact.js';
import { toYaml } from '../../shared/yaml.js';
import { isRecord } from '../../shared/records.js';

export interface DraftedChange {
  verb: string;
  summary: string;
  steps: ProposalStep[];
  action: Record<string, unknown>;
  /** The Secret keys whose values the request must supply. */
  secretKeys: string[];
}

interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [k: string]: unknown;
}

const manifestSchema = z.looseObject({ apiVersion: z.string().min(1), kind: z.string().min(1), metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }) });

const devManifestAnswer = z.looseObject({
  skill: z.literal('generate-manifest'),
  understood: z.literal(true),
  manifests: z.array(manifestSchema).min(1),
  validation: z.looseObject({ passed: z.boolean() }).optional(),
  commands: z.array(z.looseObject({ argv: z.array(z.string()), display: z.string() })).default([]),
});

const devKubectlAnswer = z.looseObject({
  skill: z.literal('kubectl-command'),
  understood: z.literal(true),
  readOnly: z.boolean(),
  display: z.string(),
  currentReplicas: z.number().int().optional(),
  intent: z.looseObject({
    verb: z.string(),
    resource: z.string().optional(),
    name: z.string().optional(),
    namespace: z.string().optional(),
    replicas: z.number().int().optional(),
    keys: z.array(z.string()).optional(),
    values: z.record(z.string(), z.string()).optional(),
  }),
});

const objectsText = (objects: ManifestObject[]) => {
  const listed = objects.slice(0, 4).map((o) => `${o.kind} ${o.metadata.name}`).join(', ');
  const names = objects.length > 4 ? `${objects.length} objects (${listed}, …)` : listed;
  const namespaces = [...new Set(objects.map((o) => o.metadata.namespace).filter(Boolean))];
  return `${names}${namespaces.length ? ` in namespace ${namespaces.join(', ')}` : ''}`;
};

/** A Secret with every value as the placeholder, and the keys whose values the request must give. */
function secretWithPlaceholders(secret: ManifestObject): { object: ManifestObject; keys: string[] } {
  const object = withoutSecretValues(secret);
  return { object, keys: Object.keys(object.stringData as Record<string, string>) };
}

function fromManifests(data: z.infer<typeof devManifestAnswer>): DraftedChange | { reason: string } {
  if (data.validation && !data.validation.passed) return { reason: 'the API server rejects part of the draft (see dev\'s answer): fix that first, nothing is proposed' };
  const objects = data.manifests as ManifestObject[];
  const secrets = objects.filter((o) => o.kind === 'Secret').map(secretWithPlaceholders);
  const others = objects.filter((o) => o.kind !== 'Secret');
  const steps: ProposalStep[] = [];
  if (others.length) steps.push({ tool: 'k8s_apply', args: { manifest: others.map((o) => toYaml(o)).join('\n---\n') }, display: `kubectl apply -f - <<EOF … (${others.map((o) => `${o.kind} ${o.metadata.name}`).join(', ')})` });
  for (const { object } of secrets) {
    const command = data.commands.find((c) => c.argv.includes('secret') && c.argv.includes(object.metadata.name));
    steps.push({ tool: 'k8s_create', args: { manifest: toYaml(object) }, display: command?.display ?? `kubectl create secret generic ${object.metadata.name}${object.metadata.namespace ? ` -n ${object.metadata.namespace}` : ''}` });
  }
  const all = [...others, ...secrets.map((s) => s.object)];
  const verb = others.length === 0 ? 'create' : 'apply';
  return {
    verb,
    summary: `${verb} ${objectsText(all)}`,
    steps,
    action: { verb, manifest: all.map((o) => toYaml(o)).join('\n---\n') },
    secretKeys: secrets.flatMap((s) => s.keys),
  };
}

function fromKubectl(data: z.infer<typeof devKubectlAnswer>): DraftedChange | { reason: string } {
  if (data.readOnly) return { reason: 'the command only reads' };
  const i = data.intent;
  const where = i.namespace ? ` in namespace ${i.namespace}` : '';
  // kubectl's resource word in the singular ("deployments" → "deployment", "ingresses" → "ingress").
  const kind = (i.resource ?? 'deployment').replace(/(ss)es$|s$/, '$1');
  const target = { kind, name: i.name, ...(i.namespace ? { namespace: i.namespace } : {}) };
  const step = (tool: string, args: Record<string, unknown>): ProposalStep => ({ tool, args, display: data.display });
  switch (i.verb) {
    case 'scale':
      if (!i.name || i.replicas === undefined) return { reason: 'the scale names no object or no replica count' };
      return {
        verb: 'scale',
        summary: `scale ${target.kind} ${i.name}${where} to ${i.replicas} replica${i.replicas === 1 ? '' : 's'}${data.currentReplicas !== undefined ? ` (from ${data.currentReplicas})` : ''}`,
        steps: [step('k8s_scale', { ...target, replicas: i.replicas, ...(data.currentReplicas !== undefined ? { currentReplicas: data.currentReplicas } : {}) })],
        action: { verb: 'scale', ...target, replicas: i.replicas },
        secretKeys: [],
      };
    case 'restart':
    case 'delete':
      if (!i.name) return { reason: `the ${i.verb} names no object` };
      return { verb: i.verb, summary: `${i.verb} ${target.kind} ${i.name}${where}`, steps: [step(i.verb === 'restart' ? 'k8s_rollout_restart' : 'k8s_delete', target)], action: { verb: i.verb, ...target }, secretKeys: [] };
    case 'create-secret': {
      const keys = i.keys?.length ? i.keys : ['value'];
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: i.name ?? 'app-secret', ...(i.namespace ? { namespace: i.namespace } : {}) }, type: 'Opaque', stringData: Object.fromEntries(keys.map((k) => [k, MASK])) };
      const manifest = toYaml(secret);
      return { verb: 'create', summary: `create Secret ${secret.metadata.name}${where}`, steps: [step('k8s_create', { manifest })], action: { verb: 'create', manifest }, secretKeys: keys };
    }
    case 'create-configmap': {
      const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: i.name ?? 'app-config', ...(i.namespace ? { namespace: i.namespace } : {}) }, data: i.values ?? {} };
      const manifest = toYaml(configMap);
      return { verb: 'create', summary: `create ConfigMap ${configMap.metadata.name}${where}`, steps: [step('k8s_create', { manifest })], action: { verb: 'create', manifest }, secretKeys: [] };
    }
    case 'create-namespace': {
      if (!i.name) return { reason: 'the namespace has no name' };
      const manifest = toYaml({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: i.name } });
      return { verb: 'create', summary: `create Namespace ${i.name}`, steps: [step('k8s_create', { manifest })], action: { verb: 'create', manifest }, secretKeys: [] };
    }
    default:
      return { reason: `"${i.verb}" is not a change the crew runs` };
  }
}

/** The change a dev answer (generate-manifest or kubectl-command data) describes, or why there is none. */
export function changeFromDevAnswer(data: unknown): DraftedChange | { reason: string } {
  const manifests = devManifestAnswer.safeParse(data);
  if (manifests.success) return fromManifests(manifests.data);
  const kubectl = devKubectlAnswer.safeParse(data);
  if (kubectl.success) return fromKubectl(kubectl.data);
  return { reason: 'dev\'s answer holds no manifest or command to run' };
}

/** Values for the Secret keys: by key name, or the one value given when there is one key. */
export function secretValuesFor(keys: readonly string[], literals: ReadonlyArray<{ key: string; value: string }>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const key of keys) {
    const match = literals.find((l) => l.key === key);
    if (match) values[key] = match.value;
  }
  if (keys.length === 1 && literals.length === 1 && values[keys[0]!] === undefined) values[keys[0]!] = literals[0]!.value;
  return values;
}

const PROPOSE_CUES = /\b(dry[- ]?run|just (propose|plan|show)|only (propose|plan)|propose only|plan only|don'?t (apply|run|execute|change)|do not (apply|run|execute|change)|without (applying|running|executing))\b/i;

/** The mode a request asks for (data `{ mode }` or words like "dry run"), never above the deployment's. */
export function requestedMode(text: string, data: readonly unknown[]): { mode: ExecutionMode | undefined } | { error: string } {
  const part = data.find((d): d is { mode: unknown } => isRecord(d) && 'mode' in d);
  if (part) {
    const parsed = z.enum(EXECUTION_MODES).safeParse(part.mode);
    if (!parsed.success) return { error: `mode must be one of ${EXECUTION_MODES.join(', ')}, got ${JSON.stringify(part.mode)}` };
    return { mode: parsed.data };
  }
  return { mode: PROPOSE_CUES.test(text) ? 'propose' : undefined };
}

/** The answer to a change: the outcome first, then the proposal; an approval request when one is needed. */
export function outcomeAnswer(outcome: ChangeOutcome, task: { taskId: string; contextId: string }): { text: string; data: Record<string, unknown>; inputRequired: boolean } {
  const { proposal, verdict } = outcome;
  // Once it ran (or failed), the diff is history: the steps' results say what changed.
  const body = proposal ? renderProposal(proposal, verdict, { diff: !['executed', 'failed', 'rejected', 'expired', 'not-pending'].includes(outcome.kind) }) : '';
  const results = outcome.results?.length ? ['', 'Steps:', ...outcome.results.map((r) => `- ${r.ok ? 'done' : 'FAILED'}: ${r.display} — ${r.summary.split('\n')[0]}`)] : [];
  const data: Record<string, unknown> = { outcome: outcome.kind, state: outcome.state ?? null, message: outcome.message, ...(proposal ? { proposal } : {}), ...(verdict ? { verdict } : {}), ...(outcome.results ? { results: outcome.results } : {}) };
  if (outcome.kind === 'awaiting-approval' && proposal && verdict) {
    const approvalRequest: ApprovalRequest = {
      proposalId: proposal.id,
      taskId: task.taskId,
      contextId: task.contextId,
      expiresAt: proposal.expiresAt,
      verdict,
      proposal,
      reply: { approve: { approval: { proposalId: proposal.id, decision: 'approve' } }, reject: { approval: { proposalId: proposal.id, decision: 'reject', reason: '…' } } },
    };
    return { text: [`Approval needed: ${outcome.message}`, '', body, '', HOW_TO_ANSWER, `It expires at ${proposal.expiresAt}.`].join('\n'), data: { ...data, approvalRequest }, inputRequired: true };
  }
  return { text: [outcome.message, ...results, ...(body ? ['', body] : [])].join('\n'), data, inputRequired: false };
}
