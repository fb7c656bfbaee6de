/** Reads what a backup holds from the API server: every listable namespaced kind (CRs included), per namespace. */
import { errorMessage } from '../../../shared/errors.js';
import { type ApiResource, ResourceCatalog } from '../../../shared/kube-discovery.js';
import type { KubeClient } from '../../../shared/kube.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { mapLimit } from '../../../shared/map-limit.js';
import { type KubeObject, kubeObjectSchema } from './objects.js';
import { regeneratedReason } from './strip.js';

/** Groups whose namespaced kinds are views or events, never state a user owns. */
const SKIPPED_GROUPS = new Set(['metrics.k8s.io', 'events.k8s.io', 'authorization.k8s.io', 'authentication.k8s.io']);

export interface Collected {
  /** The Namespace objects and everything kept in them, as the API returned them (not yet stripped). */
  objects: KubeObject[];
  /** Left out because the cluster regenerates them: count per kind. */
  skipped: Record<string, number>;
  warnings: string[];
}

/** The kinds a backup lists: namespaced, listable, not subresources (discovery already drops those). */
export function backupKinds(catalog: ResourceCatalog): ApiResource[] {
  return catalog.resources.filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('get') && !SKIPPED_GROUPS.has(r.group));
}

async function listAll(client: KubeClient, resource: ApiResource, namespace: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let next: string | undefined;
  do {
    const page = (await kubeRequest(client, { path: ResourceCatalog.path(resource, namespace), query: { limit: 500, continue: next }, timeoutMs: 60_000 })).json as { items?: unknown[]; metadata?: { continue?: string } };
    // Lists omit apiVersion/kind on items: put them back so every object says what it is.
    for (const item of page.items ?? []) items.push({ apiVersion: resource.apiVersion, kind: resource.kind, ...(item as object) });
    next = page.metadata?.continue || undefined;
  } while (next);
  return items;
}

export async function collectNamespaces(client: KubeClient, catalog: ResourceCatalog, namespaces: readonly string[]): Promise<Collected> {
  const warnings: string[] = [];
  const objects: KubeObject[] = [];
  for (const namespace of namespaces) {
    const ns = await kubeRequest(client, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}` }).catch((e: unknown) => e);
    if (ns instanceof KubeApiError && ns.status === 404) throw new NamespaceMissing(namespace);
    if (ns instanceof Error) throw ns;
    objects.push(kubeObjectSchema.parse({ apiVersion: 'v1', kind: 'Namespace', ...((ns as { json: object }).json) }));
  }
  const kinds = backupKinds(catalog);
  const jobs = namespaces.flatMap((namespace) => kinds.map((resource) => ({ namespace, resource })));
  const lists = await mapLimit(jobs, 8, async ({ namespace, resource }) => {
    try {
      return await listAll(client, resource, namespace);
    } catch (e) {
      // A kind we may not list (RBAC) or a broken aggregated API: say so, back up the rest.
      warnings.push(`${resource.plural}.${resource.group || 'core'} in ${namespace} not backed up: ${errorMessage(e)}`);
      return [];
    }
  });
  for (const item of lists.flat()) {
    const parsed = kubeObjectSchema.safeParse(item);
    if (parsed.success) objects.push(parsed.data);
    else warnings.push(`an object the API returned has no name or kind and was left out (${parsed.error.issues[0]?.message ?? 'invalid'})`);
  }
  const listedUids = new Set(objects.map((o) => o.metadata.uid).filter((u): u is string => Boolean(u)));
  const servicesWithSelector = new Set(
    objects.filter((o) => o.kind === 'Service' && Object.keys(((o as { spec?: { selector?: object } }).spec?.selector ?? {}) as object).length > 0).map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
  );
  const skipped: Record<string, number> = {};
  const kept = objects.filter((o) => {
    const why = regeneratedReason(o, { listedUids, servicesWithSelector });
    if (why) skipped[o.kind] = (skipped[o.kind] ?? 0) + 1;
    return !why;
  });
  return { objects: kept, skipped, warnings };
}

export class NamespaceMissing extends Error {
  constructor(readonly namespace: string) {
    super(`namespace ${namespace} does not exist`);
  }
}
