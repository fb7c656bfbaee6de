import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { UserError } from '../../../shared/errors.js';
import { type ApiResource, ResourceCatalog } from '../../../shared/kube-discovery.js';
import type { KubeClient } from '../../../shared/kube.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { budgetText, cleanObject, toYaml } from '../format.js';
import { contextInput, kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';

export type KubeObject = { apiVersion?: string; kind?: string; metadata?: Record<string, unknown> & { name?: string; namespace?: string; uid?: string }; [k: string]: unknown };

/** A namespaced kind named without a namespace is a question back, not a guess. */
export function requireNamespace(resource: ApiResource, args: { name: string; namespace?: string | undefined }): void {
  if (resource.namespaced && !args.namespace) {
    throw new UserError(`${resource.plural} are namespaced: say which namespace "${args.name}" is in`, `pass namespace, or find it with k8s_list kind=${resource.plural}`);
  }
}

/** Reads one object, after policy and namespace checks; shared by get and describe. */
export async function readObject(
  access: ClusterAccess,
  args: { kind: string; name: string; namespace?: string | undefined; context?: string | undefined },
): Promise<{ client: KubeClient; resource: ApiResource; object: KubeObject }> {
  const client = access.client(args.context);
  const resource = (await access.catalog(client)).resolve(args.kind);
  access.policy.assertKind(resource);
  requireNamespace(resource, args);
  const object = (await kubeRequest(client, { path: ResourceCatalog.path(resource, args.namespace, args.name) })).json as KubeObject;
  return { client, resource, object: { apiVersion: resource.apiVersion, kind: resource.kind, ...object } };
}

export function registerGet(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_get';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Get one Kubernetes object',
      description: 'The full object as YAML (default) or JSON, like `kubectl get -o yaml`, without managedFields; Secret values are masked.',
      inputSchema: {
        kind: kindInput,
        name: nameInput,
        namespace: namespaceInput.optional().describe('Namespace (required for namespaced kinds)'),
        output: z.enum(['yaml', 'json']).default('yaml'),
        maxChars: z.number().int().min(1000).max(1_000_000).default(60_000).describe('Size cap for the text (default 60000)'),
        context: contextInput,
      },
      outputSchema: { object: z.record(z.string(), z.unknown()), truncated: z.boolean().describe('the text was cut at maxChars') },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { object } = await readObject(access, args);
      // Secrets are masked by structure here; values echoed elsewhere (annotations, ConfigMaps) are scrubbed by scrubSecretValues.
      const clean = cleanObject(object);
      const rendered = args.output === 'json' ? JSON.stringify(clean, null, 2) : toYaml(clean);
      const { text, truncated } = budgetText(rendered, args.maxChars, 'the object is large: use k8s_describe for a summary, or raise maxChars');
      return toolResult(text, { object: clean, truncated });
    },
    scrubSecretValues(access),
  );
}
