import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import type { HelmDeps } from '../deps.js';
import { chartInput, localChart, releaseInput, valuesInput } from '../inputs.js';
import { chartLabel, countActions, hooksOn, parseReleaseJson } from '../release-manifest.js';
import { withValuesFile } from '../values-file.js';
import { helmTarget, planRelease, releaseChangeOutput, releaseRedactor, releaseResult, releaseWriteInputs, waitArgs, writableRelease } from '../writes.js';

/** helm_install: a new release from a local chart; additive, so no confirmation is asked. */
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
    async (args) => {
      const target = writableRelease(deps, args);
      const chart = localChart(args.chart);
      return withValuesFile(args.values, async (valueArgs) => {
        const argv = ['install', args.release, chart, '--namespace', args.namespace, ...valueArgs, ...(args.createNamespace ? ['--create-namespace'] : []), '--output', 'json'];
        const positional = [...helmTarget(target).positional, chart];
        // Always a dry run first: the rendered objects pass the write policy before anything is created.
        const preview = parseReleaseJson(await deps.helm.run([...argv, '--dry-run=server'], { ...helmTarget(target), positional }));
        const redactor = await releaseRedactor(deps, target, { manifests: [preview.manifest ?? '', ...(preview.hooks ?? []).map((h) => h.manifest ?? '')], values: [preview.chart?.values, preview.config] });
        const plan = await planRelease(deps, target, { before: '', after: preview.manifest ?? '' }, redactor, { enforcePolicy: true });
        const hooks = hooksOn(preview, 'install');
        const hookNote = hooks.length ? ` Hooks that run: ${hooks.join(', ')}.` : '';
        const chartName = chartLabel(preview) ?? chart;
        if (args.dryRun) {
          return releaseResult(
            { dryRun: true, summary: `helm install would create release ${args.release} (chart ${chartName}) in namespace ${args.namespace}: ${countActions(plan.changes)}.${hookNote}`, ...plan },
            { release: args.release, namespace: args.namespace, revision: preview.version, status: preview.info.status, chart: chartLabel(preview), notes: redactor.redactText(preview.info.notes ?? '') },
          );
        }
        const wait = waitArgs(args);
        const done = parseReleaseJson(await deps.helm.run([...argv, ...wait.argv], { ...helmTarget(target, wait.timeoutMs), positional }));
        const result = await planRelease(deps, target, { before: '', after: done.manifest ?? '' }, redactor, { enforcePolicy: false });
        // The dry run showed the whole manifest; once installed, the object list says what happened
        // (helm_get what=manifest shows it again) without repeating every line.
        return releaseResult(
          { dryRun: false, summary: `Installed release ${args.release} (chart ${chartName}) in namespace ${args.namespace} as revision ${done.version}, status ${done.info.status}: ${countActions(result.changes)}.${hookNote}`, changes: result.changes, diff: '' },
          { release: args.release, namespace: args.namespace, revision: done.version, status: done.info.status, chart: chartLabel(done), notes: redactor.redactText(done.info.notes ?? '') },
        );
      });
    },
    scrubSecretValues(deps.access),
  );
}
