import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { applyOrder, parseManifest } from '../manifest.js';
import { manifestAction, manifestAudit, manifestInput, manifestProposal, manifestReversibility, writeObjects } from '../manifest-writes.js';
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
      // Only adds objects: nothing that exists is changed, so only the guardian's require-approval asks.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const client = access.client(args.context);
      const objects = applyOrder(parseManifest(args.manifest, { requireName: false }));
      const write = (dryRun: boolean) =>
        writeObjects(access, client, objects, args.namespace, dryRun, async (target, body) => ({
          before: undefined,
          after: (await kubeRequest(client, { method: 'POST', path: target.collection, query: { fieldManager: FIELD_MANAGER, ...dryRunQuery(dryRun) }, body })).json as KubeObject,
        }));
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: (preview) => manifestAction('create', objects, preview),
        cluster: { access, context: args.context },
        proposal: (preview) => manifestProposal('create', objects, preview),
        needsConfirmation: () => false,
        preview: () => write(true),
        run: () => write(false),
        reversibility: manifestReversibility,
        auditArguments: () => manifestAudit(args, objects),
      });
    },
    scrubSecretValues(access),
  );
}
