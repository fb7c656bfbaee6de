/**
 * Reads a namespace's recent changes through the kubernetes MCP server's read tools, for
 * changes.ts to rank: its ReplicaSets (rollouts of their Deployments), ConfigMap and Secret
 * metadata (created or edited; the values are never kept) and its events. A kind the agent cannot
 * read (RBAC, a tool it lacks) becomes a note, never a failure.
 */
import { mapLimit } from '../../shared/map-limit.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { tryTool } from '../../shared/reasoning/toolbox.js';
import { type ClusterChange, type ConfigLike, configChanges, type EventLike, eventChanges, type ReplicaSetLike, rolloutChanges } from './changes.js';

export interface CollectChangesOptions {
  namespace: string;
  /** Only changes at or after this time (unix seconds). */
  since: number;
  /** Objects per kind (default 100). */
  limit?: number;
  signal?: AbortSignal;
}

export interface CollectedChanges {
  changes: ClusterChange[];
  /** Kinds that could not be read, and why. */
  notes: string[];
}

const firstLine = (t: string) => t.split('\n')[0]!.slice(0, 200);
const GET_CONCURRENCY = 6;

/** The objects of a kind in the namespace as JSON (k8s_list names them, k8s_get reads each), or a note. */
async function objectsOf(tools: ToolBox, kind: string, options: CollectChangesOptions, notes: string[]): Promise<Array<Record<string, unknown>>> {
  const listed = await tryTool<{ items?: Array<{ name?: unknown } | null> | null }>(tools, 'k8s_list', { kind, namespace: options.namespace, view: 'rows', limit: options.limit ?? 100 }, options.signal);
  if (!listed.ok) {
    notes.push(`${kind}: not read (${firstLine(listed.text)})`);
    return [];
  }
  const names = (listed.structured?.items ?? []).map((r) => r?.name).filter((n): n is string => typeof n === 'string');
  const got = await mapLimit(names, GET_CONCURRENCY, (name) => tryTool<{ object?: Record<string, unknown> }>(tools, 'k8s_get', { kind, name, namespace: options.namespace, output: 'json', maxChars: 1000 }, options.signal));
  return got.flatMap((g) => (g.ok && g.structured?.object ? [g.structured.object] : []));
}

interface Writers {
  namespace: string | null;
  name: string;
  createdAt: string | null;
  managedFields: Array<{ manager: string; operation: string; time: string | null }>;
}

/**
 * ConfigMaps or Secrets as their names and write times only (k8s_list's `writers`: who wrote each
 * and when, from managedFields): one call per kind, and no value ever reaches this agent.
 */
async function configWrites(tools: ToolBox, kind: 'configmaps' | 'secrets', options: CollectChangesOptions, notes: string[]): Promise<ConfigLike[]> {
  const listed = await tryTool<{ writers?: Writers[] }>(tools, 'k8s_list', { kind, namespace: options.namespace, view: 'rows', limit: options.limit ?? 100, writers: true }, options.signal);
  if (!listed.ok) {
    notes.push(`${kind}: not read (${firstLine(listed.text)})`);
    return [];
  }
  return (listed.structured?.writers ?? []).map((w) => ({ metadata: { name: w.name, namespace: w.namespace ?? options.namespace, creationTimestamp: w.createdAt, managedFields: w.managedFields.map((f) => ({ time: f.time, operation: f.operation, manager: f.manager })) } }));
}

/** The namespace's changes since `since`, oldest first. */
export async function collectChanges(tools: ToolBox | undefined, options: CollectChangesOptions): Promise<CollectedChanges> {
  const notes: string[] = [];
  if (!tools) return { changes: [], notes: ['no kubernetes MCP server: recent changes not read'] };
  const replicasets = (await objectsOf(tools, 'replicasets', options, notes)) as ReplicaSetLike[];
  const configmaps = await configWrites(tools, 'configmaps', options, notes);
  const secrets = await configWrites(tools, 'secrets', options, notes);
  const events = await tryTool<{ events?: EventLike[] | null }>(tools, 'k8s_events', { namespace: options.namespace, limit: 500 }, options.signal);
  if (!events.ok) notes.push(`events: not read (${firstLine(events.text)})`);
  const changes = [
    ...rolloutChanges(replicasets),
    ...configChanges('ConfigMap', configmaps),
    ...configChanges('Secret', secrets),
    ...eventChanges((events.ok ? events.structured?.events : undefined) ?? []).map((c) => ({ ...c, object: { ...c.object, namespace: c.object.namespace || options.namespace } })),
  ];
  return { changes: changes.filter((c) => c.time >= options.since).sort((a, b) => a.time - b.time), notes };
}
