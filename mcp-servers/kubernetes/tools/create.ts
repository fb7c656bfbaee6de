import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { changeOutput, previewThenRun } from '../../../shared/mcp/change.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { applyOrder, parseManifest } from '../manifest.js';
import { manifestInput, writeObjects } from '../manifest-writes.js';
import { dryRunQuery, FIELD_MANAGER, writeInputs } from '../writes.js';
import type { KubeObject } from './get.js';

export function registerCreate(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_create',
    'write',
    {
      title: 'Create objects from a manifest',
      description: 'Create new objects like `kubectl create -f` (metadata.generateName allowed); an object that already exists is an error — use k8s_apply to change it. The server dry-runs first; dryRun: true only previews.',
      inputSchema: {
        manifest: manifestInput,
        namespace: namespaceInput.optional().describe('Namespace for objects that name none (default: default)'),
        ...writeInputs,
      },
      outputSchema: changeOutput,
      // Only adds objects: nothing that exists is changed, so no confirmation is asked.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const client = access.client(args.context);
      const objects = applyOrder(parseManifest(args.manifest, { requireName: false }));
      return previewThenRun({
        dryRun: args.dryRun,
        action: `create ${objects.length} object${objects.length === 1 ? '' : 's'}`,
        confirm: call.confirm,
        needsConfirmation: () => false,
        execute: (dryRun) =>
          writeObjects(access, client, objects, args.namespace, dryRun, async (target, body) => ({
            before: undefined,
            after: (await kubeRequest(client, { method: 'POST', path: target.collection, query: { fieldManager: FIELD_MANAGER, ...dryRunQuery(dryRun) }, body })).json as KubeObject,
          })),
      });
    },
    scrubSecretValues(access),
  );
}
