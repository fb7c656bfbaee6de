/**
 * A proposed action from a request (pure): a data part `{ action: { verb, kind, name?,
 * namespace?, manifest?, replicas? } }` or plain text ("May I delete namespace payments?",
 * "Is it safe to scale cart to 0?"). Odd input gives an error message, never an exception.
 */
import { z } from 'zod';
import { canonicalKind, type ManifestLike, type ProposedAction } from '../../shared/policy/judge.js';
import { isRecord } from '../../shared/records.js';
import { parseYamlDocuments } from '../../shared/yaml.js';

const NAME = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,252}$/;

const actionSchema = z.object({
  verb: z.string().min(1).max(40).regex(/^[A-Za-z-]+$/, 'a verb such as create, delete, scale'),
  kind: z.string().min(1).max(100).regex(/^[A-Za-z][A-Za-z0-9.-]*$/).optional(),
  name: z.string().regex(NAME, 'an object name').optional(),
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a namespace name').max(63).optional(),
  manifest: z.union([z.string().max(1_000_000), z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))]).optional(),
  replicas: z.number().int().min(0).max(100_000).optional(),
  privileged: z.boolean().optional(),
  clusterRole: z.string().max(253).optional(),
});

export type ActionParse = { action: ProposedAction; source: 'data' | 'text' } | { error: string };

/** The objects of a manifest given as YAML/JSON text, one object, or a list; `kind: List` flattened. */
export function manifestObjects(manifest: unknown): ManifestLike[] | { error: string } {
  let values: unknown[];
  if (typeof manifest === 'string') {
    try {
      const parsed = parseYamlDocuments(manifest);
      if (parsed.errors[0]) return { error: `the manifest is not valid YAML: ${parsed.errors[0].message}` };
      values = parsed.values;
    } catch (e) {
      return { error: `the manifest cannot be read: ${e instanceof Error ? e.message : String(e)}` };
    }
  } else values = Array.isArray(manifest) ? manifest : [manifest];
  const objects: ManifestLike[] = [];
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (!isRecord(v)) return { error: 'the manifest holds something that is not an object' };
    if (v.kind === 'List' && Array.isArray(v.items)) objects.push(...v.items.filter(isRecord));
    else objects.push(v);
  }
  return objects;
}

export function actionFromData(data: unknown[]): ActionParse | undefined {
  const part = data.find((d): d is { action: unknown } => isRecord(d) && 'action' in d);
  if (!part) return undefined;
  const parsed = actionSchema.safeParse(part.action);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `the action is not valid: ${issue.path.length ? `action.${issue.path.join('.')}` : 'action'}: ${issue.message}` };
  }
  const a = parsed.data;
  const action: ProposedAction = { verb: a.verb.toLowerCase(), kind: canonicalKind(a.kind), name: a.name, namespace: a.namespace, replicas: a.replicas, privileged: a.privileged, clusterRole: a.clusterRole };
  if (a.manifest !== undefined) {
    const objects = manifestObjects(a.manifest);
    if ('error' in objects) return { error: objects.error };
    action.objects = objects;
    if (!action.kind && objects.length === 1 && typeof objects[0]!.kind === 'string') action.kind = objects[0]!.kind;
  }
  return { action, source: 'data' };
}

const VERBS: Array<[RegExp, string]> = [
  [/\b(delete|remove|destroy|drop|wipe|purge|tear\s+down)\b/i, 'delete'],
  [/\bscale\b/i, 'scale'],
  [/\b(drain)\b/i, 'drain'],
  [/\b(uncordon)\b/i, 'uncordon'],
  [/\b(cordon)\b/i, 'cordon'],
  [/\b(restart|rollout\s+restart|bounce)\b/i, 'restart'],
  [/\b(roll\s*back|rollback|undo)\b/i, 'rollout-undo'],
  [/\b(exec|shell into)\b/i, 'exec'],
  [/\b(bind|grant)\b/i, 'bind'],
  [/\b(apply)\b/i, 'apply'],
  [/\b(patch|update|change|modify|edit|set)\b/i, 'patch'],
  [/\b(create|add|deploy|run|make|install|start)\b/i, 'create'],
  [/\b(get|list|show|read|view|describe|see|look at|logs?)\b/i, 'get'],
];

const KIND_WORDS = /\b(namespaces?|ns|pods?|deployments?|deploy|statefulsets?|sts|daemonsets?|ds|replicasets?|services?|svc|config\s*maps?|configmaps?|cm|secrets?|jobs?|cron\s*jobs?|cronjobs?|nodes?|persistent\s*volume\s*claims?|pvcs?|persistent\s*volumes?|pvs?|crds?|custom\s*resource\s*definitions?|cluster\s*role\s*bindings?|clusterrolebindings?|role\s*bindings?|rolebindings?|ingress(?:es)?|service\s*accounts?|serviceaccounts?)\b/i;
const NOT_NAMES = new Set(['in', 'on', 'to', 'from', 'the', 'a', 'an', 'named', 'called', 'with', 'and', 'for', 'of', 'that', 'it', 'this', 'namespace', 'all', 'safe', 'now']);

const clean = (s: string | undefined) => s?.replace(/^["'`]|["'`.,;:!?]+$/g, '');

export function actionFromText(input: string): ActionParse {
  const text = typeof input === 'string' ? input.slice(0, 4000) : '';
  // The verb that comes first in the request ("create a pod that deletes…" is a create).
  let verb: string | undefined;
  let at = Infinity;
  for (const [re, v] of VERBS) {
    const m = re.exec(text);
    if (m && m.index < at) {
      at = m.index;
      verb = v;
    }
  }
  if (!verb) return { error: 'I could not tell which action you propose' };
  const action: ProposedAction = { verb };

  const kindMatch = KIND_WORDS.exec(text);
  if (kindMatch) action.kind = canonicalKind(kindMatch[1]!.replace(/\s+/g, '').replace(/^persistentvolumeclaims?$/i, 'pvc').replace(/^persistentvolumes?$/i, 'pv').replace(/^customresourcedefinitions?$/i, 'crd'));

  const ns =
    /\b(?:in|into|from|within)\s+(?:the\s+)?(?:namespace|ns)\s+["'`]?([a-z0-9][-a-z0-9]*)/i.exec(text) ??
    /\b(?:in|into|from|within)\s+(?:the\s+)?["'`]?([a-z0-9][-a-z0-9]*)\s+namespace\b/i.exec(text) ??
    /(?:^|\s)(?:-n|--namespace)[\s=]+([a-z0-9][-a-z0-9]*)/.exec(text) ??
    (action.kind !== 'Namespace' ? /\b(?:in|into|from)\s+["'`]?([a-z0-9][-a-z0-9]*)["'`]?\s*[?.!]?\s*$/i.exec(text) : null);
  const namespace = clean(ns?.[1]);
  if (namespace && !NOT_NAMES.has(namespace.toLowerCase())) action.namespace = namespace.toLowerCase();

  const named = /\b(?:named|called)\s+["'`]?([\w.-]+)/i.exec(text);
  if (named) action.name = clean(named[1]);
  else if (kindMatch) {
    const after = new RegExp(`${kindMatch[0].replace(/\s+/g, '\\s+')}(?:\\/|\\s+)["'\`]?([\\w.-]+)`, 'i').exec(text);
    const candidate = clean(after?.[1]);
    if (candidate && !NOT_NAMES.has(candidate.toLowerCase()) && candidate !== action.namespace) action.name = candidate;
  }
  if (verb === 'scale') {
    const scale = /\bscale\s+(?:(?:the\s+)?(?:deployment|deploy|statefulset|sts|replicaset|rs)(?:\/|\s+))?["'`]?([\w.-]+?)["'`]?\s+(?:\S+\s+){0,3}?(?:to|down to|up to)\s+(\d+|zero)\b/i.exec(text);
    if (scale) {
      if (!action.name && !/^(the|a|down|up)$/i.test(scale[1]!)) action.name = scale[1];
      action.replicas = scale[2]!.toLowerCase() === 'zero' ? 0 : Number(scale[2]);
    }
    action.kind ??= 'Deployment';
  }
  if (/\bprivileged\b/i.test(text) && !/\bunprivileged|non-?privileged\b/i.test(text)) {
    action.privileged = true;
    action.kind ??= 'Pod';
  }
  const role = /\bcluster-?admin\b/i.exec(text);
  if (role) {
    action.clusterRole = 'cluster-admin';
    if (verb === 'bind' || verb === 'create') {
      action.verb = 'create';
      action.kind = action.kind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding';
    }
  }
  if (action.kind === 'Namespace' && !action.name && namespace) {
    action.name = namespace;
    delete action.namespace;
  }
  if (action.kind === 'Namespace' && action.name) delete action.namespace;
  return { action, source: 'text' };
}
