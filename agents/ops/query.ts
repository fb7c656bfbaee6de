/**
 * cluster-query: the embedded engine (no model) for the read questions it parses, recent events
 * through k8s_events (which the engine does not answer), and — when llm.provider is set — the LLM
 * engine for what the embedded one does not understand.
 */
import type { TaskResult } from '../../shared/a2a/parts.js';
import type { Config } from '../../shared/config.js';
import { errorMessage } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { ProgressEvent, ReasoningEngine, ToolBox } from '../../shared/reasoning/engine.js';
import { createEmbeddedEngine } from '../../shared/reasoning/embedded/engine.js';
import { createLlmEngine } from '../../shared/reasoning/llm/engine.js';
import { Cluster } from './cluster.js';
import type { KubeEvent } from './kube-objects.js';
import { candidateNames } from './skills.js';

export const OPS_SYSTEM_PROMPT = [
  'You are the ops agent of k8s-experts: a Kubernetes troubleshooting specialist with read-only access to one cluster.',
  'You answer questions about the state of pods, workloads, services, nodes and namespaces, their logs and events, and why something is failing.',
  'Use the kubernetes tools to look before you answer; you cannot change anything in the cluster.',
].join('\n');

/** "recent warning events in payments", "events in shop", "show warnings": the events ask and its filters. */
export function parseEventsAsk(text: string, namespaces: readonly string[]): { namespace: string | undefined; warningsOnly: boolean } | undefined {
  if (!/\bevents?\b|\bwarnings\b/i.test(text)) return undefined;
  if (/^\s*(how many|what is the (status|value))/i.test(text)) return undefined;
  const namespace = candidateNames(text).find((w) => namespaces.includes(w));
  return { namespace, warningsOnly: /\bwarnings?\b/i.test(text) };
}

export function renderEvents(events: KubeEvent[], where: string, warningsOnly: boolean): string {
  if (events.length === 0) return `No ${warningsOnly ? 'warning ' : ''}events in ${where}.`;
  return [
    `${events.length} recent ${warningsOnly ? 'warning ' : ''}event(s) in ${where}, newest last:`,
    ...events.map((e) => `${(e as { last?: string }).last ?? ''} ${e.type ?? ''} ${e.reason ?? ''} ${e.object ?? ''}${e.count && e.count > 1 ? ` (x${e.count})` : ''}: ${e.message ?? ''}`.replace(/\s+/g, ' ').trim()),
  ].join('\n');
}

export class ClusterQuery {
  private readonly embedded: ReasoningEngine;
  private llm: ReasoningEngine | undefined;

  constructor(
    private readonly tools: ToolBox,
    private readonly config: Config,
    private readonly logger: Logger,
  ) {
    this.embedded = createEmbeddedEngine({ tools });
  }

  async run(text: string, signal: AbortSignal, progress: (t: string) => void): Promise<TaskResult> {
    const cluster = new Cluster(this.tools, signal);
    const onProgress = (e: ProgressEvent) => {
      if (e.kind === 'tool-call') progress(`calling ${e.tool} ${JSON.stringify(e.args)}`);
      else if (e.kind === 'model-call') progress(`asking the model (step ${e.step})`);
      else if (e.kind === 'note') progress(e.text);
    };
    // Only a question about events needs the namespace list (k8s_namespaces counts every pod).
    const eventsAsk = /\b(events?|warnings?)\b/i.test(text) ? parseEventsAsk(text, await cluster.namespaces()) : undefined;
    if (eventsAsk) {
      progress(`calling k8s_events${eventsAsk.namespace ? ` in ${eventsAsk.namespace}` : ''}`);
      const events = await cluster.events({ ...(eventsAsk.namespace ? { namespace: eventsAsk.namespace } : {}), ...(eventsAsk.warningsOnly ? { type: 'Warning' } : {}), limit: 20 });
      const where = eventsAsk.namespace ?? 'all namespaces';
      return { text: renderEvents(events, where, eventsAsk.warningsOnly), data: { skill: 'cluster-query', ask: 'events', namespace: eventsAsk.namespace ?? null, warningsOnly: eventsAsk.warningsOnly, events, engine: 'embedded' } };
    }
    const answer = await this.embedded.answer({ question: text, signal, onProgress });
    if (answer.understood || this.config.llm.provider === 'none') {
      return { text: answer.text, data: { skill: 'cluster-query', engine: 'embedded', understood: answer.understood, ...answer.data, toolCalls: answer.toolCalls } };
    }
    try {
      this.llm ??= createLlmEngine({ config: this.config.llm, tools: this.tools, systemPrompt: OPS_SYSTEM_PROMPT, logger: this.logger });
      const viaModel = await this.llm.answer({ question: text, signal, onProgress });
      return { text: viaModel.text, data: { skill: 'cluster-query', engine: 'llm', understood: viaModel.understood, ...viaModel.data, toolCalls: viaModel.toolCalls } };
    } catch (e) {
      if (signal.aborted) throw e;
      this.logger.warn({ err: e }, 'LLM engine failed; answering with the embedded engine');
      return { text: `${answer.text} (The model configured in llm.provider=${this.config.llm.provider} failed: ${errorMessage(e)}.)`, data: { skill: 'cluster-query', engine: 'embedded', understood: false, llmError: errorMessage(e), ...answer.data } };
    }
  }
}
