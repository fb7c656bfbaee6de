/**
 * Availability checks on workloads as a set, the reliability half of Polaris and kube-score: a
 * Deployment with one replica, a multi-replica Deployment or StatefulSet no PodDisruptionBudget
 * covers, one with neither topology spread nor pod anti-affinity, and a PDB that allows no
 * voluntary disruption (it blocks every node drain). A missing PDB can only be judged where the
 * caller saw all PDBs of the namespace: `pdbNamespaces` says which. Pure.
 */
import { selects } from './network.js';
import { podTemplateOf } from './pod.js';
import { arr, type Finding, type Obj, rec, refOf, str } from './types.js';

const REPLICATED = new Set(['Deployment', 'StatefulSet']);

export interface AvailabilityInput {
  /** Any objects: Deployments and StatefulSets are checked, the rest ignored. */
  workloads: unknown[];
  podDisruptionBudgets: unknown[];
  /** HorizontalPodAutoscalers: a workload they scale has their minReplicas, not spec.replicas. */
  autoscalers?: unknown[];
  /** Namespaces whose PDBs the caller has all of ('all' for a live cluster); others get no pdb-missing finding. */
  pdbNamespaces: readonly string[] | 'all';
}

/** The replicas a workload runs: its autoscaler's minReplicas (default 1) when one targets it, else spec.replicas (default 1). */
function replicasOf(workload: Obj, autoscalers: Obj[]): { replicas: number; hpa?: string } {
  const ref = refOf(workload);
  const hpa = autoscalers.find((h) => {
    const target = rec(rec(h.spec).scaleTargetRef);
    return str(rec(h.metadata).namespace) === ref.namespace && str(target.kind) === ref.kind && str(target.name) === ref.name;
  });
  if (hpa) {
    const min = rec(hpa.spec).minReplicas;
    return { replicas: typeof min === 'number' ? min : 1, hpa: refOf({ ...hpa, kind: 'HorizontalPodAutoscaler' }).name };
  }
  const r = rec(workload.spec).replicas;
  return { replicas: typeof r === 'number' ? r : 1 };
}

/** A PDB that allows no voluntary eviction: maxUnavailable 0 or 0%, or minAvailable 100%. */
function blocksDisruption(pdb: Obj): string | undefined {
  const spec = rec(pdb.spec);
  if (spec.maxUnavailable === 0 || spec.maxUnavailable === '0%' || spec.maxUnavailable === '0') return `maxUnavailable: ${String(spec.maxUnavailable)}`;
  if (spec.minAvailable === '100%') return 'minAvailable: 100%';
  return undefined;
}

export function checkAvailability(input: AvailabilityInput): Finding[] {
  const findings: Finding[] = [];
  const autoscalers = (input.autoscalers ?? []).map(rec);
  const pdbs = input.podDisruptionBudgets.map(rec);
  const judgedNs = (ns: string | undefined) => input.pdbNamespaces === 'all' || input.pdbNamespaces.includes(ns ?? '');

  for (const raw of input.workloads) {
    const w = rec(raw);
    const ref = refOf(w);
    if (!REPLICATED.has(ref.kind)) continue;
    const template = rec(podTemplateOf(w));
    const labels = rec(rec(template.metadata).labels);
    const spec = rec(template.spec);
    const { replicas, hpa } = replicasOf(w, autoscalers);

    if (ref.kind === 'Deployment' && replicas < 2) {
      findings.push({
        severity: 'low',
        check: 'workload-single-replica',
        object: ref,
        evidence: hpa ? `HorizontalPodAutoscaler ${hpa} allows ${replicas} replica` : `replicas: ${replicas}${rec(w.spec).replicas === undefined ? ' (unset, defaults to 1)' : ''}: a node drain, a crash or a rollout takes it down`,
        fix: hpa ? `Set minReplicas: 2 or more on HorizontalPodAutoscaler ${hpa}.` : 'Run at least 2 replicas (spread over nodes) so one pod going away does not take the service down.',
        remediation: hpa ? 'spec:\n  minReplicas: 2' : 'spec:\n  replicas: 3',
      });
    }
    if (replicas < 2) continue;

    if (judgedNs(ref.namespace)) {
      const covered = pdbs.some((p) => str(rec(p.metadata).namespace) === ref.namespace && rec(p.spec).selector !== undefined && selects(rec(p.spec).selector, labels));
      if (!covered) {
        const matchLabels = Object.entries(labels).map(([k, v]) => `      ${k}: ${String(v)}`);
        findings.push({
          severity: 'low',
          check: 'workload-pdb-missing',
          object: ref,
          evidence: `${replicas} replicas and no PodDisruptionBudget in ${ref.namespace ?? 'its namespace'} selects its pods (labels ${Object.entries(labels).map(([k, v]) => `${k}=${String(v)}`).join(',') || 'none'}): a node drain may evict them all at once`,
          fix: 'Add a PodDisruptionBudget selecting these pods with maxUnavailable: 1 (or minAvailable below the replica count).',
          remediation: ['apiVersion: policy/v1', 'kind: PodDisruptionBudget', 'metadata:', `  name: ${ref.name}`, ...(ref.namespace ? [`  namespace: ${ref.namespace}`] : []), 'spec:', '  maxUnavailable: 1', '  selector:', '    matchLabels:', ...(matchLabels.length ? matchLabels : ['      app: <label>'])].join('\n'),
        });
      }
    }

    const antiAffinity = rec(rec(spec.affinity).podAntiAffinity);
    const spread = arr(spec.topologySpreadConstraints).length > 0 || arr(antiAffinity.requiredDuringSchedulingIgnoredDuringExecution).length > 0 || arr(antiAffinity.preferredDuringSchedulingIgnoredDuringExecution).length > 0;
    if (!spread) {
      const app = Object.entries(labels)[0];
      findings.push({
        severity: 'info',
        check: 'workload-spread-missing',
        object: ref,
        evidence: `${replicas} replicas with neither topologySpreadConstraints nor podAntiAffinity: the scheduler may put them all on one node`,
        fix: 'Add a topologySpreadConstraint over kubernetes.io/hostname (or a preferred podAntiAffinity) so replicas land on different nodes.',
        remediation: ['# in the pod spec (spec.template.spec):', 'topologySpreadConstraints:', '  - maxSkew: 1', '    topologyKey: kubernetes.io/hostname', '    whenUnsatisfiable: ScheduleAnyway', '    labelSelector:', '      matchLabels:', `        ${app ? `${app[0]}: ${String(app[1])}` : 'app: <label>'}`].join('\n'),
      });
    }
  }

  for (const p of pdbs) {
    const blocked = blocksDisruption(p);
    if (!blocked) continue;
    findings.push({
      severity: 'low',
      check: 'pdb-no-disruptions',
      object: refOf({ ...p, kind: str(p.kind) ?? 'PodDisruptionBudget' }),
      evidence: `${blocked}: no pod it selects may ever be evicted voluntarily, so node drains and upgrades hang`,
      fix: 'Allow at least one disruption: maxUnavailable: 1, or minAvailable below the replica count.',
      remediation: 'spec:\n  maxUnavailable: 1',
    });
  }
  return findings;
}
