import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { nameInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { patchAndReport, proposalFor, readTarget, writeInputs, writeTarget } from '../writes.js';

/** k8s_cordon and k8s_uncordon: one field, reversible, so neither asks for confirmation. */
function registerSchedulable(server: McpServer, access: ClusterAccess, cordon: boolean): void {
  const verb = cordon ? 'cordon' : 'uncordon';
  registerPolicedTool(
    server,
    access.policy,
    `k8s_${verb}`,
    'write',
    {
      title: cordon ? 'Cordon a node' : 'Uncordon a node',
      description: cordon
        ? 'Mark a node unschedulable like `kubectl cordon`: running pods stay, new ones go elsewhere. Undo with k8s_uncordon; empty it with k8s_drain.'
        : 'Mark a node schedulable again like `kubectl uncordon`.',
      inputSchema: { name: nameInput.describe('Node name'), ...writeInputs },
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, { kind: 'nodes', name: args.name, context: args.context });
      const before = await readTarget(target);
      const write = (dryRun: boolean) =>
        patchAndReport(access, target, before, { type: 'merge', body: { spec: { unschedulable: cordon ? true : null } } }, dryRun, {
          action: cordon ? 'cordoned' : 'uncordoned',
          summary: (changed) => (changed ? `Node ${args.name} ${dryRun ? 'would be' : 'is'} ${cordon ? 'unschedulable' : 'schedulable'} now.` : `Node ${args.name} is already ${cordon ? 'cordoned' : 'schedulable'}.`),
        });
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `${verb} node ${args.name}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor(verb, target),
        needsConfirmation: () => false,
        preview: () => write(true),
        run: () => write(false),
        reversibility: (preview) => ({ reversible: true, undo: preview.diff ? `k8s_${cordon ? 'uncordon' : 'cordon'} node ${args.name}` : 'nothing changes, nothing to undo' }),
      });
    },
    scrubSecretValues(access),
  );
}

export function registerCordon(server: McpServer, access: ClusterAccess): void {
  registerSchedulable(server, access, true);
}

export function registerUncordon(server: McpServer, access: ClusterAccess): void {
  registerSchedulable(server, access, false);
}
