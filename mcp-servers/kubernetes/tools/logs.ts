import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { UserError } from '../../../shared/errors.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { contextInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';

export function registerLogs(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_logs';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Pod logs',
      description:
        'A container\'s log like `kubectl logs`: the last 100 lines by default; `previous` for the crashed instance (why a CrashLoopBackOff pod died); `grep` keeps matching lines. Secret values are scrubbed.',
      inputSchema: {
        name: nameInput.describe('Pod name'),
        namespace: namespaceInput,
        container: nameInput.optional().describe('Container (default: the only one; required when the pod has several)'),
        tail: z.number().int().min(1).max(10_000).default(100).describe('Lines from the end (1–10000, default 100)'),
        sinceSeconds: z.number().int().min(1).max(30 * 86_400).optional().describe('Only lines newer than this many seconds'),
        previous: z.boolean().default(false).describe('The previous (terminated) container instance'),
        grep: z.string().min(1).max(200).optional().describe('Keep only lines containing this text (case-insensitive)'),
        maxBytes: z.number().int().min(1024).max(1_048_576).default(65_536).describe('Size cap in bytes (default 64 KiB)'),
        context: contextInput,
      },
      outputSchema: {
        pod: z.string(),
        namespace: z.string(),
        container: z.string().nullable(),
        previous: z.boolean(),
        lines: z.number().int(),
        truncated: z.boolean(),
        log: z.string(),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      access.policy.assertKind({ plural: 'pods', singular: 'pod', kind: 'Pod' });
      const client = access.client(args.context);
      const base = `/api/v1/namespaces/${encodeURIComponent(args.namespace)}/pods`;
      let response;
      try {
        response = await kubeRequest(client, {
          path: `${base}/${encodeURIComponent(args.name)}/log`,
          query: { container: args.container, tailLines: args.tail, sinceSeconds: args.sinceSeconds, previous: args.previous || undefined, limitBytes: args.maxBytes },
          maxBytes: args.maxBytes,
        });
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) {
          // A workload name instead of a pod name is the common slip: offer its pods.
          const pods = (await kubeRequest(client, { path: base })).json as { items: Array<{ metadata: { name: string } }> };
          const near = pods.items.map((p) => p.metadata.name).filter((n) => n.startsWith(`${args.name}-`));
          throw new UserError(`pod "${args.name}" not found in namespace ${args.namespace}`, near.length ? `did you mean ${near.slice(0, 5).join(', ')}?` : 'list pods with k8s_list kind=pods');
        }
        throw e;
      }
      let lines = response.text.split('\n');
      if (lines.at(-1) === '') lines.pop();
      if (args.grep) {
        const needle = args.grep.toLowerCase();
        lines = lines.filter((l) => l.toLowerCase().includes(needle));
      }
      // Secret values a container printed are scrubbed by scrubSecretValues, like every result.
      const log = lines.join('\n');
      const header = `${args.previous ? 'Previous log' : 'Log'} of ${args.namespace}/${args.name}${args.container ? ` (${args.container})` : ''}: ${lines.length} line${lines.length === 1 ? '' : 's'}${args.grep ? ` matching "${args.grep}"` : ''}`;
      const footer = response.truncated ? `\n… cut at ${args.maxBytes} bytes — lower tail, use sinceSeconds or grep` : '';
      return toolResult(`${header}\n${log || '(empty)'}${footer}`, {
        pod: args.name,
        namespace: args.namespace,
        container: args.container ?? null,
        previous: args.previous,
        lines: lines.length,
        truncated: response.truncated,
        log,
      });
    },
    scrubSecretValues(access),
  );
}
