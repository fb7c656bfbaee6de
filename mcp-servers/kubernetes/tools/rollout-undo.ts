import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { changeOutput } from '../../../shared/mcp/change.js';
import { previewThenRun } from '../../../shared/mcp/guard.js';
import { nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { describeTarget, patchAndReport, type PatchType, proposalFor, readTarget, writeInputs, writeTarget } from '../writes.js';
import type { KubeObject } from './get.js';
import { type Owned, ownedRevisions } from './rollout.js';
import { rolloutKindInput } from './rollout-restart.js';

/** The pod template a Deployment's ReplicaSet holds, without the hash label its controller adds. */
function deploymentTemplate(rs: Owned): unknown {
  const template = structuredClone(rs.spec?.template ?? {});
  if (template.metadata?.labels) delete template.metadata.labels['pod-template-hash'];
  return template;
}

/** The patch that puts a workload back to one of its revisions, the way kubectl rollout undo builds it. */
function rollbackPatch(workload: KubeObject, revision: Owned): { type: PatchType; body: unknown } {
  if (workload.kind === 'Deployment') return { type: 'json', body: [{ op: 'replace', path: '/spec/template', value: deploymentTemplate(revision) }] };
  // A ControllerRevision's data is itself a strategic merge patch of the template.
  return { type: 'strategic', body: revision.data ?? {} };
}

export function registerRolloutUndo(server: McpServer, access: ClusterAccess): void {
  registerPolicedTool(
    server,
    access.policy,
    'k8s_rollout_undo',
    'write',
    {
      title: 'Roll a workload back',
      description: 'Put a Deployment, StatefulSet or DaemonSet back to its previous revision (or toRevision) like `kubectl rollout undo`; the diff of the pod template is shown for confirmation. See revisions with k8s_rollout.',
      inputSchema: {
        kind: rolloutKindInput,
        name: nameInput,
        namespace: namespaceInput,
        toRevision: z.number().int().min(1).optional().describe('Revision to return to (default: the one before the current)'),
        ...writeInputs,
      },
      outputSchema: { ...changeOutput, fromRevision: z.number().int(), toRevision: z.number().int() },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const target = await writeTarget(access, args);
      const workload = await readTarget(target);
      if ((workload.spec as { paused?: boolean } | undefined)?.paused) throw new UserError(`${describeTarget(target)} is paused`, 'resume it first (k8s_patch spec.paused=false), then roll back');
      const history = await ownedRevisions(access, args.context, workload);
      const current = history.at(-1);
      if (!current) throw new UserError(`${describeTarget(target)} has no recorded revisions`);
      const wanted = args.toRevision ?? history.filter((r) => r.revision < current.revision).at(-1)?.revision;
      const revision = history.find((r) => r.revision === wanted);
      if (!revision) {
        throw new UserError(
          wanted === undefined ? `${describeTarget(target)} has no revision before ${current.revision} to return to` : `${describeTarget(target)} has no revision ${wanted}`,
          `its revisions: ${history.map((r) => r.revision).join(', ')} (k8s_rollout shows them with images)`,
        );
      }
      const patch = rollbackPatch(workload, revision.object);
      const write = (dryRun: boolean) =>
        patchAndReport(access, target, workload, patch, dryRun, {
          action: 'rolled back',
          summary: (changed) =>
            changed
              ? `${describeTarget(target)}: pod template ${dryRun ? 'would go' : 'goes'} back to revision ${revision.revision} (from ${current.revision}); its pods are replaced by a rolling update.`
              : `${describeTarget(target)}: skipped rollback, the current template already matches revision ${revision.revision}.`,
        });
      const result = await previewThenRun(call.write, {
        dryRun: args.dryRun,
        action: `roll ${describeTarget(target)} back from revision ${current.revision} to ${revision.revision}`,
        cluster: { access, context: args.context },
        proposal: () => proposalFor('rollout-undo', target),
        needsConfirmation: (preview) => preview.diff !== '',
        preview: () => write(true),
        run: () => write(false),
        reversibility: (preview) => ({
          reversible: true,
          undo: preview.diff ? `k8s_rollout_undo ${args.kind}/${args.name} -n ${args.namespace} toRevision=${current.revision}` : 'nothing changes, nothing to undo',
        }),
      });
      return { ...result, structuredContent: { ...result.structuredContent, fromRevision: current.revision, toRevision: revision.revision } };
    },
    scrubSecretValues(access),
  );
}
