import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { contextInput, kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';

export function registerCanI(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_can_i';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Can I?',
      description: 'Whether the current credentials may do a verb on a kind, like `kubectl auth can-i` (a SelfSubjectAccessReview).',
      inputSchema: {
        verb: z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection', 'impersonate', 'bind', 'escalate', '*']),
        kind: kindInput,
        namespace: namespaceInput.optional().describe('Namespace (omit for all namespaces / cluster scope)'),
        name: nameInput.optional().describe('A specific object'),
        subresource: z.string().regex(/^[a-z]+$/).max(64).optional().describe('e.g. log, exec, scale'),
        context: contextInput,
      },
      outputSchema: { allowed: z.boolean(), reason: z.string(), verb: z.string(), resource: z.string(), namespace: z.string().nullable() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const client = access.client(args.context);
      const resource = (await access.catalog(client)).resolve(args.kind);
      const review = (
        await kubeRequest(client, {
          method: 'POST',
          path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { verb: args.verb, group: resource.group, resource: resource.plural, namespace: args.namespace, name: args.name, subresource: args.subresource } },
          },
        })
      ).json as { status?: { allowed?: boolean; reason?: string; denied?: boolean } };
      const allowed = Boolean(review.status?.allowed);
      const what = `${args.verb} ${resource.plural}${resource.group ? `.${resource.group}` : ''}${args.subresource ? `/${args.subresource}` : ''}${args.name ? ` ${args.name}` : ''}`;
      const where = args.namespace ? ` in namespace ${args.namespace}` : '';
      return toolResult(`${allowed ? 'yes' : 'no'} — ${what}${where}${review.status?.reason ? ` (${review.status.reason})` : ''}`, {
        allowed,
        reason: review.status?.reason ?? '',
        verb: args.verb,
        resource: `${resource.plural}${resource.group ? `.${resource.group}` : ''}`,
        namespace: args.namespace ?? null,
      });
    },
    scrubSecretValues(access),
  );
}
