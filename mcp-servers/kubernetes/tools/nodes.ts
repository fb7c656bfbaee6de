import type { V1Node } from '@kubernetes/client-node';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { kubeRequest } from '../../../shared/kube-http.js';
import { nodeStatus } from '../../../shared/node-status.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { age, renderTable } from '../format.js';
import { contextInput, selectorInput } from '../../../shared/mcp/inputs.js';

const nodeOutput = z.object({
  name: z.string(),
  status: z.string(),
  roles: z.array(z.string()),
  version: z.string(),
  age: z.string(),
  internalIP: z.string().nullable(),
  capacity: z.record(z.string(), z.string()),
  allocatable: z.record(z.string(), z.string()),
  conditions: z.array(z.object({ type: z.string(), status: z.string(), reason: z.string(), message: z.string() })),
  taints: z.array(z.string()),
  unschedulable: z.boolean(),
});

export function registerNodes(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_nodes';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Nodes',
      description: 'Nodes with status, roles, version, capacity and allocatable resources, conditions (pressure, readiness) and taints.',
      inputSchema: { labelSelector: selectorInput.optional(), context: contextInput },
      outputSchema: { nodes: z.array(nodeOutput) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      access.policy.assertKind({ plural: 'nodes', singular: 'node', kind: 'Node' });
      const client = access.client(args.context);
      const list = (await kubeRequest(client, { path: '/api/v1/nodes', query: { labelSelector: args.labelSelector } })).json as { items: V1Node[] };
      const nodes = list.items.map((n) => ({
        name: n.metadata?.name ?? '',
        status: nodeStatus(n),
        roles: Object.keys(n.metadata?.labels ?? {})
          .filter((l) => l.startsWith('node-role.kubernetes.io/'))
          .map((l) => l.slice('node-role.kubernetes.io/'.length)),
        version: n.status?.nodeInfo?.kubeletVersion ?? '',
        age: age(n.metadata?.creationTimestamp),
        internalIP: n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address ?? null,
        capacity: (n.status?.capacity ?? {}) as Record<string, string>,
        allocatable: (n.status?.allocatable ?? {}) as Record<string, string>,
        conditions: (n.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? '', message: c.message ?? '' })),
        taints: (n.spec?.taints ?? []).map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`),
        unschedulable: Boolean(n.spec?.unschedulable),
      }));
      const table = renderTable(
        ['Name', 'Status', 'Roles', 'Age', 'Version', 'Cpu', 'Memory', 'Pods', 'Taints'],
        nodes.map((n) => [n.name, n.status, n.roles.join(',') || '<none>', n.age, n.version, n.allocatable.cpu ?? '', n.allocatable.memory ?? '', n.allocatable.pods ?? '', n.taints.join(',') || '<none>']),
      );
      const problems = nodes.flatMap((n) => n.conditions.filter((c) => (c.type === 'Ready' ? c.status !== 'True' : c.status === 'True')).map((c) => `${n.name}: ${c.type}=${c.status} ${c.reason} ${c.message}`.trim()));
      const text = nodes.length ? `${table}${problems.length ? `\n\nConditions needing attention:\n${problems.join('\n')}` : ''}` : 'No nodes.';
      return toolResult(text, { nodes });
    },
    scrubSecretValues(access),
  );
}
