/**
 * ConfigMaps nothing in the namespace reads, and empty ones: hygiene notes, not failures. "Reads"
 * means any pod or pod template (workloads, Jobs, CronJobs) referencing it through env, envFrom, a
 * volume or a projected volume, optional references included; k8sgpt counts only plain volumes and
 * app containers, so it flags ConfigMaps that init containers or projected volumes read.
 *
 * kube-root-ca.crt is told apart: kube-controller-manager publishes it into every namespace and the
 * API server's ServiceAccount admission mounts it into every pod that automounts a token (the
 * projected kube-api-access-* volume). Reporting it as "unused" (as k8sgpt does) would be wrong when
 * pods mount it and pointless when none do (it is re-created if deleted), so it gets its own note
 * saying which of the two holds; the only thing to act on is pods mounting a token they do not need.
 *
 * Secrets are left out on purpose: Ingress TLS, imagePullSecrets, ServiceAccount tokens, Helm's
 * release records and operators read Secrets outside any pod spec, so "unused" would mostly be wrong.
 */
import { configRefs, templates } from './config-refs.js';
import type { AnalyzeOptions, AnalyzerFinding, KeyedObject, PodTemplate, Snapshot } from './types.js';
import { label, list, nm, nsOf, readable, refOf } from './util.js';

/** The CA bundle kube-controller-manager publishes into every namespace. */
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';

/** Labels of ConfigMaps that sidecars load through the API (no pod references them): k8sgpt's list, plus its opt-out. */
const LOADED_THROUGH_API = ['grafana_dashboard', 'grafana_datasource', 'prometheus_rule', 'fluentd_config'];
const loadedThroughApi = (cm: KeyedObject) => {
  const labels = cm.metadata?.labels ?? {};
  return LOADED_THROUGH_API.some((l) => l in labels) || labels['k8sgpt.ai/dynamically-loaded'] === 'true';
};

/** Who reads each ConfigMap (`namespace/name` → "Pod x" / "Deployment y" …, with how), and which pods mount it only through the injected token volume. */
export function configMapReaders(s: Snapshot): { by: Map<string, string[]>; projectedPods: Map<string, string[]> } {
  const by = new Map<string, string[]>();
  const projectedPods = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, key: string, who: string) => {
    const xs = m.get(key) ?? [];
    if (!xs.includes(who)) xs.push(who);
    m.set(key, xs);
  };
  for (const pod of list(s.pods)) {
    if (!pod) continue;
    for (const ref of configRefs(pod.spec as PodTemplate['spec'], true)) {
      if (ref.kind !== 'ConfigMap') continue;
      const key = `${nsOf(pod)}/${ref.name}`;
      // The token volume the API server injects is projected and named kube-api-access-*.
      if (ref.via.endsWith('(projected)') && /^volume kube-api-access-/.test(ref.via)) add(projectedPods, key, nm(pod));
      else add(by, key, `Pod ${nm(pod)} (${ref.via})`);
    }
  }
  for (const { object, spec } of templates(s)) {
    // Bare pods were read above, with their injected token volume told apart.
    if (object.kind === 'Pod') continue;
    for (const ref of configRefs(spec, true)) if (ref.kind === 'ConfigMap') add(by, `${object.namespace ?? ''}/${ref.name}`, `${object.kind} ${object.name} (${ref.via})`);
  }
  return { by, projectedPods };
}

const rootCaFinding = (cm: KeyedObject, pods: string[]): AnalyzerFinding => {
  const object = refOf('ConfigMap', cm);
  const ns = object.namespace ?? '';
  const shown = pods.slice(0, 5).join(', ') + (pods.length > 5 ? ` and ${pods.length - 5} more` : '');
  return {
    object,
    analyzer: 'configmap-root-ca',
    severity: 'low',
    hygiene: true,
    summary: pods.length
      ? `${label(object)} is referenced by no pod spec of its own, but ${pods.length} pod(s) mount it through the automatic ServiceAccount token volume: it is in use, not unused.`
      : `${label(object)} is mounted by no pod here; kube-controller-manager publishes it into every namespace, so that is expected.`,
    evidence: [
      'published by kube-controller-manager (root-ca-cert-publisher) into every namespace; re-created if deleted',
      pods.length ? `mounted through the projected kube-api-access-* volume of: ${shown}` : 'no pod in the namespace mounts it',
      'referenced by no container env, envFrom or ConfigMap volume',
    ],
    chain: [`${label(object)}: no direct reference`, pods.length ? `${pods.length} pod(s): automatic ServiceAccount token volume` : `namespace ${ns}: no pod mounts it`],
    fix: {
      text: pods.length
        ? 'leave the ConfigMap alone; if those pods never call the Kubernetes API, set automountServiceAccountToken: false (on their ServiceAccount or pod spec) and they stop mounting the token and this CA'
        : 'nothing to do: it is cluster plumbing, re-created within seconds if deleted',
    },
  };
};

export function analyzeUnusedConfigMaps(s: Snapshot, _o: AnalyzeOptions): AnalyzerFinding[] {
  // Without every ConfigMap, pod and template, "nothing reads it" would be a guess.
  const needed = ['configmaps', 'pods', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'jobs', 'cronjobs'] as const;
  if (!needed.every((k) => readable(s, k))) return [];
  const { by, projectedPods } = configMapReaders(s);
  const out: AnalyzerFinding[] = [];
  for (const cm of list(s.configmaps)) {
    if (!cm || !nm(cm)) continue;
    const key = `${nsOf(cm)}/${nm(cm)}`;
    const used = by.get(key) ?? [];
    if (nm(cm) === ROOT_CA_CONFIGMAP) {
      if (used.length === 0) out.push(rootCaFinding(cm, projectedPods.get(key) ?? []));
      continue;
    }
    const object = refOf('ConfigMap', cm);
    const owners = list(cm.metadata?.ownerReferences).filter((r) => r?.kind && r.name);
    const keys = list(cm.keys);
    if (used.length === 0 && !loadedThroughApi(cm)) {
      out.push({
        object,
        analyzer: 'configmap-unused',
        severity: 'low',
        hygiene: true,
        summary: `${label(object)} is read by no pod or pod template in its namespace.`,
        evidence: [
          `keys: ${keys.join(', ') || 'none'}`,
          'referenced by no env, envFrom, volume or projected volume of any pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job or CronJob',
          ...(owners.length ? [`owned by ${owners.map((r) => `${r!.kind} ${r!.name}`).join(', ')}: its owner may read it through the API`] : []),
        ],
        chain: [`${label(object)}: no reader`],
        fix: {
          text: owners.length
            ? 'check whether its owner reads it through the API before deleting anything'
            : 'delete it if nothing reads it through the API (operators and sidecars can); label it k8sgpt.ai/dynamically-loaded=true if something does',
          command: ['kubectl', 'delete', 'configmap', object.name, '-n', object.namespace ?? ''],
        },
      });
    }
    if (keys.length === 0) {
      out.push({
        object,
        analyzer: 'configmap-empty',
        severity: 'low',
        hygiene: true,
        summary: `${label(object)} has no keys${used.length ? `, yet ${used.join(', ')} read(s) it` : ''}.`,
        evidence: ['data and binaryData: empty', ...(used.length ? [`read by: ${used.join(', ')}`] : [])],
        chain: [`${label(object)}: no keys`],
        fix: { text: used.length ? 'fill in the keys its readers expect, or drop the reference' : 'delete it, or fill it in' },
      });
    }
  }
  return out;
}
