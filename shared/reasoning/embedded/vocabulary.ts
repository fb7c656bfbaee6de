/**
 * The live cluster's words — its kinds, namespaces and object names — that questions are parsed
 * against, read through the agent's own MCP tools and kept for a few seconds.
 */
import type { ToolBox } from '../engine.js';
import { structuredOf } from './tool-results.js';

export interface KindWords {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  namespaced: boolean;
}

export interface NamedObject {
  /** The Kind, e.g. Deployment. */
  kind: string;
  name: string;
  namespace: string | null;
}

export interface Vocabulary {
  kinds: KindWords[];
  namespaces: string[];
  objects: NamedObject[];
}

/** The kinds whose object names a question may mention; others are still understood as kinds. */
const NAMED_KINDS = ['pods', 'deployments', 'statefulsets', 'daemonsets', 'services', 'jobs', 'cronjobs', 'configmaps', 'secrets', 'ingresses', 'nodes', 'persistentvolumeclaims', 'serviceaccounts'];

const TTL_MS = 15_000;

export async function loadVocabulary(tools: ToolBox, signal?: AbortSignal): Promise<Vocabulary> {
  const [resources, namespaces, ...lists] = await Promise.all([
    tools.callTool('k8s_api_resources', {}, signal),
    tools.callTool('k8s_namespaces', {}, signal),
    ...NAMED_KINDS.map((kind) => tools.callTool('k8s_list', { kind, limit: 1000, view: 'rows' }, signal)),
  ]);
  const kinds = (structuredOf<{ resources: Array<{ name: string; shortNames: string[]; kind: string; namespaced: boolean }> }>(resources)?.resources ?? []).map((r) => ({
    kind: r.kind,
    plural: r.name,
    singular: r.kind.toLowerCase(),
    shortNames: r.shortNames,
    namespaced: r.namespaced,
  }));
  const objects = lists.flatMap((list) => {
    const s = structuredOf<{ kind: string; items?: Array<{ name?: unknown; namespace?: unknown }>; namespace: string | null }>(list);
    return (s?.items ?? []).map((i) => ({ kind: s!.kind, name: String(i.name ?? ''), namespace: typeof i.namespace === 'string' ? i.namespace : null }));
  });
  return {
    kinds,
    namespaces: (structuredOf<{ namespaces: Array<{ name: string }> }>(namespaces)?.namespaces ?? []).map((n) => n.name),
    objects,
  };
}

/** The vocabulary, re-read when older than a few seconds (names come and go with pods). */
export class VocabularyCache {
  private cached: { at: number; value: Promise<Vocabulary> } | undefined;

  constructor(private readonly tools: ToolBox) {}

  get(signal?: AbortSignal): Promise<Vocabulary> {
    if (this.cached && Date.now() - this.cached.at < TTL_MS) return this.cached.value;
    const value = loadVocabulary(this.tools, signal);
    this.cached = { at: Date.now(), value };
    value.catch(() => (this.cached = undefined));
    return value;
  }
}
