import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { changeOutput, previewThenRun } from '../../../shared/mcp/change.js';
import { nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { describeTarget, patchAndReport, readTarget, writeInputs, writeTarget } from '../writes.js';

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
      return previewThenRun({
        dryRun: args.dryRun,
        action: `restart every pod of ${describeTarget(target)}`,
        confirm: call.confirm,
        needsConfirmation: () => true,
        execute: (dryRun) =>
          patchAndReport(access, target, before, { type: 'strategic', body }, dryRun, {
            action: 'restarted',
            summary: () => `${describeTarget(target)}: every pod ${dryRun ? 'would be' : 'is being'} replaced by a rolling update (follow it with k8s_rollout).`,
          }),
      });
    },
    scrubSecretValues(access),
  );
}
