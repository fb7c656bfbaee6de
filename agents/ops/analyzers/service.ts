/**
 * Services that route nowhere: a selector that matches no pod (with the nearest pods named),
 * selected pods none of which is ready (no endpoints, down to the pod that shows why), and
 * target ports the selected pods do not expose (numbers and named ports).
 */
import type { Pod, Service } from '../kube-objects.js';
import { firstPodStep } from './pod-step.js';
import type { AnalyzeOptions, AnalyzerFinding, Snapshot } from './types.js';
import { label, list, matchesMap, nm, nsOf, readable, refOf, selectorText } from './util.js';

/** The pods of the service's namespace that share the most selector labels with it (none if no pod shares one). */
export function nearestPods(selector: Record<string, string>, pods: Pod[]): Array<{ pod: string; matching: number; labels: string }> {
  const scored = pods.map((p) => ({ pod: nm(p), matching: Object.entries(selector).filter(([k, v]) => p.metadata?.labels?.[k] === v).length, labels: selectorText(p.metadata?.labels) }));
  const best = Math.max(0, ...scored.map((x) => x.matching));
  return best === 0 ? [] : scored.filter((x) => x.matching === best).slice(0, 3);
}

const readyAddresses = (s: Snapshot, svc: Service): number =>
  list(s.endpointslices)
    .filter((e) => e && nsOf(e) === nsOf(svc) && e.metadata?.labels?.['kubernetes.io/service-name'] === nm(svc))
    .flatMap((e) => list(e.endpoints))
    .filter((ep) => ep && ep.conditions?.ready !== false)
    .reduce((n, ep) => n + list(ep.addresses).length, 0);

/** The pods a Service selects, in its namespace. */
export const selectedPods = (s: Snapshot, svc: Service): Pod[] => list(s.pods).filter((p) => p && nsOf(p) === nsOf(svc) && matchesMap(svc.spec?.selector, p.metadata?.labels) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');

function portFindings(svc: Service, pods: Pod[]): AnalyzerFinding[] {
  const object = refOf('Service', svc);
  const containerPorts = pods.flatMap((p) => list(p.spec?.containers).flatMap((c) => list(c?.ports)));
  const out: AnalyzerFinding[] = [];
  for (const port of list(svc.spec?.ports)) {
    if (!port) continue;
    const target = port.targetPort ?? port.port;
    if (target === null || target === undefined) continue;
    const named = typeof target === 'string' && !/^\d+$/.test(target);
    // An undeclared number may still be listened on; only a declared list that lacks it is evidence.
    if (!named && containerPorts.length === 0) continue;
    const ok = named ? containerPorts.some((cp) => cp?.name === target) : containerPorts.some((cp) => cp?.containerPort === Number(target));
    if (ok) continue;
    const declared = containerPorts.map((cp) => `${cp?.containerPort ?? '?'}${cp?.name ? `/${cp.name}` : ''}`);
    const uniq = [...new Set(declared)];
    out.push({
      object,
      analyzer: 'service-port-mismatch',
      severity: named ? 'high' : 'medium',
      summary: `${label(object)} port ${port.port ?? '?'} targets ${named ? `the named port "${target}"` : `port ${target}`}, which none of its ${pods.length} pod(s) ${named ? 'defines' : 'declares'} (they declare ${uniq.join(', ') || 'no ports'}).`,
      evidence: [`spec.ports[${port.name ?? port.port ?? '?'}]: port ${port.port ?? '?'} → targetPort ${target}`, `container ports of the selected pods: ${uniq.join(', ') || 'none'}`],
      chain: [`${label(object)}: port ${port.port ?? '?'} → targetPort ${target}`, `Pods ${pods.slice(0, 3).map(nm).join(', ')}: ${named ? `no container port named ${target}` : `no containerPort ${target}`}`],
      fix: { text: `set targetPort to the port the container listens on (${uniq.join(', ') || 'declare it in the pod template'})${named ? ', or name that container port ' + target : ''}` },
    });
  }
  return out;
}

export function analyzeServices(s: Snapshot, o: AnalyzeOptions): AnalyzerFinding[] {
  if (!readable(s, 'pods')) return [];
  const out: AnalyzerFinding[] = [];
  for (const svc of list(s.services)) {
    const selector = svc?.spec?.selector;
    if (!svc || svc.spec?.type === 'ExternalName' || !selector || Object.keys(selector).length === 0) continue;
    const object = refOf('Service', svc);
    const pods = selectedPods(s, svc);
    if (pods.length === 0) {
      const near = nearestPods(selector, list(s.pods).filter((p) => p && nsOf(p) === nsOf(svc)));
      out.push({
        object,
        analyzer: 'service-selector-no-match',
        severity: 'high',
        summary: `${label(object)} selects ${selectorText(selector)}, which matches no pod in ${object.namespace ?? 'its namespace'}${near.length ? `; nearest: ${near.map((n) => n.pod).join(', ')}` : ''}.`,
        evidence: [`spec.selector: ${selectorText(selector)}`, ...near.map((n) => `pod ${n.pod} matches ${n.matching}/${Object.keys(selector).length} selector labels (labels: ${n.labels || 'none'})`)],
        chain: [`${label(object)}: no endpoints`, `selector ${selectorText(selector)}: matches no pod`],
        fix: { text: near.length ? `make the selector match the pods' labels (e.g. ${near[0]!.labels}) or relabel the pods` : 'point the selector at the labels of the pods that should serve it, or deploy them' },
      });
      continue;
    }
    out.push(...portFindings(svc, pods));
    if (!readable(s, 'endpointslices') || readyAddresses(s, svc) > 0) continue;
    const notReady = pods.filter((p) => p.status?.phase !== 'Running' || list(p.status?.containerStatuses).some((c) => c?.ready !== true) || list(p.status?.containerStatuses).length === 0);
    if (notReady.length === 0) continue;
    const { step, covers } = firstPodStep(notReady, s, o);
    out.push({
      object,
      analyzer: 'service-no-endpoints',
      severity: 'high',
      summary: `${label(object)} has no ready endpoints: none of its ${pods.length} selected pod(s) is ready${step ? ` (${step.diagnosis.cause})` : ''}.`,
      evidence: [`spec.selector: ${selectorText(selector)}`, `selected pods: ${pods.map((p) => `${nm(p)} ${p.status?.phase ?? '?'}`).join(', ')}`, 'EndpointSlices: no ready address', ...(step ? step.evidence : [])],
      chain: [`${label(object)}: no ready endpoints`, ...(step ? step.chain : [`Pods ${notReady.map(nm).join(', ')}: not ready`])],
      fix: { text: step ? step.diagnosis.fix : 'make the selected pods ready (see their readiness probes and events)' },
      covers,
    });
  }
  return out;
}
