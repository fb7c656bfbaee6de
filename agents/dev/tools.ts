/** Calling the kubernetes MCP server's tools from the dev agent (I/O only). */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { errorMessage } from '../../shared/errors.js';
import type { ObjectVerdict } from './heal.js';

export interface ToolOutcome<T> {
  ok: boolean;
  structured?: T;
  text: string;
}

export async function callTool<T>(client: Client | undefined, name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolOutcome<T>> {
  if (!client) return { ok: false, text: 'the kubernetes MCP server is not connected to this agent' };
  try {
    const result = (await client.callTool({ name, arguments: args }, undefined, signal ? { signal } : undefined)) as CallToolResult & { structuredContent?: T };
    const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
    return result.isError ? { ok: false, text } : { ok: true, text, ...(result.structuredContent ? { structured: result.structuredContent } : {}) };
  } catch (e) {
    signal?.throwIfAborted();
    return { ok: false, text: errorMessage(e) };
  }
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
