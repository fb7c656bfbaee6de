import { errorMessage, isUserError } from '../../errors.js';
import type { ReasoningAnswer, ReasoningEngine, ReasoningRequest, ToolBox, ToolCallRecord } from '../engine.js';
import { Answerer } from './answers.js';
import { parseQuestion } from './question.js';
import { VocabularyCache } from './vocabulary.js';

/** What the embedded engine answers, for the honest reply to a question it cannot place. */
const WHAT_IT_ANSWERS =
  'counts (how many pods in shop), status (of pod redis), which pods a deployment runs, logs, restarts, images, ports, probes, env vars, nodes, IPs, namespaces, schedules, hosts, endpoints, versions and capacity';

const LLM_HINT = 'For free-form questions set llm.provider (K8S_EXPERTS_LLM_PROVIDER=openai or ollama) and llm.model.';

/**
 * The engine that needs no model: the question is parsed against the live cluster's vocabulary
 * and answered from the agent's own MCP tools. What it cannot place it says so plainly.
 */
export function createEmbeddedEngine(options: { tools: ToolBox }): ReasoningEngine {
  const vocabulary = new VocabularyCache(options.tools);
  return {
    name: 'embedded',
    async answer(request: ReasoningRequest): Promise<ReasoningAnswer> {
      const toolCalls: ToolCallRecord[] = [];
      // Every tool call is recorded as evidence and reported as progress.
      const tools: ToolBox = {
        listTools: () => options.tools.listTools(),
        callTool: async (tool, args, signal) => {
          request.onProgress?.({ kind: 'tool-call', tool, args });
          const result = await options.tools.callTool(tool, args, signal ?? request.signal);
          toolCalls.push({ tool, args, isError: Boolean(result.isError) });
          request.onProgress?.({ kind: 'tool-result', tool, isError: Boolean(result.isError), chars: JSON.stringify(result.content).length });
          return result;
        },
      };
      const vocab = await vocabulary.get(request.signal);
      const parsed = parseQuestion(request.question, vocab);
      if (parsed.ask === 'unknown') {
        return {
          text: `I could not work out what "${request.question.trim()}" asks (${parsed.reason}). Without a model I answer ${WHAT_IT_ANSWERS}. ${LLM_HINT}`,
          data: { understood: false, reason: parsed.reason },
          toolCalls,
          understood: false,
        };
      }
      try {
        const answer = await new Answerer(tools, vocab, request.signal).answer(parsed);
        return { text: answer.text, data: { ...answer.data, ask: parsed.ask }, toolCalls, understood: true };
      } catch (e) {
        if (!isUserError(e)) throw e;
        return { text: `I understood the question as "${parsed.ask}" but could not answer it: ${errorMessage(e)}${e.fix ? ` (${e.fix})` : ''}.`, data: { ask: parsed.ask, error: e.message }, toolCalls, understood: false };
      }
    },
  };
}
