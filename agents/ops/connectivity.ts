/**
 * Service → selector → endpoints (EndpointSlices) → pods → readiness → port, and the DNS name a
 * client dials, as plain functions over objects: where traffic stops, and what would let it
 * through. Pure.
 */
import { distance } from 'fastest-levenshtein';
import { type EndpointSlice, list, nameOf, namespaceOf, type Pod, type Service } from './kube-objects.js';

export type StopsAt = 'external-name' | 'no-selector' | 'no-matching-pods' | 'pods-not-ready' | 'target-port' | 'no-endpoints' | null;

export interface Trace {
  service: string;
  namespace: string;
  selector: Record<string, string>;
  ports: Array<{ port: number | null; targetPort: number | string | null }>;
  matchingPods: Array<{ name: string; ready: boolean; phase: string }>;
  endpoints: { ready: string[]; notReady: string[] };
  /** Where traffic stops; null when it reaches ready pods. */
  stopsAt: StopsAt;
  summary: string;
  fix?: string;
  /** For a selector matching nothing: the label that exists on pods and is closest to it. */
  suggestion?: { key: string; wrong: string; existing: string; pods: string[] };
  /** What a client in the cluster dials: `<svc>.<ns>.svc.cluster.local` and the Service's ports. */
  dns: { name: string; ports: number[]; resolvesTo: string };
  /** Each link from the DNS name to the pods, in the order traffic crosses them; `ok: false` is where it breaks. */
  links: Link[];
}

export type LinkName = 'dns' | 'service' | 'selector' | 'pods' | 'readiness' | 'port' | 'endpointslices';
export interface Link {
  link: LinkName;
  ok: boolean;
  detail: string;
}

/** Where each StopsAt breaks the chain of links. */
const BREAKS: Record<Exclude<StopsAt, null>, LinkName> = {
  'external-name': 'service',
  'no-selector': 'selector',
  'no-matching-pods': 'selector',
  'pods-not-ready': 'readiness',
  'target-port': 'port',
  'no-endpoints': 'endpointslices',
};

/** The links of a traced Service, ok up to the one its `stopsAt` names. */
export function linksOf(t: Omit<Trace, 'links'>, headless: boolean, sliceCount: number): Link[] {
  const broken = t.stopsAt ? BREAKS[t.stopsAt] : undefined;
  const sel = selectorText(t.selector) || '(none)';
  const ready = t.matchingPods.filter((p) => p.ready);
  const all: Link[] = [
    { link: 'dns', ok: !headless || t.endpoints.ready.length > 0, detail: `${t.dns.name}${t.dns.ports.length ? `:${t.dns.ports.join(',')}` : ''} → ${t.dns.resolvesTo}` },
    { link: 'service', ok: true, detail: t.stopsAt === 'external-name' ? 'ExternalName: no pods behind it' : `Service ${t.namespace}/${t.service}, ports ${t.ports.map((p) => `${p.port ?? '?'}→${p.targetPort ?? '?'}`).join(', ') || 'none'}` },
    { link: 'selector', ok: true, detail: `selector ${sel} matches ${t.matchingPods.length} pod(s)` },
    { link: 'pods', ok: true, detail: t.matchingPods.map((p) => `${p.name} ${p.phase}`).join(', ') || 'none' },
    { link: 'readiness', ok: true, detail: `${ready.length} of ${t.matchingPods.length} ready` },
    { link: 'port', ok: true, detail: `target port(s) ${t.ports.map((p) => p.targetPort ?? '?').join(', ') || 'none'}` },
    { link: 'endpointslices', ok: true, detail: `${sliceCount} EndpointSlice(s): ${t.endpoints.ready.length} ready, ${t.endpoints.notReady.length} not ready endpoint(s)` },
  ];
  if (!broken) return all;
  // Links past the break were never reached: they are left out rather than called ok.
  const at = all.findIndex((l) => l.link === broken);
  return [...all.slice(0, at), { ...all[at]!, ok: false }];
}

export function matchesSelector(labels: Record<string, string> | null | undefined, selector: Record<string, string>): boolean {
  const l = labels ?? {};
  const entries = Object.entries(selector);
  return entries.length > 0 && entries.every(([k, v]) => l[k] === v);
}

function podReady(p: Pod): boolean {
  return p.status?.phase === 'Running' && list(p.status?.conditions).some((c) => c?.type === 'Ready' && c.status === 'True');
}

/** For a selector that matches no pod: per key, the closest value pods in the namespace do carry. */
export function suggestLabel(selector: Record<string, string>, pods: Pod[]): Trace['suggestion'] {
  let best: (Trace['suggestion'] & { d: number }) | undefined;
  for (const [key, wrong] of Object.entries(selector)) {
    const values = new Map<string, string[]>();
    for (const p of pods) {
      const v = p?.metadata?.labels?.[key];
      if (typeof v === 'string') values.set(v, [...(values.get(v) ?? []), nameOf(p)]);
    }
    for (const [existing, names] of values) {
      if (existing === wrong) continue;
      // The other selector terms must hold for these pods, or the fix would not be enough.
      const rest = Object.fromEntries(Object.entries(selector).filter(([k]) => k !== key));
      const fits = names.filter((n) => {
        const pod = pods.find((p) => nameOf(p) === n);
        return Object.keys(rest).length === 0 || matchesSelector(pod?.metadata?.labels, rest);
      });
      if (fits.length === 0) continue;
      const d = distance(wrong, existing) / Math.max(wrong.length, existing.length, 1);
      if (!best || d < best.d) best = { key, wrong, existing, pods: fits, d };
    }
  }
  if (!best || best.d > 0.5) return undefined;
  return { key: best.key, wrong: best.wrong, existing: best.existing, pods: best.pods };
}

const selectorText = (s: Record<string, string>): string => Object.entries(s).map(([k, v]) => `${k}=${v}`).join(',');

/** Follows one Service to its pods. `pods` are the pods of its namespace; `slices` its EndpointSlices. */
export function traceService(service: Service, pods: Pod[], slices: EndpointSlice[]): Trace {
  const name = nameOf(service);
  const namespace = namespaceOf(service);
  const selector = service?.spec?.selector ?? {};
  const ports = list(service?.spec?.ports).map((p) => ({ port: p?.port ?? null, targetPort: p?.targetPort ?? p?.port ?? null }));
  const inNs = list(pods).filter((p) => p && (!namespaceOf(p) || namespaceOf(p) === namespace));
  const matching = inNs.filter((p) => matchesSelector(p.metadata?.labels, selector));
  const matchingPods = matching.map((p) => ({ name: nameOf(p), ready: podReady(p), phase: p.status?.phase ?? 'Unknown' }));
  const ready: string[] = [];
  const notReady: string[] = [];
  for (const s of list(slices)) {
    for (const e of list(s?.endpoints)) {
      const who = e?.targetRef?.name ?? list(e?.addresses).join(',');
      if (!who) continue;
      (e?.conditions?.ready === false ? notReady : ready).push(who);
    }
  }
  const spec = service?.spec as { clusterIP?: string | null; externalName?: string | null } | null | undefined;
  const headless = spec?.clusterIP === 'None';
  const dns = {
    name: `${name}.${namespace || 'default'}.svc.cluster.local`,
    ports: ports.map((p) => p.port).filter((p): p is number => typeof p === 'number'),
    resolvesTo: service?.spec?.type === 'ExternalName' ? `CNAME ${spec?.externalName ?? '?'}` : headless ? `the ready pods' addresses (headless: ${ready.length} ready)` : `ClusterIP ${spec?.clusterIP ?? '(not assigned yet)'}`,
  };
  const base = { service: name, namespace, selector, ports, matchingPods, endpoints: { ready, notReady }, dns };
  const sel = selectorText(selector);
  const out = traceFrom(base, service, matching, inNs, ready, slices, sel);
  return { ...out, links: linksOf(out, headless, list(slices).length) };
}

function traceFrom(
  base: Omit<Trace, 'links' | 'stopsAt' | 'summary'>,
  service: Service,
  matching: Pod[],
  inNs: Pod[],
  ready: string[],
  slices: EndpointSlice[],
  sel: string,
): Omit<Trace, 'links'> {
  const { service: name, namespace, selector, ports, matchingPods } = base;

  if (service?.spec?.type === 'ExternalName') {
    return { ...base, stopsAt: 'external-name', summary: `Service ${name} is an ExternalName alias for ${service.spec.externalName ?? '?'}: it has no pods or endpoints; traffic goes to that DNS name.` };
  }
  if (Object.keys(selector).length === 0) {
    return {
      ...base,
      stopsAt: ready.length ? null : 'no-selector',
      summary: `Service ${name} has no selector: its endpoints are managed by hand${ready.length ? ` (${ready.length} ready)` : ' and there are none'}.`,
      ...(ready.length ? {} : { fix: 'add a selector matching the pods, or create the EndpointSlice for it' }),
    };
  }
  if (matching.length === 0) {
    const suggestion = suggestLabel(selector, inNs);
    return {
      ...base,
      stopsAt: 'no-matching-pods',
      summary: `Traffic stops at the selector: Service ${name} selects ${sel}, which no pod in ${namespace || 'its namespace'} has, so it has no endpoints.`,
      fix: suggestion
        ? `pods ${suggestion.pods.join(', ')} carry ${suggestion.key}=${suggestion.existing}: change the Service's selector to ${suggestion.key}=${suggestion.existing} (or relabel the pods)`
        : `give the intended pods the labels ${sel}, or change the Service's selector to labels they have`,
      ...(suggestion ? { suggestion } : {}),
    };
  }
  const readyPods = matchingPods.filter((p) => p.ready);
  if (readyPods.length === 0) {
    return {
      ...base,
      stopsAt: 'pods-not-ready',
      summary: `Traffic stops at the pods: ${sel} matches ${matching.length} pod(s) (${matchingPods.map((p) => `${p.name} ${p.phase}`).join(', ')}) but none is ready, so no endpoint is ready.`,
      fix: 'find why the pods are not ready (diagnose-workload) — the Service recovers when they are',
    };
  }
  // A target port the pods do not expose.
  for (const p of ports) {
    const tp = p.targetPort;
    if (tp === null) continue;
    const exposes = matching.some((pod) =>
      list(pod.spec?.containers).some((c) => list(c?.ports).some((cp) => (typeof tp === 'number' ? cp?.containerPort === tp : cp?.name === tp))),
    );
    const declaresPorts = matching.some((pod) => list(pod.spec?.containers).some((c) => list(c?.ports).length > 0));
    if (!exposes && (typeof tp === 'string' || declaresPorts)) {
      const have = [...new Set(matching.flatMap((pod) => list(pod.spec?.containers).flatMap((c) => list(c?.ports).map((cp) => `${cp?.containerPort ?? '?'}${cp?.name ? `/${cp.name}` : ''}`))))];
      return {
        ...base,
        stopsAt: 'target-port',
        summary: `Traffic stops at the port: Service ${name} sends port ${p.port ?? '?'} to target port ${tp}, which the pods do not expose (they expose ${have.join(', ') || 'no declared ports'}).`,
        fix: `set the Service's targetPort to the container port the app listens on${have.length ? ` (${have[0]})` : ''}`,
      };
    }
  }
  if (ready.length === 0 && list(slices).length > 0) {
    return { ...base, stopsAt: 'no-endpoints', summary: `Service ${name} selects ${readyPods.length} ready pod(s) but its EndpointSlices list no ready endpoint yet (the endpoints controller may lag).`, fix: 'wait a moment and check again; if it persists, check the kube-controller-manager' };
  }
  return {
    ...base,
    stopsAt: null,
    summary: `Traffic reaches the pods: Service ${name} selects ${sel} → ${readyPods.length} ready pod(s) (${readyPods.map((p) => p.name).join(', ')})${ready.length ? `, ${ready.length} ready endpoint(s)` : ''}.`,
  };
}
