import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { KubeApiError, kubeRequest } from '../../../shared/kube-http.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { changeOf, describeTarget, patchTarget, proposalFor, scrubbedDiff, writeInputs, writeTarget } from '../writes.js';
import type { KubeObject } from './get.js';

interface Scale {
  spec?: { replicas?: number };
  status?: { replicas?: number };
}

export function registerScale(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_scale',
    'write',
    {
      title: 'Scale a workload',
      description: 'Set the replicas of a Deployment, StatefulSet, ReplicaSet (or any kind with a scale subresource) like `kubectl scale`. Scaling down asks for confirmation; currentReplicas guards against racing another change.',
      inputSchema: {
        kind: kindInput.default('deployment'),
        name: nameInput,
        namespace: namespaceInput,
        replicas: z.number().int().min(0).max(10_000),
        currentReplicas: z.number().int().min(0).optional().describe('Only scale when the replicas are this now (like --current-replicas)'),
        ...writeInputs,
      },
      outputSchema: { ...changeOutput, from: z.number().int(), to: z.number().int() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, args);
      let scale: KubeObject & Scale;
      try {
        scale = (await kubeRequest(target.client, { path: `${target.path}/scale` })).json as KubeObject & Scale;
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404 && /scale/.test(e.message)) throw new UserError(`${target.resource.plural} cannot be scaled (no scale subresource)`, 'scale a Deployment, StatefulSet or ReplicaSet');
        throw e;
      }
      const from = scale.spec?.replicas ?? 0;
      if (args.currentReplicas !== undefined && args.currentReplicas !== from) {
        throw new UserError(`${describeTarget(target)} has ${from} replicas, not ${args.currentReplicas} as expected; nothing was changed`, 'read it again and decide with the current number');
      }
      const to = args.replicas;
      const write = async (dryRun: boolean) => {
        const after = await patchTarget(target, { type: 'merge', body: { spec: { replicas: to } }, subresource: 'scale' }, dryRun);
        const diff = await scrubbedDiff(access, target.client, target.namespace, `${describeTarget(target)} (scale)`, scale, after);
        const effect = to < from ? `${from - to} pod${from - to === 1 ? '' : 's'} ${dryRun ? 'would be' : 'will be'} removed` : to > from ? `${to - from} pod${to - from === 1 ? '' : 's'} ${dryRun ? 'would be' : 'will be'} added` : 'no change';
        return {
          summary: `${describeTarget(target)}: replicas ${from} → ${to} (${effect}).`,
          changes: [changeOf({}, { ...target.resource, name: target.name, namespace: target.namespace }, to === from ? 'unchanged' : 'scaled')],
          diff,
        };
      };
      const result = await previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `scale ${describeTarget(target)} from ${from} to ${to} replicas`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor('scale', target, { replicas: to }),
        facts: { currentReplicas: from },
        needsConfirmation: () => to < from,
        preview: () => write(true),
        run: () => write(false),
        reach: () => ({ replicasLost: Math.max(0, from - to) }),
        reversibility: () => ({ reversible: true, undo: to === from ? 'nothing changes, nothing to undo' : `k8s_scale ${describeTarget(target)} replicas=${from}` }),
      });
      return { ...result, structuredContent: { ...result.structuredContent, from, to } };
    },
    scrubSecretValues(access),
  );
}
