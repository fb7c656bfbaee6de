/**
 * The I/O of "why is X failing?" for a named Deployment, StatefulSet, DaemonSet, Service,
 * Ingress, Job, CronJob or PVC: find the object the request names, read its namespace's
 * snapshot through the analyzers' collector, and walk the chain (why.ts).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage, isUserError } from '../../shared/errors.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { collectSnapshot } from './analyzers/collector.js';
import type { ObjectRef } from './analyzers/types.js';
import type { Cluster } from './cluster.js';
import { candidateNames } from './skills.js';
import { type WhyKind, type WhyResult, whyChain } from './why.js';

/** The list kind (for k8s_list) of each kind a request may name, in the order a bare name prefers. */
const LIST_KINDS: Array<[WhyKind, string]> = [
  ['Ingress', 'ingresses'],
  ['Service', 'services'],
  ['Deployment', 'deployments'],
  ['StatefulSet', 'statefulsets'],
  ['DaemonSet', 'daemonsets'],
  ['CronJob', 'cronjobs'],
  ['Job', 'jobs'],
  ['PersistentVolumeClaim', 'persistentvolumeclaims'],
];

/** Words that name a kind in a request ("the cart service", "ingress shop"). */
const KIND_WORDS: Array<[RegExp, WhyKind]> = [
  [/\bingress(es)?\b|\bing\b/i, 'Ingress'],
  [/\bservices?\b|\bsvc\b/i, 'Service'],
  [/\bdeployments?\b|\bdeploy\b/i, 'Deployment'],
  [/\bstatefulsets?\b|\bsts\b/i, 'StatefulSet'],
  [/\bdaemonsets?\b|\bds\b/i, 'DaemonSet'],
  [/\bcron ?jobs?\b|\bcj\b/i, 'CronJob'],
  [/\bjobs?\b/i, 'Job'],
  [/\bpvcs?\b|\bpersistentvolumeclaims?\b|\bvolume claims?\b|\bclaims?\b/i, 'PersistentVolumeClaim'],
];

/** The kinds a request names in words; a cron job is not also a job. */
export function kindsNamed(text: string): WhyKind[] {
  const t = text.replace(/\bcron ?jobs?\b/gi, (m) => (/^cron/i.test(m) ? 'cronjob' : m));
  const kinds = KIND_WORDS.filter(([re]) => re.test(t)).map(([, k]) => k);
  return kinds.includes('CronJob') && !/\bjobs?\b/i.test(t.replace(/\bcron ?jobs?\b/gi, '')) ? kinds.filter((k) => k !== 'Job') : kinds;
}

/**
 * The object a request names among `objects` (by exact name), preferring a kind it names in
 * words, then a namespace it names, then LIST_KINDS order (an Ingress or Service explains more
 * than the Deployment behind it). Undefined when no word is an object's name.
 */
export function pickObject(text: string, objects: ObjectRef[], namespaces: string[]): ObjectRef | undefined {
  const words = candidateNames(text);
  const kinds = kindsNamed(text);
  const ns = words.find((w) => namespaces.includes(w) && !objects.some((o) => o.name === w));
  const order = LIST_KINDS.map(([k]) => k);
  const score = (o: ObjectRef) => (kinds.includes(o.kind as WhyKind) ? 0 : 100) + (ns && o.namespace !== ns ? 50 : 0) + (o.namespace === 'kube-system' ? 10 : 0) + order.indexOf(o.kind as WhyKind);
  for (const w of words) {
    const hits = objects.filter((o) => o.name === w).sort((a, b) => score(a) - score(b));
    if (hits.length > 0 && (!ns || hits[0]!.namespace === ns || !hits.some((h) => h.namespace === ns))) return hits[0];
  }
  return undefined;
}

/** The cluster's tool calls as a ToolBox, so the collector reads through the same connection (a tool's refusal becomes an error result). */
function toolsOf(cluster: Cluster): ToolBox {
  return {
    listTools: () => Promise.resolve([]),
    async callTool(name, args): Promise<CallToolResult> {
      try {
        return { content: [], structuredContent: await cluster.call<Record<string, unknown>>(name, args) };
      } catch (e) {
        if (!isUserError(e)) throw e;
        return { isError: true, content: [{ type: 'text', text: errorMessage(e) }] };
      }
    },
  };
}

/** Every object of the kinds a request may name (a kind that cannot be listed is skipped). */
export async function namedObjects(cluster: Cluster): Promise<ObjectRef[]> {
  const lists = await Promise.all(
    LIST_KINDS.map(async ([kind, list]) => {
      try {
        return (await cluster.rows(list)).filter((r) => typeof r.name === 'string').map((r) => ({ kind, name: String(r.name), namespace: String(r.namespace ?? '') }));
      } catch (e) {
        if (!isUserError(e)) throw e;
        return [];
      }
    }),
  );
  return lists.flat();
}

/** The chain for one object, from a fresh snapshot of its namespace; notes say what could not be read. */
export async function whyObject(cluster: Cluster, ref: ObjectRef, progress: (t: string) => void, signal?: AbortSignal): Promise<{ why: WhyResult; notes: string[] }> {
  progress(`Reading namespace ${ref.namespace ?? ''} to walk ${ref.kind} ${ref.name}'s chain`);
  const { snapshot, notes } = await collectSnapshot(toolsOf(cluster), { ...(ref.namespace ? { namespace: ref.namespace } : {}), ...(signal ? { signal } : {}) });
  return { why: whyChain(snapshot, ref), notes };
}
