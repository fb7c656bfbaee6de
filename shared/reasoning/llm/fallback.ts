/**
 * Questions beyond the agent's rules: the LLM engine over the agent's own read tools when
 * llm.provider is set, else an honest answer that names the setting.
 */
import type { TaskResult } from '../../a2a/parts.js';
import type { Config } from '../../config.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { ReasoningEngine, ToolBox } from '../engine.js';
import { createLlmEngine } from './engine.js';

export interface FallbackOptions {
  agent: string;
  config: Config;
  logger: Logger;
  tools: ToolBox;
  systemPrompt: string;
  /** What the rules do answer, for the honest reply. */
  skills: string;
  /** The agent's skill ids, listed in the data of an honest reply. */
  skillIds?: readonly string[];
}

export type Fallback = (question: string, run: { signal: AbortSignal; progress(text: string): void }) => Promise<TaskResult>;

export function llmFallback(options: FallbackOptions): Fallback {
  let engine: ReasoningEngine | undefined;
  return async (question, run) => {
    const provider = options.config.llm.provider;
    if (provider === 'none') {
      return {
        text:
          `I could not match "${question.trim()}" to one of my skills (${options.skills}), and no language model is configured (llm.provider is none). ` +
          'Set llm.provider to openai or ollama and llm.model (K8S_EXPERTS_LLM_PROVIDER, K8S_EXPERTS_LLM_MODEL) to let a model answer questions beyond the rules.',
        data: { agent: options.agent, skill: null, understood: false, llmProvider: 'none', ...(options.skillIds ? { skills: [...options.skillIds] } : {}) },
      };
    }
    try {
      engine ??= createLlmEngine({ config: options.config.llm, tools: options.tools, systemPrompt: options.systemPrompt, logger: options.logger });
      run.progress(`Asking the model (${provider})…`);
      const answer = await engine.answer({
        question,
        signal: run.signal,
        onProgress: (e) => {
          if (e.kind === 'tool-call') run.progress(`Calling ${e.tool}…`);
        },
      });
      return { text: answer.text, data: { agent: options.agent, skill: null, engine: 'llm', understood: answer.understood, toolCalls: answer.toolCalls, ...answer.data } };
    } catch (e) {
      if (run.signal.aborted) throw e;
      return {
        text: `I could not match "${question.trim()}" to one of my skills (${options.skills}), and the model (llm.provider ${provider}) failed: ${errorMessage(e)}`,
        data: { agent: options.agent, skill: null, understood: false, llmProvider: provider, error: errorMessage(e), ...(options.skillIds ? { skills: [...options.skillIds] } : {}) },
      };
    }
  };
}
