/**
 * Reads a cluster snapshot for the analyzers through the kubernetes MCP server's read tools:
 * k8s_list names the objects of each kind (its rows carry no full objects), k8s_get reads each
 * as JSON, k8s_events the warnings. One namespace or all, at most `limit` objects per kind; a
 * kind that cannot be read (RBAC, not installed) becomes a note and an `unreadable` entry, not a
 * failure. ConfigMaps and Secrets are reduced to their key names on arrival: values never enter
 * the snapshot.
 */
import type { ToolBox } from '../../../shared/reasoning/engine.js';
import { tryTool } from '../../../shared/reasoning/toolbox.js';
import { containersToReadPreviousLogs } from '../diagnose.js';
import type { Pod } from '../kube-objects.js';
import type { KeyedObject, Snapshot } from './types.js';
import { mapLimit } from '../../../shared/map-limit.js';
import { isRecord } from '../../../shared/records.js';

type Field = Exclude<keyof Snapshot, 'namespace' | 'events' | 'unreadable' | 'previousLogs'>;

interface KindSpec {
  field: Field;
  /** The kind as k8s_list/k8s_get take it. */
  kind: string;
  clusterScoped?: boolean;
  /** Read only for a whole-cluster snapshot (nodes are no namespace's problem). */
  wholeClusterOnly?: boolean;
  keysOnly?: boolean;
}

/** What a snapshot reads, in order. */
export const SNAPSHOT_KINDS: readonly KindSpec[] = [
  { field: 'pods', kind: 'pods' },
  { field: 'deployments', kind: 'deployments' },
  { field: 'replicasets', kind: 'replicasets' },
  { field: 'statefulsets', kind: 'statefulsets' },
  { field: 'daemonsets', kind: 'daemonsets' },
  { field: 'services', kind: 'services' },
  { field: 'endpointslices', kind: 'endpointslices' },
  { field: 'ingresses', kind: 'ingresses' },
  { field: 'jobs', kind: 'jobs' },
  { field: 'cronjobs', kind: 'cronjobs' },
  { field: 'pvcs', kind: 'persistentvolumeclaims' },
  { field: 'hpas', kind: 'horizontalpodautoscalers' },
  { field: 'pdbs', kind: 'poddisruptionbudgets' },
  { field: 'networkpolicies', kind: 'networkpolicies' },
  { field: 'configmaps', kind: 'configmaps', keysOnly: true },
  { field: 'secrets', kind: 'secrets', keysOnly: true },
  { field: 'ingressclasses', kind: 'ingressclasses', clusterScoped: true },
  { field: 'storageclasses', kind: 'storageclasses', clusterScoped: true },
  { field: 'validatingwebhooks', kind: 'validatingwebhookconfigurations', clusterScoped: true },
  { field: 'mutatingwebhooks', kind: 'mutatingwebhookconfigurations', clusterScoped: true },
  { field: 'nodes', kind: 'nodes', clusterScoped: true, wholeClusterOnly: true },
];

export interface CollectOptions {
  /** One namespace; absent for the whole cluster. */
  namespace?: string;
  /** At most this many objects per kind (default 200). */
  limit?: number;
  signal?: AbortSignal;
  progress?: (text: string) => void;
}

export interface Collected {
  snapshot: Snapshot;
  /** Honest notes: kinds that could not be read, kinds cut at the limit. */
  notes: string[];
  /** Objects read per snapshot field. */
  counts: Partial<Record<Field, number>>;
}

interface ListRow {
  name?: string | number | boolean | null;
  namespace?: string | number | boolean | null;
}

const GET_CONCURRENCY = 8;
/** Crash-looping pods whose previous log is read (the log line that explains the crash). */
const MAX_LOG_PODS = 10;

/**
 * A ConfigMap or Secret as name, labels, owners and key names only. Annotations are dropped on
 * purpose: kubectl's last-applied-configuration annotation carries the whole object, values too.
 */
export function keysOnly(o: Record<string, unknown>): KeyedObject {
  const meta = (o.metadata ?? {}) as { name?: string; namespace?: string; labels?: unknown; ownerReferences?: unknown };
  const keys = [o.data, o.binaryData, o.stringData].flatMap((d) => (d && typeof d === 'object' ? Object.keys(d) : []));
  const labels = isRecord(meta.labels) ? Object.fromEntries(Object.entries(meta.labels).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  const owners = (Array.isArray(meta.ownerReferences) ? meta.ownerReferences : []).filter(isRecord).map((r) => ({ kind: typeof r.kind === 'string' ? r.kind : null, name: typeof r.name === 'string' ? r.name : null }));
  return {
    metadata: { name: meta.name ?? null, namespace: meta.namespace ?? null, ...(Object.keys(labels).length ? { labels } : {}), ...(owners.length ? { ownerReferences: owners } : {}) },
    keys: [...new Set(keys)],
  };
}

/** The first line of a tool's refusal, for a note. */
const firstLine = (t: string) => t.split('\n')[0]!.slice(0, 200);

/** Reads one snapshot of a namespace (or the cluster). Never throws on a refused kind; a cancelled caller still throws. */
export async function collectSnapshot(tools: ToolBox, options: CollectOptions = {}): Promise<Collected> {
  const { namespace, signal } = options;
  const limit = Math.max(1, Math.min(1000, options.limit ?? 200));
  const snapshot: Snapshot = { ...(namespace ? { namespace } : {}), unreadable: [], partial: [] };
  const notes: string[] = [];
  const counts: Partial<Record<Field, number>> = {};
  for (const spec of SNAPSHOT_KINDS) {
    if (spec.wholeClusterOnly && namespace) continue;
    signal?.throwIfAborted();
    const listed = await tryTool<{ items?: ListRow[] | null; continue?: string | null; remaining?: number | null }>(
      tools,
      'k8s_list',
      { kind: spec.kind, view: 'rows', limit, ...(namespace && !spec.clusterScoped ? { namespace } : {}) },
      signal,
    );
    if (!listed.ok) {
      snapshot.unreadable!.push(spec.field);
      notes.push(`${spec.kind}: not read (${firstLine(listed.text)})`);
      continue;
    }
    const rows = (listed.structured?.items ?? []).filter((r) => r && typeof r.name === 'string');
    if (listed.structured?.continue) snapshot.partial!.push(spec.field);
    if (listed.structured?.continue) notes.push(`${spec.kind}: only the first ${rows.length} read${listed.structured.remaining ? ` (${listed.structured.remaining} more)` : ''}; ${namespace ? 'findings that need the rest may be missing' : 'narrow to a namespace to see all'}`);
    if (rows.length) options.progress?.(`Reading ${rows.length} ${spec.kind}`);
    let refused = 0;
    const objects = await mapLimit(rows, GET_CONCURRENCY, async (r) => {
      const ns = spec.clusterScoped ? undefined : typeof r.namespace === 'string' && r.namespace ? r.namespace : namespace;
      const got = await tryTool<{ object?: Record<string, unknown> }>(tools, 'k8s_get', { kind: spec.kind, name: String(r.name), output: 'json', maxChars: 1000, ...(ns ? { namespace: ns } : {}) }, signal);
      // An object deleted between list and get is simply gone; a refusal is counted for the note.
      if (!got.ok || !got.structured?.object) {
        if (!/not ?found/i.test(got.text)) refused++;
        return undefined;
      }
      return spec.keysOnly ? keysOnly(got.structured.object) : got.structured.object;
    });
    const present = objects.filter((o) => o !== undefined);
    if (refused) {
      snapshot.partial!.push(spec.field);
      notes.push(`${spec.kind}: ${refused} of ${rows.length} could not be read`);
    }
    (snapshot as Record<string, unknown>)[spec.field] = present;
    counts[spec.field] = present.length;
  }
  signal?.throwIfAborted();
  const events = await tryTool<{ events?: Snapshot['events'] }>(tools, 'k8s_events', { type: 'Warning', limit: 500, ...(namespace ? { namespace } : {}) }, signal);
  if (events.ok) snapshot.events = events.structured?.events ?? [];
  else notes.push(`events: not read (${firstLine(events.text)})`);
  snapshot.previousLogs = await previousLogs(tools, (snapshot.pods ?? []) as Pod[], signal);
  return { snapshot, notes, counts };
}

/** The previous instance's log of each crashed container, for the first MAX_LOG_PODS pods that have one; a log that cannot be read is left out. */
async function previousLogs(tools: ToolBox, pods: Pod[], signal: AbortSignal | undefined): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  const wanted = pods.map((p) => ({ p, containers: containersToReadPreviousLogs(p) })).filter((x) => x.containers.length > 0 && x.p.metadata?.name && x.p.metadata.namespace).slice(0, MAX_LOG_PODS);
  for (const { p, containers } of wanted) {
    const name = p.metadata!.name!;
    const namespace = p.metadata!.namespace!;
    for (const container of containers) {
      const r = await tryTool<{ log?: string }>(tools, 'k8s_logs', { name, namespace, container, previous: true, tail: 50 }, signal);
      if (r.ok && typeof r.structured?.log === 'string') (out[`${namespace}/${name}`] ??= {})[container] = r.structured.log;
    }
  }
  return out;
}
