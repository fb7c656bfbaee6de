/** What the guardian reads from the cluster (read-only tools of the kubernetes MCP server). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mcpToolBox, type ToolOutcome, tryTool } from '../../shared/reasoning/toolbox.js';
import { type ClusterFacts, isReadVerb, type ProposedAction, targetsOf } from '../../shared/policy/judge.js';

/** One kubernetes tool call through the tool box (a refusal is an outcome, not an exception). */
function call(client: Client, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome<Record<string, unknown>>> {
  return tryTool<Record<string, unknown>>(mcpToolBox(client), name, args, signal);
}

const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'CustomResourceDefinition', 'Node', 'ClusterRole', 'ClusterRoleBinding']);

export interface Gathered {
  action: ProposedAction;
  facts: ClusterFacts;
  /** What was looked up or assumed, for the reasons. */
  notes: string[];
}

/**
 * Completes an action with what the cluster says: the namespace of a named object when none was
 * given, the labels of every namespace it touches (production, Pod Security level), the replicas
 * a scale changes from, and the time it is judged at. Without a client (or when a read fails)
 * facts stay unknown and the policy treats them cautiously.
 */
export async function gatherFacts(client: Client | undefined, input: ProposedAction, signal?: AbortSignal, options: { now?: Date } = {}): Promise<Gathered> {
  const action: ProposedAction = { ...input };
  const facts: ClusterFacts = { namespaceLabels: {}, now: options.now ?? new Date() };
  const notes: string[] = [];
  const namespaced = action.kind !== undefined && !CLUSTER_SCOPED.has(action.kind);
  if (isReadVerb(action.verb)) return { action, facts, notes };

  if (!client) {
    notes.push('The cluster could not be read (no kubernetes MCP server connected): namespace labels and current replicas are unknown.');
  }
  if (client && namespaced && !action.namespace && !action.objects?.length && action.name) {
    const r = await call(client, 'k8s_list', { kind: action.kind, fieldSelector: `metadata.name=${action.name}`, view: 'rows' }, signal);
    const found = r.ok ? ((r.structured?.items as Array<Record<string, unknown>> | undefined) ?? []).map((i) => String(i.namespace ?? '')).filter(Boolean) : [];
    if (found.length === 1) {
      action.namespace = found[0]!;
      notes.push(`${action.kind} ${action.name} is in namespace ${action.namespace}.`);
    } else if (found.length > 1) {
      notes.push(`${action.kind} ${action.name} exists in ${found.join(', ')}; judged for each.`);
      action.objects = found.map((ns) => ({ kind: action.kind, metadata: { name: action.name, namespace: ns } }));
    } else if (r.ok) {
      notes.push(`No ${action.kind} named ${action.name} was found; judged as if in namespace default.`);
    }
  }
  if (namespaced && !action.namespace && !action.objects?.length) {
    action.namespace = 'default';
    notes.push('No namespace was given: judged for namespace default.');
  }
  // Manifest objects that name no namespace land in the current one (default).
  const unplaced = (action.objects ?? []).filter((o) => typeof o.kind === 'string' && !CLUSTER_SCOPED.has(o.kind) && typeof o.metadata?.namespace !== 'string');
  if (unplaced.length && !action.namespace) {
    action.namespace = 'default';
    notes.push(`${unplaced.length} object${unplaced.length === 1 ? ' names' : 's name'} no namespace: judged for namespace default.`);
  }
  if (client) {
    const namespaces = new Set<string>();
    for (const t of targetsOf(action)) if (t.namespace) namespaces.add(t.namespace);
    for (const ns of namespaces) {
      const r = await call(client, 'k8s_get', { kind: 'namespace', name: ns, output: 'json' }, signal);
      const object = r.structured?.object as { metadata?: { labels?: Record<string, string> } } | undefined;
      if (r.ok && object) facts.namespaceLabels![ns] = object.metadata?.labels ?? {};
      else if (/\b404\b|not found/i.test(r.text)) facts.namespaceLabels![ns] = null;
    }
    if (action.verb === 'scale' && action.name && action.namespace) {
      const r = await call(client, 'k8s_get', { kind: action.kind ?? 'Deployment', name: action.name, namespace: action.namespace, output: 'json' }, signal);
      const n = (r.structured?.object as { spec?: { replicas?: unknown } } | undefined)?.spec?.replicas;
      if (typeof n === 'number') facts.currentReplicas = n;
    }
  }
  return { action, facts, notes };
}
