/** The live cluster's names a metrics question is matched against, read through k8s_list. */
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { structuredOf } from '../../shared/reasoning/embedded/tool-results.js';
import type { Entities, WorkloadKind } from './promql.js';

type Row = { name?: unknown; namespace?: unknown };

async function rows(tools: ToolBox, kind: string, signal?: AbortSignal): Promise<Array<{ name: string; namespace: string }>> {
  const r = await tools.callTool('k8s_list', { kind, view: 'rows', limit: 1000 }, signal);
  return (structuredOf<{ items?: Row[] }>(r)?.items ?? []).map((i) => ({ name: String(i.name ?? ''), namespace: typeof i.namespace === 'string' ? i.namespace : '' }));
}

export async function loadEntities(tools: ToolBox | undefined, signal?: AbortSignal): Promise<Entities> {
  if (!tools) return { namespaces: [], nodes: [], pods: [], workloads: [] };
  const kinds: WorkloadKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];
  const [namespaces, nodes, pods, ...workloads] = await Promise.all([
    rows(tools, 'namespaces', signal),
    rows(tools, 'nodes', signal),
    rows(tools, 'pods', signal),
    ...kinds.map((k) => rows(tools, `${k.toLowerCase()}s`, signal)),
  ]);
  return {
    namespaces: namespaces.map((n) => n.name),
    nodes: nodes.map((n) => n.name),
    pods,
    workloads: workloads.flatMap((list, i) => list.map((w) => ({ kind: kinds[i] ?? 'Deployment', ...w }))),
  };
}
