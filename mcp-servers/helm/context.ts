import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { renderTable } from '../../shared/table.js';
import type { HelmDeps } from './deps.js';
import { chartInput } from './inputs.js';

/** Resources and prompts: every release at a glance, and a guided review of a local chart. */
export function registerHelmContext(server: McpServer, deps: HelmDeps): void {
  server.registerResource(
    'releases',
    'helm://releases',
    { title: 'Helm releases', description: 'Every release in every namespace, with its status, chart and revision', mimeType: 'text/plain' },
    async (uri) => {
      const out = JSON.parse((await deps.helm.run(['list', '--output', 'json', '--all', '--all-namespaces', '--max', '0'], { positional: [] })) || '[]') as Array<Record<string, string>>;
      const rows = out.map((r) => [r.name ?? '', r.namespace ?? '', String(r.revision ?? ''), r.status ?? '', r.chart ?? '']);
      const text = rows.length ? renderTable(['Name', 'Namespace', 'Revision', 'Status', 'Chart'], rows) : 'No releases.';
      return { contents: [{ uri: uri.href, mimeType: 'text/plain', text }] };
    },
  );

  server.registerPrompt(
    'review-chart',
    {
      title: 'Review a chart',
      description: 'Lint and render a local chart, then review what it would create: resources, security context, probes, limits.',
      argsSchema: { chart: chartInput },
    },
    ({ chart }) => ({
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: `Review the Helm chart at ${chart}: helm_lint (strict), then helm_template to see every object it renders. Check each workload for resource requests and limits, liveness/readiness probes, a non-root securityContext, image tags pinned (no latest), and Secrets kept out of values. List the problems, most serious first, each with the values or template change that fixes it.`,
          },
        },
      ],
    }),
  );
}
