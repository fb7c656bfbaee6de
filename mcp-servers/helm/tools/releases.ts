import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { scrubSecretValues } from '../../../shared/cluster-access.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { renderTable } from '../../../shared/table.js';
import { contextInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { type HelmDeps, redactorFor } from '../deps.js';
import { releaseInput } from '../inputs.js';

interface HelmRelease {
  name: string;
  namespace: string;
  revision: string | number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
}

interface HelmRevision {
  revision: number;
  updated: string;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

const release = z.object({ name: z.string(), namespace: z.string(), revision: z.number(), updated: z.string(), status: z.string(), chart: z.string(), appVersion: z.string() });

/** helm_list, helm_status, helm_history: what is installed and how it got there. */
export function registerReleaseTools(server: McpServer, deps: HelmDeps): void {
  const policy = deps.access.policy;

  registerPolicedTool(
    server,
    policy,
    'helm_list',
    'read',
    {
      title: 'Helm releases',
      description: 'Releases like `helm list`: in one namespace or all, including failed and pending ones.',
      inputSchema: {
        namespace: namespaceInput.optional().describe('Namespace; omit for all namespaces'),
        filter: z.string().max(200).regex(/^[^-]/, 'must not start with -').optional().describe('Regular expression on release names'),
        context: contextInput,
      },
      outputSchema: { releases: z.array(release) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const argv = ['list', '--output', 'json', '--all', '--max', '0', ...(args.namespace ? ['--namespace', args.namespace] : ['--all-namespaces']), ...(args.filter ? ['--filter', args.filter] : [])];
      const out = JSON.parse((await deps.helm.run(argv, { context: args.context, positional: [args.namespace ?? '', args.filter ?? ''] })) || '[]') as HelmRelease[];
      const releases = out.map((r) => ({ name: r.name, namespace: r.namespace, revision: Number(r.revision), updated: r.updated, status: r.status, chart: r.chart, appVersion: r.app_version }));
      const text = releases.length
        ? renderTable(['Name', 'Namespace', 'Revision', 'Updated', 'Status', 'Chart', 'App version'], releases.map((r) => [r.name, r.namespace, r.revision, r.updated, r.status, r.chart, r.appVersion]))
        : `No releases${args.namespace ? ` in namespace ${args.namespace}` : ''}.`;
      return toolResult(text, { releases });
    },
    scrubSecretValues(deps.access),
  );

  registerPolicedTool(
    server,
    policy,
    'helm_status',
    'read',
    {
      title: 'Helm release status',
      description: 'A release\'s status like `helm status`: revision, state, last deployed, description and its notes.',
      inputSchema: { release: releaseInput, namespace: namespaceInput, context: contextInput },
      outputSchema: { name: z.string(), namespace: z.string(), revision: z.number(), status: z.string(), lastDeployed: z.string(), description: z.string(), chart: z.string(), notes: z.string() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const target = { context: args.context, positional: [args.release, args.namespace] };
      const [raw, metadata] = await Promise.all([
        deps.helm.run(['status', args.release, '--namespace', args.namespace, '--output', 'json'], target),
        deps.helm.run(['get', 'metadata', args.release, '--namespace', args.namespace, '--output', 'json'], target),
      ]);
      const s = JSON.parse(raw) as { name: string; namespace: string; version: number; info: { status: string; last_deployed: string; description: string; notes?: string } };
      const meta = JSON.parse(metadata) as { chart?: string; version?: string };
      const redactor = await redactorFor(deps, args.context, args.namespace);
      const result = {
        name: s.name,
        namespace: s.namespace,
        revision: s.version,
        status: s.info.status,
        lastDeployed: s.info.last_deployed,
        description: s.info.description,
        chart: `${meta.chart ?? ''}-${meta.version ?? ''}`,
        notes: redactor.redactText(s.info.notes ?? ''),
      };
      const text = [`NAME: ${result.name}`, `NAMESPACE: ${result.namespace}`, `STATUS: ${result.status}`, `REVISION: ${result.revision}`, `LAST DEPLOYED: ${result.lastDeployed}`, `CHART: ${result.chart}`, `DESCRIPTION: ${result.description}`, ...(result.notes ? ['NOTES:', result.notes] : [])].join('\n');
      return toolResult(text, result);
    },
    scrubSecretValues(deps.access),
  );

  registerPolicedTool(
    server,
    policy,
    'helm_history',
    'read',
    {
      title: 'Helm release history',
      description: 'A release\'s revisions like `helm history`: when, status, chart and what happened (the revision to roll back to).',
      inputSchema: { release: releaseInput, namespace: namespaceInput, max: z.number().int().min(1).max(256).default(20), context: contextInput },
      outputSchema: { revisions: z.array(z.object({ revision: z.number(), updated: z.string(), status: z.string(), chart: z.string(), appVersion: z.string(), description: z.string() })) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const raw = await deps.helm.run(['history', args.release, '--namespace', args.namespace, '--max', String(args.max), '--output', 'json'], { context: args.context, positional: [args.release, args.namespace] });
      const revisions = (JSON.parse(raw) as HelmRevision[]).map((r) => ({ revision: r.revision, updated: r.updated, status: r.status, chart: r.chart, appVersion: r.app_version, description: r.description }));
      const text = renderTable(['Revision', 'Updated', 'Status', 'Chart', 'App version', 'Description'], revisions.map((r) => [r.revision, r.updated, r.status, r.chart, r.appVersion, r.description]));
      return toolResult(text, { revisions });
    },
    scrubSecretValues(deps.access),
  );
}
