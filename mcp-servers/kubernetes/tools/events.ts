import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { KubeClient } from '../../../shared/kube.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { age, renderTable } from '../format.js';
import { contextInput, limitInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';

export interface CoreEvent {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  series?: { count?: number };
  source?: { component?: string };
  reportingComponent?: string;
  lastTimestamp?: string;
  eventTime?: string;
  firstTimestamp?: string;
  metadata?: { namespace?: string; creationTimestamp?: string };
  involvedObject?: { kind?: string; name?: string; namespace?: string };
}

export interface EventRow {
  namespace?: string;
  type: string;
  reason: string;
  age: string;
  from: string;
  object?: string;
  message: string;
  count: number;
  last: string;
}

export async function fetchEvents(
  client: KubeClient,
  filter: { namespace?: string | undefined; uid?: string | undefined; kind?: string | undefined; name?: string | undefined; type?: string | undefined; reason?: string | undefined },
): Promise<CoreEvent[]> {
  const fields = [
    filter.uid && `involvedObject.uid=${filter.uid}`,
    filter.kind && `involvedObject.kind=${filter.kind}`,
    filter.name && `involvedObject.name=${filter.name}`,
    filter.type && `type=${filter.type}`,
    filter.reason && `reason=${filter.reason}`,
  ].filter(Boolean);
  const path = filter.namespace ? `/api/v1/namespaces/${encodeURIComponent(filter.namespace)}/events` : '/api/v1/events';
  const list = (await kubeRequest(client, { path, query: { fieldSelector: fields.join(',') || undefined } })).json as { items: CoreEvent[] };
  return list.items;
}

/** Newest last, like `kubectl get events --sort-by=.lastTimestamp`. */
export function eventRows(events: CoreEvent[], now = Date.now()): EventRow[] {
  return events
    .map((e) => {
      const last = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '';
      const count = e.series?.count ?? e.count ?? 1;
      return {
        namespace: e.metadata?.namespace,
        type: e.type ?? '',
        reason: e.reason ?? '',
        age: count > 1 && e.firstTimestamp ? `${age(last, now)} (x${count} over ${age(e.firstTimestamp, now)})` : age(last, now),
        from: e.reportingComponent || e.source?.component || '',
        object: e.involvedObject ? `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}` : undefined,
        message: (e.message ?? '').trim(),
        count,
        last,
      };
    })
    .sort((a, b) => a.last.localeCompare(b.last));
}

export function renderEvents(rows: EventRow[], withObject: boolean, withNamespace = false): string {
  const headers = [...(withNamespace ? ['Namespace'] : []), 'Type', 'Reason', 'Age', 'From', ...(withObject ? ['Object'] : []), 'Message'];
  return renderTable(
    headers,
    rows.map((r) => [...(withNamespace ? [r.namespace ?? ''] : []), r.type, r.reason, r.age, r.from, ...(withObject ? [r.object ?? ''] : []), r.message]),
  );
}

export const eventOutput = z.object({
  namespace: z.string().optional(),
  type: z.string(),
  reason: z.string(),
  age: z.string(),
  from: z.string(),
  object: z.string().optional(),
  message: z.string(),
  count: z.number(),
  last: z.string(),
});

export function registerEvents(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_events';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Kubernetes events',
      description: 'Events, newest last, in one namespace or all; filter by the object they are about (kind and name), type (Normal/Warning) and reason (e.g. BackOff, FailedScheduling).',
      inputSchema: {
        namespace: namespaceInput.optional().describe('Namespace; omit for all namespaces'),
        kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'expected a Kind such as Pod or Deployment').optional().describe('Kind of the involved object, e.g. Pod'),
        name: nameInput.optional().describe('Name of the involved object'),
        type: z.enum(['Normal', 'Warning']).optional(),
        reason: z.string().regex(/^[A-Za-z]+$/, 'expected a reason such as BackOff').max(128).optional(),
        limit: limitInput(500, 50).describe('Most recent events to return (1–500, default 50)'),
        context: contextInput,
      },
      outputSchema: { events: z.array(eventOutput), total: z.number().int() },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      access.policy.assertKind({ plural: 'events', singular: 'event', kind: 'Event' });
      const client = access.client(args.context);
      const all = eventRows(await fetchEvents(client, args));
      const rows = all.slice(-args.limit);
      let text = rows.length ? renderEvents(rows, true, !args.namespace) : 'No events found.';
      if (all.length > rows.length) text = `(${all.length - rows.length} older events not shown — raise limit or filter by kind/name/type/reason)\n${text}`;
      return toolResult(text, { events: rows, total: all.length });
    },
    scrubSecretValues(access),
  );
}
