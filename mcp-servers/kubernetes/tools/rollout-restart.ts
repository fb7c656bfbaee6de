import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { describeTarget, patchAndReport, proposalFor, readTarget, writeInputs, writeTarget } from '../writes.js';

export const rolloutKindInput = z.enum(['deployment', 'statefulset', 'daemonset']);

export function registerRolloutRestart(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_rollout_restart',
    'write',
    {
      title: 'Restart a workload\'s pods',
      description: 'Replace every pod of a Deployment, StatefulSet or DaemonSet through a rolling update, like `kubectl rollout restart` (it stamps kubectl.kubernetes.io/restartedAt on the pod template). Asks for confirmation.',
      inputSchema: { kind: rolloutKindInput, name: nameInput, namespace: namespaceInput, ...writeInputs },
      outputSchema: changeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, args);
      const before = await readTarget(target);
      const restartedAt = new Date().toISOString();
      const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } };
      const write = (dryRun: boolean) =>
        patchAndReport(access, target, before, { type: 'strategic', body }, dryRun, {
          action: 'restarted',
          summary: () => `${describeTarget(target)}: every pod ${dryRun ? 'would be' : 'is being'} replaced by a rolling update (follow it with k8s_rollout).`,
        });
      return previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `restart every pod of ${describeTarget(target)}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor('restart', target),
        needsConfirmation: () => true,
        preview: () => write(true),
        run: () => write(false),
        reversibility: () => ({ reversible: false, undo: 'not reversible: the old pods are replaced (by identical ones; nothing else to undo)' }),
      });
    },
    scrubSecretValues(access),
  );
}
