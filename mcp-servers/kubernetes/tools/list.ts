import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ResourceCatalog } from '../../../shared/kube-discovery.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { type ServerTable, viewTable } from '../format.js';
import { contextInput, kindInput, limitInput, namespaceInput, selectorInput } from '../../../shared/mcp/inputs.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const listOutput = {
  kind: z.string(),
  apiVersion: z.string(),
  namespace: z.string().nullable().describe('null when listing across all namespaces or for cluster-scoped kinds'),
  columns: z.array(z.string()),
  items: z.array(z.record(z.string(), cell)),
  count: z.number().int(),
  remaining: z.number().int().nullable().describe('objects left after this page, when the server knows'),
  continue: z.string().nullable().describe('pass as `continue` for the next page'),
};

export function registerList(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_list';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'List Kubernetes objects',
      description:
        'List objects of any kind (CRDs included) like `kubectl get`: the columns kubectl shows, in one namespace or across all. Filter with labelSelector/fieldSelector; page with limit/continue.',
      inputSchema: {
        kind: kindInput,
        namespace: namespaceInput.optional().describe('Namespace; omit for all namespaces (or for cluster-scoped kinds)'),
        labelSelector: selectorInput.optional().describe('e.g. app=web,tier!=cache'),
        fieldSelector: selectorInput.optional().describe('e.g. status.phase=Running,spec.nodeName=worker-1'),
        limit: limitInput(1000, 100).describe('Objects per page (1–1000, default 100)'),
        continue: z.string().max(4096).optional().describe('The continue token of the previous page'),
        wide: z.boolean().default(false).describe('All columns, like -o wide'),
        context: contextInput,
      },
      outputSchema: listOutput,
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const client = access.client(args.context);
      const resource = (await access.catalog(client)).resolve(args.kind);
      access.policy.assertKind(resource);
      const namespace = resource.namespaced ? args.namespace : undefined;
      const response = await kubeRequest(client, {
        path: ResourceCatalog.path(resource, namespace),
        accept: TABLE_ACCEPT,
        query: { labelSelector: args.labelSelector, fieldSelector: args.fieldSelector, limit: args.limit, continue: args.continue, includeObject: 'Metadata' },
      });
      const table = response.json as ServerTable;
      const view = viewTable(table, { wide: args.wide, withNamespace: resource.namespaced && !namespace });
      const remaining = table.metadata?.remainingItemCount ?? null;
      const next = table.metadata?.continue || null;
      const where = resource.namespaced ? (namespace ? ` in namespace ${namespace}` : ' in any namespace') : '';
      let text = view.items.length ? view.text : `No ${resource.plural} found${where}.`;
      if (next) {
        const more = remaining !== null ? `${remaining} more` : 'More';
        text += `\n${more} — narrow with labelSelector or namespace, or call again with continue: "${next}"`;
      }
      // Table cells are the server's printing of the objects: scrub any Secret value they echo.
      const redactor = await access.redactor(client, namespace);
      return toolResult(redactor.redactText(text), {
        kind: resource.kind,
        apiVersion: resource.apiVersion,
        namespace: namespace ?? null,
        columns: view.columns,
        items: redactor.redactDeep(view.items),
        count: view.items.length,
        remaining,
        continue: next,
      });
    },
    scrubSecretValues(access),
  );
}
