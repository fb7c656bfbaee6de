/**
 * Reads what the posture checks need from the cluster through the agent's kubernetes MCP tools
 * (read tools only: k8s_list, k8s_get): pods (full objects), namespaces, NetworkPolicies (full
 * objects, for default-deny and pod selection), ConfigMaps (their key names are checked; values
 * are never reported), bindings to cluster-admin or to a default ServiceAccount, non-default roles,
 * and for the availability checks the Deployments, StatefulSets, PodDisruptionBudgets,
 * HorizontalPodAutoscalers, Ingresses and each namespace's default ServiceAccount.
 */
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { requireStructured, structuredOf } from '../../shared/reasoning/embedded/tool-results.js';

/** Namespaces a cluster-wide report skips unless asked. */
export const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];

export interface ClusterObjects {
  namespaces: string[];
  pods: unknown[];
  /** CronJobs: their pods come and go, so their templates are checked. */
  cronJobs: unknown[];
  networkPolicies: unknown[];
  /** ConfigMaps, for credential-named keys. */
  configMaps: unknown[];
  bindings: unknown[];
  roles: unknown[];
  /** Deployments and StatefulSets (replicas, spread, PDB coverage). */
  workloads: unknown[];
  /** Undefined when they could not be listed: a missing PDB is then not judged. */
  podDisruptionBudgets: unknown[] | undefined;
  autoscalers: unknown[];
  /** Ingresses (TLS). */
  ingresses: unknown[];
  /** The default ServiceAccount of each namespace in scope (automountServiceAccountToken). */
  serviceAccounts: unknown[];
  /** Reads that failed (the report says so instead of pretending they were clean). */
  errors: string[];
}

type Row = Record<string, string | number | boolean | null>;

async function listRows(tools: ToolBox, args: Record<string, unknown>, signal?: AbortSignal): Promise<Row[]> {
  const rows: Row[] = [];
  let cont: string | undefined;
  for (let page = 0; page < 20; page++) {
    const r = await tools.callTool('k8s_list', { ...args, view: 'rows', limit: 500, ...(cont ? { continue: cont } : {}) }, signal);
    const s = requireStructured<{ items?: Row[]; continue: string | null }>('k8s_list', r);
    rows.push(...(s.items ?? []));
    if (!s.continue) break;
    cont = s.continue;
  }
  return rows;
}

async function getAll(tools: ToolBox, kind: string, refs: Array<{ name: string; namespace?: string | undefined }>, errors: string[], signal?: AbortSignal): Promise<unknown[]> {
  const out: unknown[] = [];
  const queue = [...refs];
  const worker = async () => {
    for (let ref = queue.shift(); ref; ref = queue.shift()) {
      const r = await tools.callTool('k8s_get', { kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), output: 'json' }, signal);
      const object = structuredOf<{ object: Record<string, unknown> }>(r)?.object;
      if (object) out.push({ kind, ...object });
      else errors.push(`could not read ${kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  return out;
}

/** A list the report can do without: a failure is noted in errors instead of failing the report. */
async function softRows(tools: ToolBox, args: Record<string, unknown>, errors: string[], signal?: AbortSignal): Promise<Row[]> {
  try {
    return await listRows(tools, args, signal);
  } catch (e) {
    if (signal?.aborted) throw e;
    errors.push(`could not list ${String(args.kind)}: ${e instanceof Error ? e.message : String(e)}`);
    return [];
  }
}

/** Default user-facing ClusterRoles; wildcards in cluster-admin are reported through its bindings. */
const DEFAULT_CLUSTER_ROLES = new Set(['cluster-admin', 'admin', 'edit', 'view']);

const name = (r: Row) => String(r.name ?? '');
const nsOf = (r: Row) => (typeof r.namespace === 'string' ? r.namespace : undefined);

export interface CollectOptions {
  /** One namespace, or all but SYSTEM_NAMESPACES (unless includeSystem). */
  namespace?: string | undefined;
  includeSystem?: boolean;
  signal?: AbortSignal | undefined;
  progress?: (text: string) => void;
}

export async function collectCluster(tools: ToolBox, options: CollectOptions): Promise<ClusterObjects> {
  const { namespace, signal } = options;
  const progress = options.progress ?? (() => undefined);
  const errors: string[] = [];
  const inScope = (ns: string | undefined) => (namespace ? ns === namespace : options.includeSystem || !SYSTEM_NAMESPACES.includes(ns ?? ''));

  progress(namespace ? `Reading namespace ${namespace}…` : 'Listing namespaces, pods and NetworkPolicies…');
  const scoped = namespace ? { namespace } : {};
  const [nsRows, podRows, npRows, cjRows, cmRows] = await Promise.all([
    listRows(tools, { kind: 'namespaces' }, signal),
    listRows(tools, { kind: 'pods', ...scoped }, signal),
    softRows(tools, { kind: 'networkpolicies', ...scoped }, errors, signal),
    softRows(tools, { kind: 'cronjobs', ...scoped }, errors, signal),
    softRows(tools, { kind: 'configmaps', ...scoped }, errors, signal),
  ]);
  const namespaces = nsRows.map(name).filter((n) => inScope(n));
  const podRefs = podRows.map((r) => ({ name: name(r), namespace: nsOf(r) ?? namespace })).filter((r) => inScope(r.namespace));

  progress(`Reading ${podRefs.length} pods…`);
  const pods = await getAll(tools, 'Pod', podRefs, errors, signal);
  const cronJobs = await getAll(tools, 'CronJob', cjRows.map((r) => ({ name: name(r), namespace: nsOf(r) ?? namespace })).filter((r) => inScope(r.namespace)), errors, signal);

  progress('Reading RBAC: bindings to cluster-admin and custom roles…');
  // Roles and ClusterRoles are listed unfiltered and filtered here: the server's table for an
  // empty filtered list of them can fail (see the report).
  const [crbRows, rbRows, crRows, roleRows] = await Promise.all([
    namespace ? Promise.resolve([]) : softRows(tools, { kind: 'clusterrolebindings', wide: true }, errors, signal),
    softRows(tools, { kind: 'rolebindings', wide: true }, errors, signal),
    namespace ? Promise.resolve([]) : softRows(tools, { kind: 'clusterroles' }, errors, signal),
    softRows(tools, { kind: 'roles' }, errors, signal),
  ]);
  // The wide table's SERVICEACCOUNTS column lists subjects as namespace/name (or namespace:name).
  const worthReading = (r: Row) => String(r.role ?? '') === 'ClusterRole/cluster-admin' || /(^|,)\s*[^,\s]+[/:]default\s*(,|$)/.test(String(r.serviceaccounts ?? ''));
  const bindings = [
    ...(await getAll(tools, 'ClusterRoleBinding', crbRows.filter(worthReading).map((r) => ({ name: name(r) })), errors, signal)),
    ...(await getAll(
      tools,
      'RoleBinding',
      rbRows.filter(worthReading).map((r) => ({ name: name(r), namespace: nsOf(r) })).filter((r) => inScope(r.namespace)),
      errors,
      signal,
    )),
  ];
  const roles = [
    ...(await getAll(tools, 'ClusterRole', crRows.map((r) => ({ name: name(r) })).filter((r) => !r.name.startsWith('system:') && !DEFAULT_CLUSTER_ROLES.has(r.name)), errors, signal)),
    ...(await getAll(
      tools,
      'Role',
      roleRows.map((r) => ({ name: name(r), namespace: nsOf(r) })).filter((r) => inScope(r.namespace) && !r.name.startsWith('system:')),
      errors,
      signal,
    )),
  ];
  const networkPolicies = await getAll(tools, 'NetworkPolicy', npRows.map((r) => ({ name: name(r), namespace: nsOf(r) ?? namespace })).filter((r) => inScope(r.namespace)), errors, signal);
  // kube-root-ca.crt is in every namespace and holds the public CA certificate only.
  const cmRefs = cmRows.map((r) => ({ name: name(r), namespace: nsOf(r) ?? namespace })).filter((r) => inScope(r.namespace) && r.name !== 'kube-root-ca.crt');
  const configMaps = await getAll(tools, 'ConfigMap', cmRefs, errors, signal);

  progress('Reading Deployments, StatefulSets, PodDisruptionBudgets, autoscalers and Ingresses…');
  const [deployRows, stsRows, pdbRows, hpaRows, ingressRows] = await Promise.all([
    softRows(tools, { kind: 'deployments', ...scoped }, errors, signal),
    softRows(tools, { kind: 'statefulsets', ...scoped }, errors, signal),
    softRows(tools, { kind: 'poddisruptionbudgets', ...scoped }, errors, signal),
    softRows(tools, { kind: 'horizontalpodautoscalers', ...scoped }, errors, signal),
    softRows(tools, { kind: 'ingresses', ...scoped }, errors, signal),
  ]);
  const refsOf = (rows: Row[]) => rows.map((r) => ({ name: name(r), namespace: nsOf(r) ?? namespace })).filter((r) => inScope(r.namespace));
  const workloads = [...(await getAll(tools, 'Deployment', refsOf(deployRows), errors, signal)), ...(await getAll(tools, 'StatefulSet', refsOf(stsRows), errors, signal))];
  const pdbListed = !errors.some((e) => e.startsWith('could not list poddisruptionbudgets'));
  const podDisruptionBudgets = pdbListed ? await getAll(tools, 'PodDisruptionBudget', refsOf(pdbRows), errors, signal) : undefined;
  const autoscalers = await getAll(tools, 'HorizontalPodAutoscaler', refsOf(hpaRows), errors, signal);
  const ingresses = await getAll(tools, 'Ingress', refsOf(ingressRows), errors, signal);
  const serviceAccounts = await getAll(tools, 'ServiceAccount', namespaces.map((ns) => ({ name: 'default', namespace: ns })), errors, signal);
  return { namespaces, pods, cronJobs, networkPolicies, configMaps, bindings, roles, workloads, podDisruptionBudgets, autoscalers, ingresses, serviceAccounts, errors };
}
