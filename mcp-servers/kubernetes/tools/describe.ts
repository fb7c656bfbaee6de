import type { V1Pod } from '@kubernetes/client-node';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { KubeClient } from '../../../shared/kube.js';
import { kubeRequest } from '../../../shared/kube-http.js';
import { registerPolicedTool } from '../../../shared/mcp/register.js';
import { toolResult } from '../../../shared/mcp/result.js';
import { summarizePod } from '../../../shared/pod-status.js';
import { type ClusterAccess, scrubSecretValues } from '../../../shared/cluster-access.js';
import { age, budgetText, cleanObject, renderTable, toYaml } from '../format.js';
import { rolloutStatus } from '../rollout.js';
import { contextInput, kindInput, nameInput, namespaceInput } from '../../../shared/mcp/inputs.js';
import { type KubeObject, readObject } from './get.js';
import { type EventRow, eventOutput, eventRows, fetchEvents, renderEvents } from './events.js';

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

interface PodView {
  name: string;
  status: string;
  ready: string;
  restarts: number;
  node: string | null;
}

function podView(pod: V1Pod): PodView {
  const s = summarizePod(pod);
  return { name: pod.metadata?.name ?? '', status: s.status, ready: s.ready, restarts: s.restarts, node: pod.spec?.nodeName ?? null };
}

function selectorString(selector: { matchLabels?: Record<string, string> } | undefined): string | undefined {
  const labels = selector?.matchLabels;
  return labels && Object.keys(labels).length ? Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',') : undefined;
}

async function podsMatching(client: KubeClient, namespace: string, labelSelector: string): Promise<V1Pod[]> {
  const list = (await kubeRequest(client, { path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`, query: { labelSelector } })).json as { items: V1Pod[] };
  return list.items;
}

/** The pod section of `kubectl describe pod`: where it runs and every container's state. */
function describePod(pod: V1Pod): string[] {
  const s = summarizePod(pod);
  const lines = [
    `Node:         ${pod.spec?.nodeName ?? '<none>'}`,
    `Status:       ${s.status} (phase ${pod.status?.phase ?? 'Unknown'})`,
    `IP:           ${pod.status?.podIP ?? '<none>'}`,
    `Controlled By: ${pod.metadata?.ownerReferences?.map((o) => `${o.kind}/${o.name}`).join(', ') || '<none>'}`,
  ];
  if (s.scheduling) lines.push(`Scheduling:   ${s.scheduling.reason}: ${s.scheduling.message}`);
  lines.push('Containers:');
  for (const c of pod.spec?.containers ?? []) {
    const st = pod.status?.containerStatuses?.find((x) => x.name === c.name);
    lines.push(`  ${c.name}:`, `    Image:          ${c.image ?? ''}`);
    const state = st?.state;
    if (state?.running) lines.push(`    State:          Running (started ${state.running.startedAt ? new Date(state.running.startedAt).toISOString() : '?'})`);
    else if (state?.waiting) lines.push(`    State:          Waiting`, `      Reason:       ${state.waiting.reason ?? ''}`, ...(state.waiting.message ? [`      Message:      ${state.waiting.message}`] : []));
    else if (state?.terminated) lines.push(`    State:          Terminated`, `      Reason:       ${state.terminated.reason ?? ''}`, `      Exit Code:    ${state.terminated.exitCode}`);
    else lines.push('    State:          <unknown>');
    const last = st?.lastState?.terminated;
    if (last) {
      lines.push('    Last State:     Terminated', `      Reason:       ${last.reason ?? ''}`, `      Exit Code:    ${last.exitCode}`, `      Finished:     ${last.finishedAt ? new Date(last.finishedAt).toISOString() : '?'}`);
    }
    lines.push(`    Ready:          ${st?.ready ? 'True' : 'False'}`, `    Restart Count:  ${st?.restartCount ?? 0}`);
    const requests = c.resources?.requests;
    const limits = c.resources?.limits;
    if (requests) lines.push(`    Requests:       ${Object.entries(requests).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    if (limits) lines.push(`    Limits:         ${Object.entries(limits).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    const env = [
      ...(c.env ?? []).map((e) =>
        e.valueFrom?.secretKeyRef
          ? `${e.name}: <set to the key '${e.valueFrom.secretKeyRef.key}' in secret '${e.valueFrom.secretKeyRef.name}'>`
          : e.valueFrom?.configMapKeyRef
            ? `${e.name}: <set to the key '${e.valueFrom.configMapKeyRef.key}' of config map '${e.valueFrom.configMapKeyRef.name}'>`
            : `${e.name}: ${e.value ?? '<from field>'}`,
      ),
      ...(c.envFrom ?? []).map((f) => (f.configMapRef ? `<all keys of config map '${f.configMapRef.name}'>` : `<all keys of secret '${f.secretRef?.name ?? ''}'>`)),
    ];
    if (env.length) lines.push('    Environment:', ...env.map((e) => `      ${e}`));
  }
  const conditions = pod.status?.conditions ?? [];
  if (conditions.length) lines.push('Conditions:', ...renderTable(['Type', 'Status', 'Reason'], conditions.map((c) => [c.type, c.status, c.reason ?? ''])).split('\n').map((l) => `  ${l}`));
  return lines;
}

function describeWorkload(object: KubeObject, pods: V1Pod[]): { lines: string[]; rollout: string } {
  const spec = object.spec as { replicas?: number } | undefined;
  const status = (object.status ?? {}) as Record<string, unknown> & { conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }> };
  const rollout = object.kind === 'ReplicaSet' ? '' : rolloutStatus(object as Parameters<typeof rolloutStatus>[0]).message;
  const lines = [
    `Replicas:     ${spec?.replicas ?? status.desiredNumberScheduled ?? '?'} desired | ${status.updatedReplicas ?? status.updatedNumberScheduled ?? 0} updated | ${status.readyReplicas ?? status.numberReady ?? 0} ready | ${status.availableReplicas ?? status.numberAvailable ?? 0} available`,
  ];
  if (rollout) lines.push(`Rollout:      ${rollout}`);
  if (status.conditions?.length) {
    lines.push('Conditions:', ...renderTable(['Type', 'Status', 'Reason', 'Message'], status.conditions.map((c) => [c.type ?? '', c.status ?? '', c.reason ?? '', c.message ?? ''])).split('\n').map((l) => `  ${l}`));
  }
  const views = pods.map(podView);
  lines.push(`Pods (${views.length}):`);
  if (views.length) lines.push(...renderTable(['Name', 'Ready', 'Status', 'Restarts', 'Node'], views.map((p) => [p.name, p.ready, p.status, p.restarts, p.node])).split('\n').map((l) => `  ${l}`));
  return { lines, rollout };
}

async function describeService(client: KubeClient, object: KubeObject): Promise<string[]> {
  const spec = (object.spec ?? {}) as { type?: string; clusterIP?: string; selector?: Record<string, string>; ports?: Array<{ name?: string; port: number; targetPort?: number | string; protocol?: string }> };
  const ns = object.metadata?.namespace ?? '';
  const slices = (
    await kubeRequest(client, { path: `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/endpointslices`, query: { labelSelector: `kubernetes.io/service-name=${object.metadata?.name ?? ''}` } })
  ).json as { items: Array<{ endpoints?: Array<{ addresses: string[]; conditions?: { ready?: boolean } }> }> };
  const endpoints = slices.items.flatMap((s) => s.endpoints ?? []);
  const ready = endpoints.filter((e) => e.conditions?.ready !== false).flatMap((e) => e.addresses);
  return [
    `Type:         ${spec.type ?? 'ClusterIP'}`,
    `IP:           ${spec.clusterIP ?? '<none>'}`,
    `Selector:     ${spec.selector ? Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(',') : '<none>'}`,
    `Ports:        ${(spec.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ''}${p.port}/${p.protocol ?? 'TCP'} → ${p.targetPort ?? p.port}`).join(', ') || '<none>'}`,
    `Endpoints:    ${ready.length ? ready.join(', ') : '<none>'}`,
  ];
}

export function registerDescribe(server: McpServer, access: ClusterAccess): void {
  const name = 'k8s_describe';
  registerPolicedTool(
    server,
    access.policy,
    name,
    'read',
    {
      title: 'Describe a Kubernetes object',
      description:
        'Like `kubectl describe`: the object with its events. Pods: node, container states, restarts, last termination, conditions. Deployments/StatefulSets/DaemonSets/ReplicaSets: replicas, rollout status and their pods. Services: selector, ports and endpoints.',
      inputSchema: {
        kind: kindInput,
        name: nameInput,
        namespace: namespaceInput.optional().describe('Namespace (required for namespaced kinds)'),
        maxChars: z.number().int().min(1000).max(1_000_000).default(30_000).describe('Size cap for the text (default 30000)'),
        context: contextInput,
      },
      outputSchema: {
        truncated: z.boolean().describe('the text was cut at maxChars'),
        kind: z.string(),
        name: z.string(),
        namespace: z.string().nullable(),
        status: z.string().nullable().describe('pod STATUS column or rollout status'),
        pods: z.array(z.object({ name: z.string(), status: z.string(), ready: z.string(), restarts: z.number(), node: z.string().nullable() })).nullable(),
        events: z.array(eventOutput),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) => {
      const { client, object } = await readObject(access, args);
      const clean = cleanObject(object);
      const meta = clean.metadata ?? {};
      const namespace = (meta.namespace as string | undefined) ?? null;
      const labels = (meta.labels as Record<string, string> | undefined) ?? {};
      const lines = [
        `Name:         ${meta.name as string}`,
        ...(namespace ? [`Namespace:    ${namespace}`] : []),
        `Kind:         ${clean.kind} (${clean.apiVersion})`,
        `Labels:       ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ') || '<none>'}`,
        `Created:      ${meta.creationTimestamp as string} (${age(meta.creationTimestamp as string)} ago)`,
      ];
      let status: string | null = null;
      let pods: PodView[] | null = null;
      if (clean.kind === 'Pod') {
        lines.push(...describePod(clean as V1Pod));
        status = summarizePod(clean as V1Pod).status;
      } else if (WORKLOADS.has(clean.kind ?? '') && namespace) {
        const selector = selectorString((clean.spec as { selector?: { matchLabels?: Record<string, string> } } | undefined)?.selector);
        const owned = selector ? await podsMatching(client, namespace, selector) : [];
        const w = describeWorkload(clean, owned);
        lines.push(...w.lines);
        status = w.rollout || null;
        pods = owned.map(podView);
      } else if (clean.kind === 'Service') {
        lines.push(...(await describeService(client, clean)));
      } else if (clean.kind !== 'Secret') {
        const rest = { spec: clean.spec, status: clean.status, data: clean.data };
        const body = toYaml(Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
        if (body && body !== '{}') lines.push(body);
      } else {
        lines.push(`Type:         ${(clean.type as string | undefined) ?? 'Opaque'}`, 'Data:', ...Object.entries((clean.data as Record<string, string>) ?? {}).map(([k, v]) => `  ${k}: ${v}`));
      }
      const events: EventRow[] = eventRows(await fetchEvents(client, { namespace: namespace ?? undefined, uid: meta.uid as string | undefined }));
      lines.push('Events:', events.length ? renderEvents(events, false).split('\n').map((l) => `  ${l}`).join('\n') : '  <none>');
      const redactor = await access.redactor(client, namespace ?? undefined);
      const { text, truncated } = budgetText(lines.join('\n'), args.maxChars, 'narrow with k8s_events, k8s_list or k8s_get, or raise maxChars');
      return toolResult(redactor.redactText(text), redactor.redactDeep({ truncated, kind: clean.kind ?? '', name: meta.name as string, namespace, status, pods, events }));
    },
    scrubSecretValues(access),
  );
}
