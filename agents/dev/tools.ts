/** Calling the kubernetes MCP server's tools from the dev agent (I/O only). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { mcpToolBox, type ToolOutcome, tryTool } from '../../shared/reasoning/toolbox.js';
import type { ObjectVerdict } from './heal.js';

/** One kubernetes tool call through the agent's tool box (a refusal is an outcome, not an exception). */
function callTool<T>(client: Client | undefined, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome<T>> {
  return tryTool<T>(client && mcpToolBox(client), name, args, signal);
}

export interface ValidateOutput {
  valid: boolean;
  summary: string;
  objects: ObjectVerdict[];
}

export function validateManifest(client: Client | undefined, manifest: string, mode: 'create' | 'apply', signal?: AbortSignal): Promise<ToolOutcome<ValidateOutput>> {
  // In apply mode the content is what is checked, not who owns which field: force, as a person applying it would.
  return callTool<ValidateOutput>(client, 'k8s_validate', { manifest, mode, ...(mode === 'apply' ? { force: true } : {}) }, signal);
}

/** Where objects of a kind with this name live (all namespaces), via k8s_list. */
export async function findNamespaces(client: Client | undefined, resource: string, name: string, signal?: AbortSignal): Promise<string[] | undefined> {
  const r = await callTool<{ items?: Array<Record<string, unknown>> }>(client, 'k8s_list', { kind: resource, fieldSelector: `metadata.name=${name}`, view: 'rows' }, signal);
  if (!r.ok || !r.structured) return undefined;
  return (r.structured.items ?? []).map((i) => String(i.namespace ?? '')).filter(Boolean);
}

/** One object's spec.replicas, via k8s_get. */
export async function currentReplicas(client: Client | undefined, resource: string, name: string, namespace: string, signal?: AbortSignal): Promise<number | undefined> {
  const r = await callTool<{ object?: { spec?: { replicas?: number } } }>(client, 'k8s_get', { kind: resource, name, namespace, output: 'json' }, signal);
  const n = r.structured?.object?.spec?.replicas;
  return typeof n === 'number' ? n : undefined;
}
