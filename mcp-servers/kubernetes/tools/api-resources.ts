import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { renderTable } from '../format.js';
import { contextInput } from '../../../shared/mcp/inputs.js';

export function registerApiResources(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_api_resources';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'API resources',
      description: 'Every kind the cluster serves (CRDs included), like `kubectl api-resources`: name, short names, API version, namespaced, kind.',
      inputSchema: {
        group: z.string().max(253).regex(/^[a-z0-9.-]*$/, 'expected an API group such as apps or networking.k8s.io').optional().describe('Only this API group ("" or core for the core group)'),
        namespaced: z.boolean().optional().describe('Only namespaced (true) or cluster-scoped (false) kinds'),
        context: contextInput,
      },
      outputSchema: {
        resources: z.array(z.object({ name: z.string(), shortNames: z.array(z.string()), apiVersion: z.string(), namespaced: z.boolean(), kind: z.string(), verbs: z.array(z.string()) })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const catalog = await access.catalog(access.client(args.context));
      const group = args.group === 'core' ? '' : args.group;
      const resources = catalog.resources
        .filter((r) => (group === undefined || r.group === group) && (args.namespaced === undefined || r.namespaced === args.namespaced))
        .sort((a, b) => a.group.localeCompare(b.group) || a.plural.localeCompare(b.plural))
        .map((r) => ({ name: r.plural, shortNames: r.shortNames, apiVersion: r.apiVersion, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs }));
      const text = renderTable(
        ['Name', 'Shortnames', 'Apiversion', 'Namespaced', 'Kind'],
        resources.map((r) => [r.name, r.shortNames.join(','), r.apiVersion, String(r.namespaced), r.kind]),
      );
      return toolResult(resources.length ? text : 'No resources match.', { resources });
    },
    scrubSecretValues(access),
  );
}
