/**
 * "Why is X failing?" for a named object: walks from it along what it depends on (Ingress →
 * its backend Services → the workloads behind their pods; CronJob → its Jobs → their pods) and
 * strings the analyzers' findings into one root-cause chain, symptom first, cause last, with
 * the evidence of each step and the fix of the last. Pure: it reads a snapshot.
 */
import type { Pod } from './kube-objects.js';
import { ANALYZERS } from './analyzers/index.js';
import { podStep } from './analyzers/pod-step.js';
import { selectedPods } from './analyzers/service.js';
import type { AnalyzeOptions, AnalyzerFinding, ObjectRef, Snapshot } from './analyzers/types.js';
import { keyOf, label, list, nm, nsOf, refOf } from './analyzers/util.js';

/** The kinds a "why" request may name, with their snapshot field. */
export const WHY_KINDS = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  Service: 'services',
  Ingress: 'ingresses',
  Job: 'jobs',
  CronJob: 'cronjobs',
  PersistentVolumeClaim: 'pvcs',
} as const satisfies Record<string, keyof Snapshot>;
export type WhyKind = keyof typeof WHY_KINDS;

export interface WhyStep {
  /** "Deployment shop/cart: 0/2 available". */
  step: string;
  /** The fields and events this step rests on. */
  evidence: string[];
}

export interface WhyResult {
  object: ObjectRef;
  /** False when nothing on the chain is wrong. */
  failing: boolean;
  /** Symptom first, root cause last. */
  chain: WhyStep[];
  fix?: AnalyzerFinding['fix'];
  /** The findings the chain was built from (analyzer ids, in chain order). */
  analyzers: string[];
}

type Owned = { metadata?: { ownerReferences?: Array<{ kind?: string | null; name?: string | null }> | null } | null } | null | undefined;
const ownerOf = (o: Owned): { kind: string; name: string } | undefined => {
  const r = list(o?.metadata?.ownerReferences).find((x) => x?.kind && x.name);
  return r ? { kind: r.kind!, name: r.name! } : undefined;
};

/** Every analyzer's findings, not de-duplicated (a covered object still has its own finding here). */
export function allFindings(s: Snapshot, o: AnalyzeOptions): AnalyzerFinding[] {
  return Object.values(ANALYZERS).flatMap((a) => {
    try {
      return a(s, o).filter((f) => f.object.name);
    } catch {
      return [];
    }
  });
}

/** Objects of the snapshot whose name is `name`, across the kinds a request may name. */
export function findNamed(s: Snapshot, name: string): ObjectRef[] {
  return (Object.entries(WHY_KINDS) as Array<[WhyKind, keyof Snapshot]>).flatMap(([kind, field]) => {
    const xs = s[field];
    return Array.isArray(xs) ? (xs as Array<{ metadata?: { name?: string | null; namespace?: string | null } | null }>).filter((x) => nm(x) === name).map((x) => refOf(kind, x)) : [];
  });
}

/** The workload behind a pod: Deployment through its ReplicaSet, else the pod's direct owner. */
function workloadOfPodObject(s: Snapshot, p: Pod): ObjectRef | undefined {
  const o = ownerOf(p as Owned);
  if (!o) return undefined;
  const ns = nsOf(p);
  if (o.kind === 'ReplicaSet') {
    const rs = list(s.replicasets).find((r) => nm(r) === o.name && nsOf(r) === ns);
    const d = ownerOf(rs as Owned);
    if (d?.kind === 'Deployment') return { kind: 'Deployment', name: d.name, namespace: ns };
  }
  return { kind: o.kind, name: o.name, namespace: ns };
}

/** What an object depends on, in the order the walk tries them. */
export function dependencies(s: Snapshot, ref: ObjectRef): ObjectRef[] {
  const ns = ref.namespace ?? '';
  const same = <T extends { metadata?: { name?: string | null; namespace?: string | null } | null } | null | undefined>(xs: T[] | null | undefined) => list(xs).find((x) => nm(x) === ref.name && nsOf(x) === ns);
  const uniq = (refs: ObjectRef[]) => [...new Map(refs.map((r) => [keyOf(r), r])).values()];
  switch (ref.kind) {
    case 'Ingress': {
      const ing = same(s.ingresses);
      const backends = [ing?.spec?.defaultBackend, ...list(ing?.spec?.rules).flatMap((r) => list(r?.http?.paths).map((p) => p?.backend))];
      return uniq(backends.map((b) => b?.service?.name).filter((n): n is string => Boolean(n)).map((name) => ({ kind: 'Service', name, namespace: ns })));
    }
    case 'Service': {
      const svc = same(s.services);
      if (!svc) return [];
      const pods = selectedPods(s, svc);
      return uniq(pods.map((p) => workloadOfPodObject(s, p) ?? refOf('Pod', p)));
    }
    case 'CronJob':
      // Newest Job first: its failure is the current one.
      return list(s.jobs)
        .filter((j) => nsOf(j) === ns && ownerOf(j as Owned)?.kind === 'CronJob' && ownerOf(j as Owned)?.name === ref.name)
        .sort((a, b) => String(b?.metadata?.creationTimestamp ?? '').localeCompare(String(a?.metadata?.creationTimestamp ?? '')))
        .map((j) => refOf('Job', j));
    case 'Job':
      return list(s.pods)
        .filter((p) => p && nsOf(p) === ns && ownerOf(p as Owned)?.kind === 'Job' && ownerOf(p as Owned)?.name === ref.name)
        .map((p) => refOf('Pod', p));
    default:
      return [];
  }
}

/** A finding's chain as steps: evidence about a pod goes to that pod's step, the rest to the first. */
function stepsOf(f: AnalyzerFinding): WhyStep[] {
  const steps = f.chain.map((step) => ({ step, evidence: [] as string[] }));
  for (const e of f.evidence) {
    const pod = /^pod ([^:\s]+):/.exec(e)?.[1];
    const at = pod ? steps.find((s) => s.step.startsWith(`Pod ${pod}:`)) : undefined;
    (at ?? steps[0])?.evidence.push(e);
  }
  return steps;
}

const rankOf = (f: AnalyzerFinding) => ['critical', 'high', 'medium', 'low'].indexOf(f.severity);

/** A pod's own diagnosis as a finding, for a Job's or a Service's pod without a workload. */
function podFinding(s: Snapshot, ref: ObjectRef, o: AnalyzeOptions): AnalyzerFinding | undefined {
  const pod = list(s.pods).find((p) => nm(p) === ref.name && nsOf(p) === (ref.namespace ?? ''));
  const st = pod ? podStep(pod, s, o) : undefined;
  return st ? { object: ref, analyzer: 'pod', severity: 'high', summary: st.diagnosis.summary, evidence: st.evidence, chain: st.chain, fix: { text: st.diagnosis.fix } } : undefined;
}

interface Walked {
  steps: WhyStep[];
  fix: AnalyzerFinding['fix'];
  analyzers: string[];
}

function walk(s: Snapshot, ref: ObjectRef, findings: AnalyzerFinding[], o: AnalyzeOptions, seen: Set<string>, depth: number): Walked | undefined {
  const key = keyOf(ref);
  if (seen.has(key) || depth > 6) return undefined;
  seen.add(key);
  // Most severe first; among equals the longer chain (a workload's pod-level chain says more than its template's reference).
  const own = findings.filter((f) => keyOf(f.object) === key).sort((a, b) => rankOf(a) - rankOf(b) || b.chain.length - a.chain.length)[0] ?? (ref.kind === 'Pod' ? podFinding(s, ref, o) : undefined);
  // What it depends on explains more than its own finding does (a Service's Deployment carries the
  // replica counts its own chain skips); its own chain is the answer when nothing below fails.
  for (const dep of dependencies(s, ref)) {
    const below = walk(s, dep, findings, o, seen, depth + 1);
    if (!below) continue;
    const head: WhyStep = own ? { step: own.chain[0] ?? label(ref), evidence: stepsOf(own)[0]?.evidence ?? [] } : { step: `${label(ref)}: routes to ${label(dep)}`, evidence: [] };
    return { steps: [head, ...below.steps], fix: below.fix, analyzers: [...(own ? [own.analyzer] : []), ...below.analyzers] };
  }
  return own ? { steps: stepsOf(own), fix: own.fix, analyzers: [own.analyzer] } : undefined;
}

/** Why `ref` is failing, as one chain; `failing: false` when neither it nor anything it depends on has a finding. */
export function whyChain(s: Snapshot, ref: ObjectRef, o: AnalyzeOptions = {}): WhyResult {
  const walked = walk(s ?? {}, ref, allFindings(s ?? {}, o), o, new Set(), 0);
  if (!walked) return { object: ref, failing: false, chain: [], analyzers: [] };
  return { object: ref, failing: true, chain: walked.steps, fix: walked.fix, analyzers: walked.analyzers };
}

/** The chain for people: one step a line, its evidence indented under it, the fix last. */
export function renderWhy(r: WhyResult): string {
  if (!r.failing) return `${label(r.object)}: nothing on its chain is failing.`;
  const lines = [`Why ${label(r.object)} is failing:`];
  r.chain.forEach((s, i) => {
    lines.push(`${i === 0 ? '  ' : '  → '}${s.step}`);
    for (const e of s.evidence.slice(0, 4)) lines.push(`${i === 0 ? '      ' : '        '}· ${e}`);
  });
  if (r.fix) {
    lines.push(`  Fix: ${r.fix.text}`);
    if (r.fix.command) lines.push(`  $ ${r.fix.command.join(' ')}`);
  }
  return lines.join('\n');
}
