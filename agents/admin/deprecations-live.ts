/**
 * Deprecated and removed API versions in the LIVE cluster, pure: an object is stored in the
 * current version, but its managedFields record the apiVersion each manager wrote it through,
 * and kubectl's last-applied annotation the apiVersion of the manifest last applied. Those name
 * the clients and manifests that must move before the target stops serving the version.
 */
import { API_DEPRECATIONS, type ApiDeprecation, deprecationOf, statusAt } from './deprecations-catalog.js';

export interface WrittenObject {
  kind: string;
  namespace: string | null;
  name: string;
  managedFields: Array<{ manager: string; operation: string; apiVersion: string; time: string | null }>;
  lastAppliedApiVersion: string | null;
}

export interface LiveDeprecation {
  kind: string;
  apiVersion: string;
  /** removed-by-target: served now, gone in the target (blocker); removed-already: written before it was removed (the writer or manifest is stale); deprecated: served, removal later or never. */
  status: 'removed-by-target' | 'removed-already' | 'deprecated';
  removedIn: string | null;
  replacement: string | null;
  /** "ns/name via manager" or "ns/name via last-applied". */
  objects: string[];
}

/** Controllers that write v1 Endpoints by design: their writes are the API's own, not a client to migrate. */
const ENDPOINTS_CONTROLLERS = new Set(['kube-apiserver', 'kube-controller-manager', 'endpoint-controller', 'endpointslicemirroring-controller']);

/** The kinds worth listing with writers: those with a deprecated or removed version in the catalog. */
export const LIVE_KINDS = [...new Set(API_DEPRECATIONS.filter((d) => d.kind !== 'ComponentStatus' && d.kind !== 'PodSecurityPolicy').map((d) => d.kind))];

export function liveDeprecations(objects: WrittenObject[], currentMinor: number, targetMinor: number): LiveDeprecation[] {
  const byKey = new Map<string, LiveDeprecation>();
  const add = (o: WrittenObject, d: ApiDeprecation, via: string) => {
    const inTarget = statusAt(d, targetMinor);
    if (inTarget === 'current') return;
    const status = inTarget === 'deprecated' ? 'deprecated' : statusAt(d, currentMinor) === 'removed' ? 'removed-already' : 'removed-by-target';
    const key = `${d.apiVersion} ${d.kind} ${status}`;
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { kind: d.kind, apiVersion: d.apiVersion, status, removedIn: d.removedIn === null ? null : `v1.${d.removedIn}`, replacement: d.replacement, objects: [] }));
    const ref = `${o.namespace ? `${o.namespace}/` : ''}${o.name} via ${via}`;
    if (!entry.objects.includes(ref)) entry.objects.push(ref);
  };
  for (const o of objects) {
    for (const m of o.managedFields) {
      const d = deprecationOf(m.apiVersion, o.kind);
      if (!d) continue;
      if (o.kind === 'Endpoints' && ENDPOINTS_CONTROLLERS.has(m.manager)) continue;
      add(o, d, m.manager || 'an unnamed manager');
    }
    if (o.lastAppliedApiVersion) {
      const d = deprecationOf(o.lastAppliedApiVersion, o.kind);
      if (d) add(o, d, 'last-applied manifest');
    }
  }
  const rank = { 'removed-by-target': 0, deprecated: 1, 'removed-already': 2 } as const;
  return [...byKey.values()].sort((a, b) => rank[a.status] - rank[b.status] || a.kind.localeCompare(b.kind));
}
