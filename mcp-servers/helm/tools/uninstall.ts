import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { HelmDeps } from '../deps.js';
import { releaseInput } from '../inputs.js';
import { countActions, parseManifest } from '../release-manifest.js';
import { guardedRelease, helmTarget, planRelease, releaseChangeOutput, releaseManifest, releaseRedactor, releaseWriteInputs, requireRevision, waitArgs, writableRelease } from '../writes.js';

/** helm_uninstall: a release and every object it owns, after the person has seen the list. */
export function registerUninstall(server: McpServer, deps: HelmDeps): void {
  const policy = deps.access.policy;

  registerPolicedTool(
    server,
    policy,
    'helm_uninstall',
    'write',
    {
      title: 'Uninstall a release',
      description:
        'Uninstall a release, like `helm uninstall`: every object of its manifest is deleted (except those annotated helm.sh/resource-policy: keep), with keepHistory to keep its revisions for a later rollback. Lists the objects and the diff first; dryRun: true stops there, otherwise the client is asked to confirm. Refused in protected namespaces. Secret values are masked.',
      inputSchema: {
        release: releaseInput,
        namespace: namespaceInput,
        keepHistory: z.boolean().default(false).describe('Keep the release\'s history (helm_rollback can bring it back), like --keep-history'),
        ...releaseWriteInputs,
      },
      outputSchema: releaseChangeOutput,
      // Destructive by definition. Not idempotent: a second call fails (the release is gone).
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const target = writableRelease(deps, args);
      const latest = await requireRevision(deps, target);
      const what = `release ${args.release} in namespace ${args.namespace} (revision ${latest.revision}, ${latest.chart}, ${latest.status})`;
      const history = args.keepHistory ? 'its history kept' : 'its history deleted';
      const facts = { release: args.release, namespace: args.namespace, chart: latest.chart, notes: '' };
      return guardedRelease(deps, call, target, {
        dryRun: args.dryRun,
        action: (preview) => `uninstall ${what}: ${countActions(preview.changes)}, ${history}`,
        verb: 'delete',
        needsConfirmation: true,
        preview: async () => {
          const before = await releaseManifest(deps, target);
          const redactor = await releaseRedactor(deps, target, { manifests: [before] });
          const plan = await planRelease(deps, target, { before, after: '' }, redactor, { enforcePolicy: true });
          const summary = `helm uninstall of ${what} would leave ${countActions(plan.changes)}, ${history}.`;
          return { summary, ...plan, facts: { ...facts, revision: latest.revision, status: 'uninstalling' }, objects: parseManifest(before), redactor };
        },
        run: async (preview) => {
          const wait = waitArgs(args);
          await deps.helm.run(['uninstall', args.release, '--namespace', args.namespace, ...(args.keepHistory ? ['--keep-history'] : []), ...wait.argv], helmTarget(target, wait.timeoutMs));
          // The person saw the whole manifest go; the result lists the objects without repeating it.
          return { ...preview, summary: `Uninstalled ${what}: ${countActions(preview.changes)}, ${history}.`, diff: '', facts: { ...facts, revision: args.keepHistory ? latest.revision : null, status: 'uninstalled' } };
        },
        reversibility: () =>
          args.keepHistory
            ? { reversible: true, undo: `helm_rollback release ${args.release} -n ${args.namespace} revision ${latest.revision} (its history is kept)` }
            : { reversible: false, undo: 'not reversible: the release\'s objects and history are gone (install the chart again; data in deleted volumes is lost)' },
      });
    },
    scrubSecretValues(deps.access),
  );
}
