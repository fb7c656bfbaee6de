import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { maskCredentialKeys } from '../../../shared/redact.js';
import { contextInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { toYaml } from '../../../shared/yaml.js';
import { type HelmDeps, redactorFor } from '../deps.js';
import { releaseInput, revisionInput } from '../inputs.js';
import { maskManifest } from '../mask.js';

export function registerGet(server: McpServer, deps: HelmDeps): void {
  registerPolicedTool(
    server,
    deps.access.policy,
    'helm_get',
    'read',
    {
      title: 'Helm release details',
      description: 'What a release holds, like `helm get`: its values (user-supplied, or all with computed defaults), its rendered manifest, or its notes. Secrets in manifests and credential-named values are masked.',
      inputSchema: {
        release: releaseInput,
        namespace: namespaceInput,
        what: z.enum(['values', 'all-values', 'manifest', 'notes']).default('values'),
        revision: revisionInput.optional().describe('A past revision (default: the current one)'),
        context: contextInput,
      },
      outputSchema: { release: z.string(), what: z.string(), values: z.record(z.string(), z.unknown()).nullable(), text: z.string() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const sub = args.what === 'all-values' ? 'values' : args.what;
      const argv = ['get', sub, args.release, '--namespace', args.namespace, ...(args.revision ? ['--revision', String(args.revision)] : [])];
      if (sub === 'values') argv.push('--output', 'json', ...(args.what === 'all-values' ? ['--all'] : []));
      const raw = await deps.helm.run(argv, { context: args.context, positional: [args.release, args.namespace] });
      const redactor = await redactorFor(deps, args.context, args.namespace);
      if (sub === 'values') {
        const values = redactor.redactDeep(maskCredentialKeys((parse(raw) ?? {}) as Record<string, unknown>));
        const text = Object.keys(values).length ? toYaml(values) : '(no values supplied: the chart\'s defaults apply — what=all-values shows them)';
        return toolResult(text, { release: args.release, what: args.what, values, text });
      }
      const text = sub === 'manifest' ? maskManifest(raw, redactor) : redactor.redactText(raw);
      return toolResult(text.trim() || `(no ${sub})`, { release: args.release, what: args.what, values: null, text });
    },
    scrubSecretValues(deps.access),
  );
}
