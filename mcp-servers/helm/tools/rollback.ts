import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { HelmDeps } from '../deps.js';
import { releaseInput, revisionInput } from '../inputs.js';
import { countActions, parseManifest } from '../release-manifest.js';
import { guardedRelease, helmTarget, planRelease, releaseChangeOutput, releaseManifest, releaseRedactor, releaseWriteInputs, requireRevision, waitArgs, writableRelease } from '../writes.js';

/**
 * helm_rollback: a release back to a past revision's manifest. The diff is the current manifest
 * against the stored one of that revision — exactly what helm will apply.
 */
export function registerRollback(server: McpServer, deps: HelmDeps): void {
  const policy = deps.access.policy;

  registerPolicedTool(
    server,
    policy,
    'helm_rollback',
    'write',
    {
      title: 'Roll back a release',
      description:
        'Roll a release back to a past revision (default: the one before the latest), like `helm rollback`; helm records it as a new revision. Shows the diff from the current manifest to that revision\'s; dryRun: true stops there, otherwise the client is asked to confirm it first. helm_history lists the revisions. Refused in protected namespaces. Secret values are masked.',
      inputSchema: {
        release: releaseInput,
        namespace: namespaceInput,
        revision: revisionInput.optional().describe('The revision to go back to (default: the one before the latest)'),
        ...releaseWriteInputs,
      },
      outputSchema: releaseChangeOutput,
      // Destructive: it replaces the release's objects with older ones and can delete objects.
      // Not idempotent: every rollback records a new revision.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const target = writableRelease(deps, args);
      const latest = await requireRevision(deps, target);
      // helm's own default ("previous") is the latest revision minus one; naming it explicitly
      // means the revision confirmed is the one helm rolls back to.
      const to = args.revision ?? latest.revision - 1;
      if (to < 1) throw new UserError(`release ${args.release} has only revision ${latest.revision}: there is no earlier revision to roll back to`);
      if (to > latest.revision) throw new UserError(`release ${args.release} has no revision ${to} (the latest is ${latest.revision})`, 'helm_history lists the revisions');
      const what = `release ${args.release} in namespace ${args.namespace} from revision ${latest.revision} (${latest.chart}, ${latest.status}) to revision ${to}`;
      const facts = { release: args.release, namespace: args.namespace, chart: null, notes: '' };
      return guardedRelease(deps, call, target, {
        dryRun: args.dryRun,
        action: (preview) => `roll back ${what} (${countActions(preview.changes)})`,
        verb: 'rollout-undo',
        needsConfirmation: true,
        preview: async () => {
          const [before, after] = await Promise.all([releaseManifest(deps, target), releaseManifest(deps, target, to)]);
          const redactor = await releaseRedactor(deps, target, { manifests: [before, after] });
          const plan = await planRelease(deps, target, { before, after }, redactor, { enforcePolicy: true });
          const summary = `helm rollback of ${what} would leave ${countActions(plan.changes)}, recorded as revision ${latest.revision + 1}.`;
          return { summary, ...plan, facts: { ...facts, revision: latest.revision + 1, status: 'pending-rollback' }, objects: parseManifest(after), redactor };
        },
        run: async (preview) => {
          const wait = waitArgs(args);
          await deps.helm.run(['rollback', args.release, String(to), '--namespace', args.namespace, ...wait.argv], helmTarget(target, wait.timeoutMs));
          const now = await requireRevision(deps, target);
          const summary = `Rolled back ${what}: now revision ${now.revision} (${now.chart}), status ${now.status}: ${countActions(preview.changes)}.`;
          return { ...preview, summary, facts: { ...facts, revision: now.revision, status: now.status, chart: now.chart } };
        },
        reversibility: () => ({ reversible: true, undo: `helm_rollback release ${args.release} -n ${args.namespace} revision ${latest.revision}` }),
      });
    },
    scrubSecretValues(deps.access),
  );
}
