import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { applyOrder, parseManifest } from '../manifest.js';
import { manifestAction, manifestAudit, manifestInput, manifestProposal, manifestReversibility, writeObjects } from '../manifest-writes.js';
import { dryRunQuery, FIELD_MANAGER, readIfExists, writeInputs } from '../writes.js';
import type { KubeObject } from './get.js';

export function registerApply(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_apply',
    'write',
    {
      title: 'Apply a manifest (server-side apply)',
      description:
        'Create or update objects from YAML/JSON like `kubectl apply --server-side`: the server dry-runs it first and the diff against what is there comes back; changing an existing object asks for confirmation. dryRun: true only previews.',
      inputSchema: {
        manifest: manifestInput,
        namespace: namespaceInput.optional().describe('Namespace for objects that name none (default: default)'),
        force: z.boolean().default(false).describe('Take over fields another manager owns (server-side apply conflicts)'),
        ...writeInputs,
      },
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args, call) => {
      const client = access.client(args.context);
      const objects = applyOrder(parseManifest(args.manifest, { requireName: true }));
      const write = (dryRun: boolean) =>
        writeObjects(access, client, objects, args.namespace, dryRun, async (target, body) => ({
          before: await readIfExists(client, target.path!),
          after: (await kubeRequest(client, { method: 'PATCH', path: target.path!, query: { fieldManager: FIELD_MANAGER, force: args.force, ...dryRunQuery(dryRun) }, contentType: 'application/apply-patch+yaml', body })).json as KubeObject,
        }));
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: (preview) => manifestAction('apply', objects, preview),
        cluster: { access, context: args.context },
        proposal: (preview) => manifestProposal('apply', objects, preview),
        // Creating is additive; changing what exists is what a person should see first.
        needsConfirmation: (preview) => preview.changes.some((c) => c.action === 'configured'),
        preview: () => write(true),
        run: () => write(false),
        reversibility: manifestReversibility,
        auditArguments: () => manifestAudit(args, objects),
      });
    },
    scrubSecretValues(access),
  );
}
