/**
 * diagnose-workload's I/O: find the pods a request is about (a pod, a workload or a namespace,
 * else every unhealthy pod), read what the analyzer needs, and hand it to `diagnosePod`. A named
 * Deployment, StatefulSet, DaemonSet, Service, Ingress, Job, CronJob or PVC also gets its
 * root-cause chain (why-run.ts): object → its pods → the pod's cause → the missing object.
 */
import type { TaskResult } from '../../shared/a2a/parts.js';
import { candidateNames } from './skills.js';
import type { Cluster} from './cluster.js';
import { type Row, workloadOfPod } from './cluster.js';
import { diagnosePod, type Finding, containersToReadPreviousLogs, renderFinding } from './diagnose.js';
import type { Pod } from './kube-objects.js';
import { label } from './analyzers/util.js';
import { namedObjects, pickObject, whyObject } from './why-run.js';
import { renderWhy } from './why.js';

const MAX_PODS = 20;

interface PodRow {
  namespace: string;
  name: string;
  status: string;
  ready: string;
  restarts: string;
}

/**
 * Whether a `kubectl get pods` row may be unhealthy (the full object decides): not Running and
 * ready, or restarted at all (a crash loop is Running and even ready for a moment between crashes).
 */
export function rowLooksUnhealthy(r: PodRow): boolean {
  if (r.status === 'Completed' || r.status === 'Succeeded') return false;
  if (Number.parseInt(r.restarts || '0', 10) > 0) return true;
  if (r.status !== 'Running') return true;
  const [have, want] = r.ready.split('/').map(Number);
  return have === undefined || want === undefined || Number.isNaN(have) || have < want;
}

export interface Scope {
  /** What the request named: a workload/pod, a namespace, or nothing (the whole cluster). */
  target: string | undefined;
  namespace: string | undefined;
  pods: PodRow[];
}

/** Which pods a request is about, from its words matched against pod and namespace names. */
export function scopeFor(text: string, pods: PodRow[], namespaces: string[]): Scope {
  const words = candidateNames(text);
  const isWorkload = (w: string) => pods.some((p) => p.name === w || workloadOfPod(p.name) === w);
  // A word that names a namespace (and no workload) narrows the search to it.
  const namespace = words.find((w) => namespaces.includes(w) && !isWorkload(w));
  const inScope = namespace ? pods.filter((p) => p.namespace === namespace) : pods;
  const others = words.filter((w) => w !== namespace);
  for (const w of others) {
    const hits = inScope.filter((p) => p.name === w || workloadOfPod(p.name) === w);
    if (hits.length > 0) return { target: w, namespace, pods: hits };
  }
  if (namespace) return { target: undefined, namespace, pods: inScope };
  for (const w of others) {
    const hits = inScope.filter((p) => p.name.startsWith(`${w}-`));
    if (hits.length > 0) return { target: w, namespace, pods: hits };
  }
  return { target: undefined, namespace: undefined, pods };
}

const str = (v: Row[string] | undefined) => (v === null || v === undefined ? '' : String(v));

interface WorkloadObject {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: { replicas?: number | null };
  status?: { replicas?: number; readyReplicas?: number; conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> | null };
}

/** A Deployment or StatefulSet named in the request that has no pods at all: its conditions say why. */
async function workloadWithoutPods(cluster: Cluster, words: string[]): Promise<TaskResult | undefined> {
  for (const kind of ['deployments', 'statefulsets']) {
    const rows = await cluster.rows(kind);
    const hit = rows.find((r) => words.includes(String(r.name)));
    if (!hit) continue;
    const obj = await cluster.object<WorkloadObject>(kind, String(hit.name), String(hit.namespace ?? ''));
    const desired = obj.spec?.replicas ?? 1;
    const bad = (obj.status?.conditions ?? []).filter((c) => c && ((c.type === 'ReplicaFailure' && c.status === 'True') || (c.type !== 'ReplicaFailure' && c.status === 'False')));
    const ref = `${obj.kind ?? kind}/${hit.name} in ${String(hit.namespace ?? '')}`;
    const finding = {
      pod: '',
      namespace: String(hit.namespace ?? ''),
      workload: ref,
      cause: desired === 0 ? 'ScaledToZero' : 'NoPods',
      summary: desired === 0 ? `${ref} is scaled to 0 replicas: it runs no pods.` : `${ref} wants ${desired} replica(s) but has no pods${bad.length ? `: ${bad.map((c) => `${c.type} ${c.reason ?? ''}: ${c.message ?? ''}`.trim()).join('; ')}` : ''}.`,
      evidence: bad.map((c) => `condition ${c.type}=${c.status} (${c.reason ?? ''}): ${c.message ?? ''}`),
      fix: desired === 0 ? `scale it up (kubectl scale ${kind.slice(0, -1)} ${hit.name} --replicas=1)` : 'fix what the conditions name (quota, admission, service account), then the controller creates the pods',
    };
    return { text: `${finding.summary}${finding.evidence.length ? `\n${finding.evidence.map((e) => `  - ${e}`).join('\n')}` : ''}\n  Fix: ${finding.fix}`, data: { skill: 'diagnose-workload', scope: { target: String(hit.name), namespace: String(hit.namespace ?? '') }, findings: [finding] } };
  }
  return undefined;
}

export async function runDiagnose(cluster: Cluster, text: string, progress: (t: string) => void, signal?: AbortSignal): Promise<TaskResult> {
  progress('Finding the pods the request is about');
  const [rows, namespaces] = await Promise.all([cluster.rows('pods'), cluster.namespaces()]);
  const pods: PodRow[] = rows.map((r) => ({ namespace: str(r.namespace), name: str(r.name), status: str(r.status), ready: str(r.ready), restarts: str(r.restarts) }));
  const scope = scopeFor(text, pods, namespaces);
  // A pod named exactly keeps the pod diagnosis; any other named object gets its chain first.
  if (!(scope.target && pods.some((p) => p.name === scope.target))) {
    const ref = pickObject(text, await namedObjects(cluster), namespaces);
    if (ref) {
      const { why, notes } = await whyObject(cluster, ref, progress, signal);
      if (why.failing) {
        progress(`${label(ref)}: ${why.chain.at(-1)?.step ?? 'failing'}`);
        // The pods behind a named workload keep their full diagnosis (previous logs, node sizes) under the chain.
        const podPart = scope.target === ref.name ? await diagnosePods(cluster, scope, progress) : undefined;
        const notesText = notes.length ? `\n\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : '';
        return {
          text: `${renderWhy(why)}${podPart?.findings.length ? `\n\nThe pods:\n${podPart.findings.map(renderFinding).join('\n\n')}` : ''}${notesText}`,
          data: { skill: 'diagnose-workload', scope: { target: ref.name, namespace: ref.namespace }, object: why.object, chain: why.chain, fix: why.fix, analyzers: why.analyzers, findings: podPart?.findings ?? [], notes },
        };
      }
      // A healthy object with no pods of its name (an Ingress, a Service, a PVC): say so, not "not found".
      if (!scope.target) {
        return {
          text: `${renderWhy(why)} (checked ${ref.kind === 'Ingress' ? 'its backends, their pods and ' : ref.kind === 'Service' ? 'its endpoints, its pods and ' : ''}the analyzers' findings in ${ref.namespace ?? 'the cluster'})${notes.length ? `\n\nNotes:\n${notes.map((n) => `  - ${n}`).join('\n')}` : ''}`,
          data: { skill: 'diagnose-workload', scope: { target: ref.name, namespace: ref.namespace }, object: why.object, chain: [], findings: [], notes },
        };
      }
    }
  }
  const named = candidateNames(text).filter((w) => !namespaces.includes(w));
  if (!scope.target && !scope.namespace && named.length > 0) {
    const podless = await workloadWithoutPods(cluster, named);
    if (podless) return podless;
    // The request names something, but no pod, workload or namespace of that name exists.
    return {
      text: `I found no pod, workload or namespace named ${named.map((w) => `"${w}"`).join(' or ')}. Namespaces: ${namespaces.join(', ')}. Ask about one of them, or "why are pods failing" for the whole cluster.`,
      data: { skill: 'diagnose-workload', found: false, lookedFor: named, namespaces },
    };
  }
  const where = scope.target ? `${scope.target}${scope.namespace ? ` in ${scope.namespace}` : ''}` : scope.namespace ? `namespace ${scope.namespace}` : 'the cluster';
  const unhealthy = scope.pods.filter(rowLooksUnhealthy);
  if (unhealthy.length === 0) {
    return {
      text: scope.pods.length ? `Nothing is failing in ${where}: ${scope.pods.length} pod(s), all Running and ready or Completed (${scope.pods.map((p) => `${p.name} ${p.status}`).join(', ')}).` : `${where} has no pods.`,
      data: { skill: 'diagnose-workload', scope: { target: scope.target, namespace: scope.namespace }, pods: scope.pods, findings: [] },
    };
  }
  const { findings, more } = await diagnosePods(cluster, scope, progress);
  const head = findings.length === 1 && scope.target ? `${scope.target} is failing:` : `${findings.length} unhealthy pod(s) in ${where}:`;
  return {
    text: `${head}\n${findings.map(renderFinding).join('\n\n')}${more}`,
    data: { skill: 'diagnose-workload', scope: { target: scope.target, namespace: scope.namespace }, findings },
  };
}

/** Diagnoses the unhealthy pods of a scope (at most MAX_PODS); `more` says how many were left. */
async function diagnosePods(cluster: Cluster, scope: Scope, progress: (t: string) => void): Promise<{ findings: Finding[]; more: string }> {
  const unhealthy = scope.pods.filter(rowLooksUnhealthy);
  const where = scope.target ? `${scope.target}${scope.namespace ? ` in ${scope.namespace}` : ''}` : scope.namespace ? `namespace ${scope.namespace}` : 'the cluster';
  const look = unhealthy.slice(0, MAX_PODS);
  if (look.length) progress(`Reading status, events and previous logs of ${look.length} unhealthy pod(s) in ${where}`);
  let nodes: Array<{ name: string; allocatable: Record<string, string> }> | undefined;
  const findings: Finding[] = [];
  for (const row of look) {
    const pod = await cluster.object<Pod>('pod', row.name, row.namespace);
    const events = await cluster.events({ namespace: row.namespace, kind: 'Pod', name: row.name, limit: 20 });
    const previousLogs: Record<string, string> = {};
    for (const c of containersToReadPreviousLogs(pod)) {
      const log = await cluster.previousLog(row.name, row.namespace, c);
      if (log !== undefined) previousLogs[c] = log;
    }
    if (pod.status?.phase === 'Pending' && !pod.spec?.nodeName && !nodes) nodes = await cluster.nodes();
    const f = diagnosePod(pod, { events, previousLogs, ...(nodes ? { nodes } : {}) });
    if (f) {
      findings.push(f);
      progress(`${row.namespace}/${row.name}: ${f.cause}`);
    }
  }
  const more = unhealthy.length > look.length ? `\n(${unhealthy.length - look.length} more unhealthy pod(s) not examined.)` : '';
  return { findings, more };
}
