/**
 * service-connectivity's I/O: find the Service a request names, read its pods and EndpointSlices,
 * trace it link by link from its DNS name to the pods, with the service analyzer's selector and
 * port findings (nearest pods, declared ports) as evidence.
 */
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { Cluster } from './cluster.js';
import { analyzeServices } from './analyzers/service.js';
import { traceService } from './connectivity.js';
import type { EndpointSlice, Pod, Service } from './kube-objects.js';
import { candidateNames } from './skills.js';
import { mapLimit } from '../../shared/map-limit.js';

const MAX_PODS = 60;

/** The Service a request names: an exact name among `services`, narrowed by a namespace it names. */
export function pickService(text: string, services: Array<{ namespace: string; name: string }>): { namespace: string; name: string } | undefined {
  const words = candidateNames(text);
  const namespaces = new Set(services.map((s) => s.namespace));
  const ns = words.find((w) => namespaces.has(w) && new RegExp(`\\b(in|namespace|ns)\\s+${w.replace(/[.]/g, '\\.')}\\b`, 'i').test(text));
  for (const w of words) {
    const hits = services.filter((s) => s.name === w && (!ns || s.namespace === ns));
    if (hits.length > 0) return hits.find((s) => s.namespace !== 'kube-system') ?? hits[0];
  }
  return undefined;
}

export async function runConnectivity(cluster: Cluster, text: string, progress: (t: string) => void): Promise<TaskResult> {
  progress('Finding the Service');
  const services = (await cluster.rows('services')).map((r) => ({ namespace: String(r.namespace ?? ''), name: String(r.name ?? '') }));
  const target = pickService(text, services);
  if (!target) {
    return {
      text: `Which Service? I found none named in "${text.trim()}". Services: ${services.map((s) => `${s.namespace}/${s.name}`).join(', ')}.`,
      data: { skill: 'service-connectivity', found: false, services },
    };
  }
  progress(`Tracing Service ${target.namespace}/${target.name}: selector → endpoints → pods`);
  const service = await cluster.object<Service>('service', target.name, target.namespace);
  const podRows = (await cluster.rows('pods', target.namespace)).slice(0, MAX_PODS);
  const pods = await mapLimit(podRows, 4, (r) => cluster.object<Pod>('pod', String(r.name), target.namespace));
  const sliceRows = await cluster.rows('endpointslices', target.namespace, { labelSelector: `kubernetes.io/service-name=${target.name}` });
  const slices = await mapLimit(sliceRows, 4, (r) => cluster.object<EndpointSlice>('endpointslice', String(r.name), target.namespace));
  const trace = traceService(service, pods, slices);
  // The analyzer's view of the same objects: nearest pods for a selector, declared ports for a target port.
  const analyzer = analyzeServices({ namespace: target.namespace, services: [service], pods, endpointslices: slices, events: [] }, {}).filter((f) => f.analyzer !== 'service-no-endpoints');
  // The deepest broken link is the cause (a headless Service's DNS fails because its pods do).
  const broken = trace.links.filter((l) => !l.ok).at(-1);
  const lines = [
    trace.summary,
    `  chain: ${trace.links.map((l) => `${l.ok ? '✓' : '✗'} ${l.link}`).join(' → ')}${broken ? `  (breaks at ${broken.link})` : ''}`,
    ...trace.links.map((l) => `    ${l.ok ? 'ok ' : 'BAD'} ${l.link.padEnd(14)} ${l.detail}`),
    `  selector: ${Object.entries(trace.selector).map(([k, v]) => `${k}=${v}`).join(',') || '(none)'}`,
    `  ports: ${trace.ports.map((p) => `${p.port ?? '?'} → ${p.targetPort ?? '?'}`).join(', ') || '(none)'}`,
    `  matching pods: ${trace.matchingPods.map((p) => `${p.name} (${p.phase}${p.ready ? ', ready' : ', not ready'})`).join(', ') || 'none'}`,
    `  endpoints: ${trace.endpoints.ready.length} ready${trace.endpoints.notReady.length ? `, ${trace.endpoints.notReady.length} not ready` : ''} (${slices.length} EndpointSlice(s))`,
    ...analyzer.flatMap((f) => f.evidence.map((e) => `  evidence (${f.analyzer}): ${e}`)),
    ...(trace.fix ? [`  Fix: ${trace.fix}`] : []),
  ];
  return { text: lines.join('\n'), data: { skill: 'service-connectivity', ...trace, breaksAt: broken?.link ?? null, analyzerFindings: analyzer } };
}
