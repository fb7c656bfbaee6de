/**
 * Answers to parsed questions, from the agent's own MCP tools: the bare value a person asked
 * for ("2", "Running", "nginx:1.27.3") and the facts behind it as data.
 */
import { UserError } from '../../errors.js';
import type { ToolBox } from '../engine.js';
import { type Ask, bareName, type ParsedQuestion } from './question.js';
import { requireStructured } from './tool-results.js';
import type { NamedObject, Vocabulary } from './vocabulary.js';

export interface Answer {
  text: string;
  data: Record<string, unknown>;
}

type Row = Record<string, string | number | boolean | null>;
type Obj = Record<string, unknown> & { metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown>; status?: Record<string, unknown> };
interface Container {
  name?: string;
  image?: string;
  ports?: Array<{ containerPort?: number; name?: string }>;
  env?: Array<{ name: string; value?: string; valueFrom?: { secretKeyRef?: { name?: string; key?: string }; configMapKeyRef?: { name?: string; key?: string } } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
}
interface Probe {
  httpGet?: { path?: string; port?: number | string };
  tcpSocket?: { port?: number | string };
  exec?: { command?: string[] };
  grpc?: { port?: number };
}

const WORKLOADS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'CronJob'];

export class Answerer {
  constructor(
    private readonly tools: ToolBox,
    private readonly vocab: Vocabulary,
    private readonly signal?: AbortSignal,
  ) {}

  private async list(kind: string, namespace: string | undefined, labelSelector?: string): Promise<Row[]> {
    const result = await this.tools.callTool('k8s_list', { kind, limit: 1000, view: 'rows', ...(namespace ? { namespace } : {}), ...(labelSelector ? { labelSelector } : {}) }, this.signal);
    return requireStructured<{ items: Row[] }>('k8s_list', result).items ?? [];
  }

  private async get(o: NamedObject): Promise<Obj> {
    const result = await this.tools.callTool('k8s_get', { kind: o.kind, name: o.name, output: 'json', ...(o.namespace ? { namespace: o.namespace } : {}) }, this.signal);
    return requireStructured<{ object: Obj }>('k8s_get', result).object;
  }

  private workloadNames(): string[] {
    return this.vocab.objects.filter((o) => WORKLOADS.includes(o.kind)).map((o) => o.name);
  }

  private bare(pod: string): string {
    return bareName(pod, this.workloadNames());
  }

  /** The pods of a workload (its selector), or the pod itself. */
  private async podsOf(target: NamedObject): Promise<Row[]> {
    if (target.kind === 'Pod') return (await this.list('pods', target.namespace ?? undefined)).filter((r) => r.name === target.name);
    const object = await this.get(target);
    const spec = (target.kind === 'CronJob' ? undefined : object.spec) as { selector?: { matchLabels?: Record<string, string> } } | undefined;
    const labels = spec?.selector?.matchLabels ?? (target.kind === 'Job' ? { 'job-name': target.name } : undefined);
    if (!labels) throw new UserError(`${target.kind} ${target.name} has no pod selector`);
    return this.list('pods', target.namespace ?? undefined, Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(','));
  }

  private async onePod(target: NamedObject): Promise<NamedObject> {
    if (target.kind === 'Pod') return target;
    const pods = await this.podsOf(target);
    const pod = pods.find((p) => p.status === 'Running') ?? pods[0];
    if (!pod) throw new UserError(`${target.kind} ${target.name} has no pods`);
    return { kind: 'Pod', name: String(pod.name), namespace: target.namespace };
  }

  private containersOf(kind: string, object: Obj): Container[] {
    const spec = object.spec as Record<string, unknown> | undefined;
    const podSpec =
      kind === 'Pod' ? spec : kind === 'CronJob' ? (spec?.jobTemplate as { spec?: { template?: { spec?: unknown } } } | undefined)?.spec?.template?.spec : (spec?.template as { spec?: unknown } | undefined)?.spec;
    return ((podSpec as { containers?: Container[] } | undefined)?.containers ?? []) as Container[];
  }

  private need(q: ParsedQuestion, what: string): NamedObject {
    if (!q.target) throw new UserError(`which ${what}? name it, e.g. "… of deployment frontend in namespace shop"`);
    return q.target;
  }

  async answer(q: ParsedQuestion): Promise<Answer> {
    const handlers: Record<Ask, () => Promise<Answer>> = {
      count: () => this.count(q),
      list: () => this.listAnswer(q),
      status: () => this.status(q),
      spawned: () => this.spawned(q),
      logs: () => this.logs(q),
      restarts: () => this.restarts(q),
      node: () => this.node(q),
      ip: () => this.ip(q),
      replicas: () => this.field(q, 'workload', (o) => String((o.spec as { replicas?: number })?.replicas ?? 1)),
      containers: () => this.field(q, 'pod', (o, t) => String(this.containersOf(t.kind, o).length)),
      image: () => this.field(q, 'workload', (o, t) => this.containersOf(t.kind, o).map((c) => c.image ?? '').join(', ')),
      port: () => this.port(q),
      probe: () => this.probe(q),
      env: () => this.env(q),
      'service-type': () => this.field(q, 'service', (o) => String((o.spec as { type?: string })?.type ?? 'ClusterIP')),
      schedule: () => this.field(q, 'cronjob', (o) => String((o.spec as { schedule?: string })?.schedule ?? '')),
      host: () => this.field(q, 'ingress', (o) => ((o.spec as { rules?: Array<{ host?: string }> })?.rules ?? []).map((r) => r.host ?? '*').join(', ')),
      'namespace-of': async () => {
        const t = this.need(q, 'object');
        return { text: t.namespace ?? '(cluster-scoped)', data: { object: t } };
      },
      endpoints: () => this.endpoints(q),
      version: () => this.nodeFacts(q, (n) => n.version),
      capacity: () => this.nodeFacts(q, (n) => n.capacity[q.resource ?? 'cpu'] ?? ''),
    };
    return handlers[q.ask]();
  }

  private countedKind(q: ParsedQuestion): string {
    return q.kinds[0]?.plural ?? 'pods';
  }

  private async count(q: ParsedQuestion): Promise<Answer> {
    const kind = this.countedKind(q);
    // "how many pods does deployment cart run": the pods of that workload.
    const rows = kind === 'pods' && q.target && q.target.kind !== 'Pod' ? await this.podsOf(q.target) : await this.list(kind, q.namespace);
    const matching = this.filterByStatus(rows, q);
    return { text: String(matching.length), data: { kind, namespace: q.namespace ?? null, status: q.status ?? null, names: matching.map((r) => r.name) } };
  }

  private filterByStatus(rows: Row[], q: ParsedQuestion): Row[] {
    const filter = q.status;
    if (!filter) return rows;
    if (filter.kind === 'unhealthy') return rows.filter((r) => !isHealthy(r));
    const wanted = filter.status.toLowerCase();
    return rows.filter((r) => String(r.status ?? '').toLowerCase() === wanted || (wanted === 'imagepullbackoff' && r.status === 'ErrImagePull'));
  }

  private async listAnswer(q: ParsedQuestion): Promise<Answer> {
    const kind = this.countedKind(q);
    const rows = this.filterByStatus(await this.list(kind, q.namespace), q);
    const names = [...new Set(rows.map((r) => (kind === 'pods' ? this.bare(String(r.name)) : String(r.name))))].sort();
    return { text: names.length ? names.join(', ') : 'none', data: { kind, namespace: q.namespace ?? null, items: rows } };
  }

  private async status(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'object');
    if (t.kind === 'Pod' || WORKLOADS.includes(t.kind) || t.kind === 'Node' || t.kind === 'Namespace') {
      const kind = t.kind === 'Pod' ? 'pods' : t.kind.toLowerCase();
      const row = (await this.list(kind, t.namespace ?? undefined)).find((r) => r.name === t.name);
      if (!row) throw new UserError(`${t.kind} ${t.name} is gone`);
      // Pods and nodes have a STATUS column; workloads say how many are ready.
      const value = row.status ?? row.ready ?? row.completions ?? '';
      return { text: String(value), data: { object: t, row } };
    }
    throw new UserError(`${t.kind} objects have no status this engine reads`);
  }

  private async spawned(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'workload');
    const pods = await this.podsOf(t);
    const names = [...new Set(pods.map((p) => this.bare(String(p.name))))];
    return { text: names.join(', ') || 'none', data: { workload: t, pods: pods.map((p) => p.name) } };
  }

  private async logs(q: ParsedQuestion): Promise<Answer> {
    const pod = await this.onePod(this.need(q, 'pod'));
    const result = await this.tools.callTool('k8s_logs', { name: pod.name, namespace: pod.namespace, tail: q.tail ?? 100, previous: q.previous }, this.signal);
    const s = requireStructured<{ log: string; container: string | null; lines: number }>('k8s_logs', result);
    return { text: s.log.trimEnd(), data: { pod: pod.name, namespace: pod.namespace, container: s.container, previous: q.previous, lines: s.lines } };
  }

  private async restarts(q: ParsedQuestion): Promise<Answer> {
    const pods = await this.podsOf(this.need(q, 'pod'));
    const total = pods.reduce((sum, p) => sum + (Number.parseInt(String(p.restarts ?? 0), 10) || 0), 0);
    return { text: String(total), data: { pods: pods.map((p) => ({ name: p.name, restarts: p.restarts })) } };
  }

  private async node(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'pod');
    const nodes = await Promise.all((t.kind === 'Pod' ? [t] : (await this.podsOf(t)).map((p) => ({ kind: 'Pod', name: String(p.name), namespace: t.namespace }))).map(async (p) => (await this.get(p)).spec?.nodeName as string | undefined));
    const names = [...new Set(nodes.map((n) => n ?? '(not scheduled)'))];
    return { text: names.join(', '), data: { object: t, nodes } };
  }

  private async ip(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'pod or service');
    const object = await this.get(t.kind === 'Service' ? t : await this.onePod(t));
    const ip = t.kind === 'Service' ? (object.spec as { clusterIP?: string })?.clusterIP : (object.status as { podIP?: string })?.podIP;
    return { text: ip ?? '(none)', data: { object: t } };
  }

  private async field(q: ParsedQuestion, what: string, read: (object: Obj, target: NamedObject) => string): Promise<Answer> {
    const t = this.need(q, what);
    const object = await this.get(t);
    return { text: read(object, t), data: { object: t } };
  }

  private async port(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'service or workload');
    const object = await this.get(t);
    if (t.kind === 'Service') {
      const ports = ((object.spec as { ports?: Array<{ port: number; targetPort?: number | string }> })?.ports ?? []).map((p) => p.port);
      return { text: ports.join(', '), data: { object: t, ports } };
    }
    const ports = this.containersOf(t.kind, object).flatMap((c) => (c.ports ?? []).map((p) => p.containerPort));
    return { text: ports.join(', ') || '(none declared)', data: { object: t, ports } };
  }

  private async probe(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'workload');
    const which = q.probe ?? 'readiness';
    const probes = this.containersOf(t.kind, await this.get(t)).map((c) => c[`${which}Probe`]).filter((p): p is Probe => Boolean(p));
    const describe = (p: Probe) => p.httpGet?.path ?? (p.tcpSocket ? `tcp port ${p.tcpSocket.port}` : p.exec ? p.exec.command?.join(' ') : p.grpc ? `grpc port ${p.grpc.port}` : '?');
    return { text: probes.length ? probes.map(describe).join(', ') : `(no ${which} probe)`, data: { object: t, probe: which, probes } };
  }

  private async env(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'workload');
    if (!q.envVar) throw new UserError('which environment variable? name it in capitals, e.g. DB_HOST');
    const entries = this.containersOf(t.kind, await this.get(t)).flatMap((c) => c.env ?? []).filter((e) => e.name === q.envVar);
    const e = entries[0];
    if (!e) return { text: `(not set)`, data: { object: t, variable: q.envVar } };
    const from = e.valueFrom?.secretKeyRef ? `(from Secret ${e.valueFrom.secretKeyRef.name} key ${e.valueFrom.secretKeyRef.key}; value not shown)` : e.valueFrom?.configMapKeyRef ? `(from ConfigMap ${e.valueFrom.configMapKeyRef.name} key ${e.valueFrom.configMapKeyRef.key})` : undefined;
    return { text: from ?? e.value ?? '', data: { object: t, variable: q.envVar } };
  }

  private async endpoints(q: ParsedQuestion): Promise<Answer> {
    const t = this.need(q, 'service');
    const result = await this.tools.callTool('k8s_list', { kind: 'endpointslices', namespace: t.namespace, labelSelector: `kubernetes.io/service-name=${t.name}`, view: 'rows' }, this.signal);
    const rows = requireStructured<{ items: Row[] }>('k8s_list', result).items ?? [];
    // The ENDPOINTS column lists addresses ("10.244.1.4,10.244.2.3" or "<unset>").
    const addresses = rows.flatMap((r) => String(r.endpoints ?? '').split(',').filter((a) => a && a !== '<unset>' && !a.includes('more')));
    return { text: String(addresses.length), data: { service: t, addresses } };
  }

  private async nodeFacts(q: ParsedQuestion, read: (n: { name: string; version: string; capacity: Record<string, string> }) => string): Promise<Answer> {
    const result = await this.tools.callTool('k8s_nodes', {}, this.signal);
    const nodes = requireStructured<{ nodes: Array<{ name: string; version: string; capacity: Record<string, string> }> }>('k8s_nodes', result).nodes;
    const chosen = q.target?.kind === 'Node' ? nodes.filter((n) => n.name === q.target!.name) : nodes;
    const values = [...new Set(chosen.map(read))];
    return { text: values.join(', '), data: { nodes: chosen.map((n) => ({ name: n.name, value: read(n) })) } };
  }
}

/** Running with every container ready, or finished well. */
function isHealthy(row: Row): boolean {
  const status = String(row.status ?? '');
  if (status === 'Completed' || status === 'Succeeded') return true;
  const [ready, total] = String(row.ready ?? '').split('/');
  return status === 'Running' && ready !== undefined && ready === total;
}
