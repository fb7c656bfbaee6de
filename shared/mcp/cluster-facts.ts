/**
 * What the guardian's policy needs to know about the cluster for a write, read through the
 * server's own cluster access: the labels of every namespace the write touches.
 */
import type { ClusterAccess } from '../cluster-access.js';
import { KubeApiError, kubeRequest } from '../kube-http.js';
import type { ClusterFacts, ProposedAction } from '../policy/judge.js';

/** Every namespace an action may touch: its own and each object's (reading one too many costs a GET, one too few hides a production label). */
export function namespacesOf(action: ProposedAction): string[] {
  const names = [action.namespace, ...(action.objects ?? []).map((o) => o.metadata?.namespace)];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n !== ''))].sort();
}

/**
 * Labels per namespace: `null` for one that does not exist (yet), left out when it cannot be read
 * — the policy then treats it as unknown (and asks a person) rather than as unlabelled.
 */
export async function namespaceLabels(access: ClusterAccess, context: string | undefined, namespaces: string[]): Promise<NonNullable<ClusterFacts['namespaceLabels']>> {
  const client = access.client(context);
  const entries = await Promise.all(
    namespaces.map(async (name): Promise<[string, Record<string, string> | null] | undefined> => {
      try {
        const ns = (await kubeRequest(client, { path: `/api/v1/namespaces/${encodeURIComponent(name)}` })).json as { metadata?: { labels?: Record<string, string> } };
        return [name, ns.metadata?.labels ?? {}];
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return [name, null];
        access.logger.debug({ err: e, namespace: name }, 'cannot read namespace labels for the guardian');
        return undefined;
      }
    }),
  );
  return Object.fromEntries(entries.filter((e): e is [string, Record<string, string> | null] => e !== undefined));
}
