import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { HelmDeps } from '../deps.js';
import { chartInput, localChart, releaseInput, valuesInput } from '../inputs.js';
import { chartLabel, countActions, type HelmReleaseJson, hooksOn, parseReleaseJson } from '../release-manifest.js';
import { withValuesFile } from '../values-file.js';
import { guardedRelease, helmTarget, planRelease, releaseChangeOutput, releaseRedactor, releaseWriteInputs, renderedObjects, waitArgs, writableRelease } from '../writes.js';

/** "Hooks that run: …" for an install, empty when the chart has none. */
function hookNote(release: Pick<HelmReleaseJson, 'hooks'>): string {
  const hooks = hooksOn(release, 'install');
  return hooks.length ? ` Hooks that run: ${hooks.join(', ')}.` : '';
}

/** helm_install: a new release from a local chart; additive, so only the guardian's require-approval asks (a chart with a Secret, a production namespace). */
export function registerInstall(server: McpServer, deps: HelmDeps): void {
  const policy = deps.access.policy;

  registerPolicedTool(
    server,
    policy,
    'helm_install',
    'write',
    {
      title: 'Install a chart',
      description:
        'Install a local chart as a new release, like `helm install` (values as an object, optional createNamespace and wait). dryRun: true shows the objects it would create and the rendered manifest (helm\'s server dry run) and changes nothing. Refused in protected namespaces, and when the chart renders a denied kind or an object in a protected namespace. Secret values are masked.',
      inputSchema: {
        release: releaseInput,
        chart: chartInput,
        namespace: namespaceInput,
        values: valuesInput.optional(),
        createNamespace: z.boolean().default(false).describe('Create the namespace when it does not exist, like --create-namespace'),
        ...releaseWriteInputs,
      },
      outputSchema: releaseChangeOutput,
      // Additive: it creates a release and its objects and fails on a name in use, so it never
      // replaces or removes anything. Not idempotent: a second call with the same arguments fails.
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args, call) => {
      const target = writableRelease(deps, args);
      const chart = localChart(args.chart);
      return withValuesFile(args.values, async (valueArgs) => {
        const argv = ['install', args.release, chart, '--namespace', args.namespace, ...valueArgs, ...(args.createNamespace ? ['--create-namespace'] : []), '--output', 'json'];
        const positional = [...helmTarget(target).positional, chart];
        const facts = (release: HelmReleaseJson, notes: string) => ({ release: args.release, namespace: args.namespace, revision: release.version, status: release.info.status, chart: chartLabel(release), notes });
        return guardedRelease(deps, call, target, {
          dryRun: args.dryRun,
          action: (preview) => `install release ${args.release} (chart ${preview.facts.chart ?? chart}) in namespace ${args.namespace} (${countActions(preview.changes)})`,
          verb: 'apply',
          needsConfirmation: false,
          // Always a dry run first: the rendered objects pass the write policy and the guardian before anything is created.
          preview: async () => {
            const preview = parseReleaseJson(await deps.helm.run([...argv, '--dry-run=server'], { ...helmTarget(target), positional }));
            const redactor = await releaseRedactor(deps, target, { manifests: [preview.manifest ?? '', ...(preview.hooks ?? []).map((h) => h.manifest ?? '')], values: [preview.chart?.values, preview.config] });
            const plan = await planRelease(deps, target, { before: '', after: preview.manifest ?? '' }, redactor, { enforcePolicy: true });
            const summary = `helm install would create release ${args.release} (chart ${chartLabel(preview) ?? chart}) in namespace ${args.namespace}: ${countActions(plan.changes)}.${hookNote(preview)}`;
            return { summary, ...plan, facts: facts(preview, redactor.redactText(preview.info.notes ?? '')), objects: renderedObjects(preview), redactor };
          },
          run: async (preview) => {
            const wait = waitArgs(args);
            const done = parseReleaseJson(await deps.helm.run([...argv, ...wait.argv], { ...helmTarget(target, wait.timeoutMs), positional }));
            const result = await planRelease(deps, target, { before: '', after: done.manifest ?? '' }, preview.redactor, { enforcePolicy: false });
            // The dry run showed the whole manifest; once installed, the object list says what happened
            // (helm_get what=manifest shows it again) without repeating every line.
            const summary = `Installed release ${args.release} (chart ${chartLabel(done) ?? chart}) in namespace ${args.namespace} as revision ${done.version}, status ${done.info.status}: ${countActions(result.changes)}.${hookNote(done)}`;
            return { ...preview, summary, changes: result.changes, diff: '', facts: facts(done, preview.redactor.redactText(done.info.notes ?? '')) };
          },
          reversibility: () => ({ reversible: true, undo: `helm_uninstall release ${args.release} -n ${args.namespace}` }),
        });
      });
    },
    scrubSecretValues(deps.access),
  );
}
