import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { kubeRequest, METADATA_LIST_ACCEPT } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { age, renderTable } from '../format.js';
import { contextInput } from '../../../shared/mcp/inputs.js';

interface MetaList {
  /** null when the list is empty (metadata lists say so). */
  items: null | Array<{ metadata: { name: string; namespace?: string; creationTimestamp?: string; labels?: Record<string, string> } }>;
}

export function registerNamespaces(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_namespaces';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Namespaces',
      description: 'Namespaces with their status, age, labels and how many pods each holds.',
      inputSchema: { context: contextInput },
      outputSchema: {
        namespaces: z.array(z.object({ name: z.string(), status: z.string(), age: z.string(), pods: z.number().int(), labels: z.record(z.string(), z.string()) })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      access.policy.assertKind({ plural: 'namespaces', singular: 'namespace', kind: 'Namespace' });
      const client = access.client(args.context);
      const [namespaces, pods] = await Promise.all([
        kubeRequest(client, { path: '/api/v1/namespaces' }).then((r) => r.json as { items: Array<NonNullable<MetaList['items']>[number] & { status?: { phase?: string } }> }),
        kubeRequest(client, { path: '/api/v1/pods', accept: METADATA_LIST_ACCEPT }).then((r) => r.json as MetaList),
      ]);
      const counts = new Map<string, number>();
      for (const p of pods.items ?? []) counts.set(p.metadata.namespace ?? '', (counts.get(p.metadata.namespace ?? '') ?? 0) + 1);
      const rows = namespaces.items.map((n) => ({
        name: n.metadata.name,
        status: n.status?.phase ?? 'Active',
        age: age(n.metadata.creationTimestamp),
        pods: counts.get(n.metadata.name) ?? 0,
        labels: Object.fromEntries(Object.entries(n.metadata.labels ?? {}).filter(([k]) => k !== 'kubernetes.io/metadata.name')),
      }));
      const text = renderTable(['Name', 'Status', 'Age', 'Pods', 'Labels'], rows.map((r) => [r.name, r.status, r.age, r.pods, Object.entries(r.labels).map(([k, v]) => `${k}=${v}`).join(',') || '<none>']));
      return toolResult(text, { namespaces: rows });
    },
    scrubSecretValues(access),
  );
}
