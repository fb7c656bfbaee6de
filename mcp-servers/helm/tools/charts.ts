import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { maskCredentialKeys, SecretRedactor } from '../../../shared/redact.js';
import { namespaceInput } from '../../../shared/mcp/inputs.js';
import { toYaml } from '../../../shared/yaml.js';
import type { HelmDeps } from '../deps.js';
import { chartFilesInput, withChartSource } from '../chart-files.js';
import { chartInput, localChart, releaseInput, valuesInput } from '../inputs.js';
import { maskManifest } from '../mask.js';
import { withValuesFile } from '../values-file.js';

/** helm_template, helm_lint, helm_show: local charts only (no repositories, no network). */
export function registerChartTools(server: McpServer, deps: HelmDeps): void {
  const policy = deps.access.policy;
  // Rendering needs no cluster: only the values' own credentials and Secret objects are masked.
  const offline = new SecretRedactor();

  registerPolicedTool(
    server,
    policy,
    'helm_template',
    'read',
    {
      title: 'Render a chart',
      description: 'Render a local chart\'s templates like `helm template` (no cluster access), with optional values. The chart is a local path (`chart`) or its files (`files`). Secrets in the output are masked.',
      inputSchema: {
        chart: chartInput.optional(),
        files: chartFilesInput.optional(),
        release: releaseInput.default('release-name'),
        namespace: namespaceInput.default('default'),
        values: valuesInput.optional(),
        showOnly: z.array(z.string().regex(/^templates\/[A-Za-z0-9._/-]+$/, 'expected a template path such as templates/deployment.yaml')).max(50).optional(),
      },
      outputSchema: { manifest: z.string(), kinds: z.array(z.string()) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const raw = await withChartSource(args, (chart) =>
        withValuesFile(args.values, (valueArgs) =>
          deps.helm.run(['template', args.release, chart, '--namespace', args.namespace, ...valueArgs, ...(args.showOnly ?? []).flatMap((t) => ['--show-only', t])], {
            positional: [args.release, chart, args.namespace],
          }),
        ),
      );
      const manifest = maskManifest(raw, offline);
      const kinds = [...manifest.matchAll(/^kind: (\S+)$/gm)].map((m) => m[1]!);
      return toolResult(manifest, { manifest, kinds });
    },
  );

  registerPolicedTool(
    server,
    policy,
    'helm_lint',
    'read',
    {
      title: 'Lint a chart',
      description: 'Check a local chart like `helm lint` (optionally strict, with values): errors and warnings with the file they are in. The chart is a local path (`chart`) or its files (`files`).',
      inputSchema: { chart: chartInput.optional(), files: chartFilesInput.optional(), values: valuesInput.optional(), strict: z.boolean().default(false) },
      outputSchema: { ok: z.boolean(), messages: z.array(z.object({ severity: z.string(), text: z.string() })) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { result, output } = await withChartSource(args, async (chart, scrub) => {
        const ran = await withValuesFile(args.values, (valueArgs) => deps.helm.runRaw(['lint', chart, ...valueArgs, ...(args.strict ? ['--strict'] : [])], { positional: [chart] }));
        return { result: ran, output: scrub(`${ran.stdout}${ran.stderr}`) };
      });
      // A failing lint is an answer, not a tool failure.
      let ok = result.ok;
      const messages = [...output.matchAll(/^\[(INFO|WARNING|ERROR)\] (.+)$/gm)].map((m) => ({ severity: m[1]!, text: m[2]! }));
      if (messages.some((m) => m.severity === 'ERROR')) ok = false;
      return toolResult(`${ok ? 'lint passed' : 'lint FAILED'}\n${output.trim()}`, { ok, messages });
    },
  );

  registerPolicedTool(
    server,
    policy,
    'helm_show',
    'read',
    {
      title: 'Show a chart',
      description: 'A local chart\'s Chart.yaml (`chart`), its default values (`values`, credential-named values masked) or README (`readme`), like `helm show`.',
      inputSchema: { chart: chartInput, what: z.enum(['chart', 'values', 'readme']).default('chart') },
      outputSchema: { what: z.string(), content: z.string(), parsed: z.record(z.string(), z.unknown()).nullable() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const chart = localChart(args.chart);
      const raw = await deps.helm.run(['show', args.what, chart], { positional: [chart] });
      if (args.what === 'readme') return toolResult(raw.trim() || '(no README)', { what: args.what, content: raw, parsed: null });
      let parsed = (parse(raw) ?? {}) as Record<string, unknown>;
      if (args.what === 'values') parsed = maskCredentialKeys(parsed);
      const content = args.what === 'values' ? toYaml(parsed) : raw.trim();
      return toolResult(content, { what: args.what, content, parsed });
    },
  );
}
