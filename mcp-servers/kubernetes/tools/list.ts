import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ResourceCatalog } from '../../../shared/kube-discovery.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { cutTable, GROUPED_VIEW_MIN_ROWS, type ServerTable, viewPage, writersOf } from '../format.js';
import { contextInput, kindInput, limitInput, namespaceInput, selectorInput } from '../../../shared/mcp/inputs.js';

export const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export const listOutput = {
  kind: z.string(),
  apiVersion: z.string(),
  namespace: z.string().nullable().describe('null when listing across all namespaces or for cluster-scoped kinds'),
  columns: z.array(z.string()).describe('the columns of items, or (view "grouped") the columns groups share: all but Name'),
  view: z.enum(['rows', 'grouped']).describe('which of items (rows) or groups (grouped) this page carries'),
  items: z.array(z.record(z.string(), cell)).optional().describe('view "rows" only: one object per row, keyed by column (NAME → name, RESTARTS → restarts)'),
  groups: z
    .array(z.object({ count: z.number().int(), names: z.array(z.string()) }).catchall(cell))
    .optional()
    .describe('view "grouped" only: rows that agree on every column but Name, one object each with the shared column values (keys as in items; a column named Count or Names becomes countColumn/namesColumn), count and names'),
  count: z.number().int(),
  remaining: z.number().int().nullable().describe('objects left after this page, when the server knows'),
  continue: z.string().nullable().describe('pass as `continue` for the next page'),
  writers: z
    .array(
      z.object({
        namespace: z.string().nullable(),
        name: z.string(),
        createdAt: z.string().nullable(),
        managedFields: z.array(z.object({ manager: z.string(), operation: z.string(), apiVersion: z.string(), time: z.string().nullable() })),
        lastAppliedApiVersion: z.string().nullable(),
      }),
    )
    .optional()
    .describe('writers: true only — per object, who wrote it through which apiVersion (managedFields without fieldsV1; the last-applied annotation\'s apiVersion)'),
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
        `List objects of any kind (CRDs included) like \`kubectl get\`: the columns kubectl shows, in one namespace or across all. Filter with labelSelector/fieldSelector; page with limit/continue. Pages of more than ${GROUPED_VIEW_MIN_ROWS} objects come grouped: objects that agree on every column but NAME share one line with their COUNT and NAMES (structured: groups instead of items); view "rows" forces one line per object.`,
      inputSchema: {
        kind: kindInput,
        namespace: namespaceInput.optional().describe('Namespace; omit for all namespaces (or for cluster-scoped kinds)'),
        labelSelector: selectorInput.optional().describe('e.g. app=web,tier!=cache'),
        fieldSelector: selectorInput.optional().describe('e.g. status.phase=Running,spec.nodeName=worker-1'),
        limit: limitInput(1000, 100).describe('Objects per page (1–1000, default 100)'),
        continue: z.string().max(4096).optional().describe('The continue token of the previous page'),
        wide: z.boolean().default(false).describe('All columns, like -o wide'),
        view: z
          .enum(['rows', 'grouped', 'auto'])
          .default('auto')
          .describe(`rows: one line per object (items); grouped: one line per set of objects that differ only by name (groups); auto (default): grouped when the page has more than ${GROUPED_VIEW_MIN_ROWS} objects and grouping at least halves its lines`),
        writers: z.boolean().default(false).describe('Also return, per object, the managers and apiVersions it was written with (managedFields manager/operation/apiVersion/time and the last-applied apiVersion) — for finding clients that use deprecated API versions'),
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
      const cut = cutTable(table, { wide: args.wide, withNamespace: resource.namespaced && !namespace });
      const page = viewPage(cut, args.view);
      const count = cut.rows.length;
      const remaining = table.metadata?.remainingItemCount ?? null;
      const next = table.metadata?.continue || null;
      const where = resource.namespaced ? (namespace ? ` in namespace ${namespace}` : ' in any namespace') : '';
      // A model reading a grouped page should not mistake a line for one object.
      const legend = page.view === 'grouped' ? `${count} ${resource.plural} in ${page.groups.length} lines: those that differ only by name share one (view "rows" lists one per line).\n` : '';
      let text = count ? legend + page.text : `No ${resource.plural} found${where}.`;
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
        columns: page.columns,
        view: page.view,
        ...(page.view === 'rows' ? { items: redactor.redactDeep(page.items) } : { groups: redactor.redactDeep(page.groups) }),
        count,
        remaining,
        continue: next,
        ...(args.writers
          ? {
              writers: (table.rows ?? []).map((row) => {
                const metadata = (row.object?.metadata ?? {}) as Record<string, unknown>;
                return { namespace: typeof metadata.namespace === 'string' ? metadata.namespace : null, name: String(metadata.name ?? ''), ...writersOf(metadata) };
              }),
            }
          : {}),
      });
    },
    scrubSecretValues(access),
  );
}
