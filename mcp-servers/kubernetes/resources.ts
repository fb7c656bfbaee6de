import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ClusterAccess } from '../../shared/cluster-access.js';
import { checkConnection } from '../../shared/kube.js';
import { kubeRequest } from '../../shared/kube-http.js';
import { isNodeReady } from '../../shared/node-status.js';
import { countPodsByStatus, summarizePod } from '../../shared/pod-status.js';
import { renderTable } from '../../shared/table.js';
import { eventRows, fetchEvents, renderEvents } from './tools/events.js';

interface Named {
  metadata: { name: string };
}

async function namespaceNames(access: ClusterAccess): Promise<string[]> {
  const list = (await kubeRequest(access.client(), { path: '/api/v1/namespaces' })).json as { items: Named[] };
  return list.items.map((n) => n.metadata.name);
}

/** Pods whose STATUS is not Running or Completed, as `namespace/name STATUS` rows. */
function troubled(pods: V1Pod[]): string[][] {
  return pods
    .map((p) => ({ p, s: summarizePod(p) }))
    .filter(({ s }) => !['Running', 'Completed'].includes(s.status) || s.ready.startsWith('0/'))
    .filter(({ s }) => s.status !== 'Completed')
    .map(({ p, s }) => [p.metadata?.namespace ?? '', p.metadata?.name ?? '', s.ready, s.status, String(s.restarts)]);
}

/**
 * Read-only context a client can attach without calling tools: the cluster at a glance, and
 * one namespace at a glance (with namespace-name completion).
 */
export function registerResources(server: McpServer, access: ClusterAccess): void {
  server.registerResource(
    'cluster-overview',
    'k8s://cluster/overview',
    { title: 'Cluster overview', description: 'Version, nodes, pods by status and the pods that need attention', mimeType: 'text/plain' },
    async (uri) => {
      const client = access.client();
      const version = await checkConnection(client);
      const [nodes, pods] = await Promise.all([
        kubeRequest(client, { path: '/api/v1/nodes' }).then((r) => (r.json as { items: V1Node[] }).items),
        kubeRequest(client, { path: '/api/v1/pods' }).then((r) => (r.json as { items: V1Pod[] }).items),
      ]);
      const byStatus = countPodsByStatus(pods);
      const rows = troubled(pods);
      const text = [
        `Cluster ${client.context} at ${client.server}, Kubernetes ${version.gitVersion}`,
        `Nodes: ${nodes.filter(isNodeReady).length}/${nodes.length} Ready`,
        `Pods: ${pods.length} (${Object.entries(byStatus).map(([s, n]) => `${n} ${s}`).join(', ')})`,
        ...(rows.length ? ['', 'Pods needing attention:', renderTable(['Namespace', 'Name', 'Ready', 'Status', 'Restarts'], rows)] : []),
      ].join('\n');
      const redactor = await access.redactor(client);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: redactor.redactText(text) }] };
    },
  );

  server.registerResource(
    'namespace-overview',
    new ResourceTemplate('k8s://namespaces/{namespace}', {
      list: async () => ({
        resources: (await namespaceNames(access)).map((name) => ({ uri: `k8s://namespaces/${name}`, name: `namespace ${name}`, mimeType: 'text/plain' })),
      }),
      complete: { namespace: async (value) => (await namespaceNames(access)).filter((n) => n.startsWith(value)) },
    }),
    { title: 'Namespace overview', description: 'Pods with their status, and the latest warning events, of one namespace', mimeType: 'text/plain' },
    async (uri, variables) => {
      const namespace = String(variables.namespace ?? '');
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) throw new Error(`"${namespace}" is not a namespace name`);
      const client = access.client();
      const pods = ((await kubeRequest(client, { path: `/api/v1/namespaces/${namespace}/pods` })).json as { items: V1Pod[] }).items;
      const warnings = eventRows(await fetchEvents(client, { namespace, type: 'Warning' })).slice(-10);
      const text = [
        `Namespace ${namespace}: ${pods.length} pods`,
        pods.length
          ? renderTable(['Name', 'Ready', 'Status', 'Restarts'], pods.map((p) => { const s = summarizePod(p); return [p.metadata?.name ?? '', s.ready, s.status, s.restarts]; }))
          : '',
        '',
        warnings.length ? `Latest warnings:\n${renderEvents(warnings, true)}` : 'No warning events.',
      ].join('\n');
      const redactor = await access.redactor(client, namespace);
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: redactor.redactText(text) }] };
    },
  );
}
