import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { UserError } from '../../../shared/errors.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { HelmDeps } from '../deps.js';
import { chartInput, localChart, releaseInput, valuesInput } from '../inputs.js';
import { chartLabel, countActions, type HelmReleaseJson, hooksOn, parseReleaseJson } from '../release-manifest.js';
import { withValuesFile } from '../values-file.js';
import {
  guardedRelease,
  helmTarget,
  latestRevision,
  planRelease,
  releaseChangeOutput,
  releaseManifest,
  releaseRedactor,
  releaseWriteInputs,
  renderedObjects,
  waitArgs,
  writableRelease,
} from '../writes.js';

/**
 * helm_upgrade: a release to a new chart or new values. The server dry run is diffed against
 * the release's current manifest; the person confirms that diff, then the same upgrade runs.
 */
export function registerUpgrade(server: McpServer, deps: HelmDeps): void {
  const policy = deps.access.policy;

  registerPolicedTool(
    server,
    policy,
    'helm_upgrade',
    'write',
    {
      title: 'Upgrade a release',
      description:
        'Upgrade a release to a local chart and/or new values, like `helm upgrade` (install: true for --install; reuseValues / resetValues as in helm). First a server dry run, diffed against the release\'s current manifest (objects created, configured, deleted); dryRun: true stops there. Otherwise the client is asked to confirm the diff before anything changes. Refused in protected namespaces and for denied kinds. Secret values are masked.',
      inputSchema: {
        release: releaseInput,
        chart: chartInput,
        namespace: namespaceInput,
        values: valuesInput.optional(),
        install: z.boolean().default(false).describe('Install the release when it does not exist yet, like --install'),
        createNamespace: z.boolean().default(false).describe('With install: create the namespace when it does not exist'),
        reuseValues: z.boolean().default(false).describe('Keep the release\'s current values and merge these over them, like --reuse-values'),
        resetValues: z.boolean().default(false).describe('Start from the chart\'s defaults, dropping the values the release has now, like --reset-values'),
        ...releaseWriteInputs,
      },
      outputSchema: releaseChangeOutput,
      // Destructive: an upgrade can change and delete objects. Not idempotent even with install:
      // true — every run records a new revision (and runs the upgrade hooks again), although a
      // repeat changes no object.
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const target = writableRelease(deps, args);
      if (args.reuseValues && args.resetValues) throw new UserError('reuseValues and resetValues contradict each other', 'pass one of them (or neither: helm then keeps the values only when none are given)');
      const chart = localChart(args.chart);
      const current = await latestRevision(deps, target);
      if (!current && !args.install) {
        throw new UserError(`release ${args.release} not found in namespace ${args.namespace}`, 'install it with helm_install, or pass install: true');
      }
      const before = current ? await releaseManifest(deps, target) : '';
      return withValuesFile(args.values, async (valueArgs) => {
        const argv = [
          'upgrade',
          args.release,
          chart,
          '--namespace',
          args.namespace,
          ...valueArgs,
          ...(args.install ? ['--install'] : []),
          ...(args.install && args.createNamespace ? ['--create-namespace'] : []),
          ...(args.reuseValues ? ['--reuse-values'] : []),
          ...(args.resetValues ? ['--reset-values'] : []),
          '--output',
          'json',
        ];
        const positional = [...helmTarget(target).positional, chart];
        const from = current ? `revision ${current.revision} (${current.chart}, ${current.status})` : 'nothing (a new install)';
        const hookNote = (release: Pick<HelmReleaseJson, 'hooks'>) => {
          const hooks = hooksOn(release, current ? 'upgrade' : 'install');
          return hooks.length ? ` Hooks that run: ${hooks.join(', ')}.` : '';
        };
        const facts = (release: HelmReleaseJson, notes: string) => ({ release: args.release, namespace: args.namespace, revision: release.version, status: release.info.status, chart: chartLabel(release), notes });
        return guardedRelease(deps, call, target, {
          dryRun: args.dryRun,
          action: (preview) => `upgrade release ${args.release} in namespace ${args.namespace} from ${from} to chart ${preview.facts.chart ?? chart} as revision ${preview.facts.revision} (${countActions(preview.changes)})`,
          verb: 'apply',
          needsConfirmation: true,
          preview: async () => {
            const preview = parseReleaseJson(await deps.helm.run([...argv, '--dry-run=server'], { ...helmTarget(target), positional }));
            const redactor = await releaseRedactor(deps, target, {
              manifests: [before, preview.manifest ?? '', ...(preview.hooks ?? []).map((h) => h.manifest ?? '')],
              values: [preview.chart?.values, preview.config, args.values],
            });
            const plan = await planRelease(deps, target, { before, after: preview.manifest ?? '' }, redactor, { enforcePolicy: true });
            const summary = `helm upgrade of release ${args.release} in namespace ${args.namespace} from ${from} to revision ${preview.version} (chart ${chartLabel(preview) ?? chart}) would leave ${countActions(plan.changes)}.${hookNote(preview)}`;
            return { summary, ...plan, facts: facts(preview, redactor.redactText(preview.info.notes ?? '')), objects: renderedObjects(preview), redactor };
          },
          run: async (preview) => {
            const wait = waitArgs(args);
            const done = parseReleaseJson(await deps.helm.run([...argv, ...wait.argv], { ...helmTarget(target, wait.timeoutMs), positional }));
            const result = await planRelease(deps, target, { before, after: done.manifest ?? '' }, preview.redactor, { enforcePolicy: false });
            const summary = `Upgraded release ${args.release} in namespace ${args.namespace} from ${from} to revision ${done.version} (chart ${chartLabel(done) ?? chart}), status ${done.info.status}: ${countActions(result.changes)}.${hookNote(done)}`;
            return { ...preview, summary, ...result, facts: facts(done, preview.redactor.redactText(done.info.notes ?? '')) };
          },
          reversibility: () =>
            current
              ? { reversible: true, undo: `helm_rollback release ${args.release} -n ${args.namespace} revision ${current.revision}` }
              : { reversible: true, undo: `helm_uninstall release ${args.release} -n ${args.namespace} (it did not exist before)` },
        });
      });
    },
    scrubSecretValues(deps.access),
  );
}
