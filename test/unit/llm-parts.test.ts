/** The LLM engine's pieces on their own: budgets, tool selection, config errors, unreachable endpoints. */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import type { Config } from '../../shared/config.js';
import { budgetText, toolResultText } from '../../shared/reasoning/llm/budget.js';
import { createChatProvider, createLlmEngine, offeredTools, toToolSpec } from '../../shared/reasoning/llm/engine.js';
import { silentLogger } from '../helpers/mcp.js';
import { startScriptedLlm } from '../helpers/scripted-llm.js';

const base: Config['llm'] = { provider: 'openai', model: 'm', timeoutMs: 1000, retries: 1, maxSteps: 3, maxToolResultChars: 500 };
const noTools = { listTools: async () => [], callTool: async () => ({ content: [] }) };

describe('tool result budget', () => {
  it('leaves a result within the budget alone', () => {
    expect(budgetText('short', 500)).toEqual({ text: 'short', chars: 5, cut: false });
  });

  it('cuts to the budget, note included, and says how much there was', () => {
    const out = budgetText('a'.repeat(10_000), 500);
    expect(out.cut).toBe(true);
    expect(out.chars).toBe(10_000);
    expect(out.text.length).toBeLessThanOrEqual(500);
    expect(out.text).toMatch(/\n\[cut: the tool returned 10000 characters; only the first (\d+) are shown \(llm\.maxToolResultChars = 500\)/);
    const kept = Number(/first (\d+) are shown/.exec(out.text)?.[1]);
    expect(out.text.startsWith('a'.repeat(kept) + '\n[cut')).toBe(true);
  });

  it('prefers text content, falls back to structured content, and never passes binary data', () => {
    expect(toolResultText({ content: [{ type: 'text', text: 'one' }, { type: 'text', text: 'two' }], structuredContent: { big: 1 } })).toBe('one\ntwo');
    expect(toolResultText({ content: [], structuredContent: { pods: 2 } })).toBe('{"pods":2}');
    expect(toolResultText({ content: [{ type: 'image', data: 'A'.repeat(5000), mimeType: 'image/png' }] })).toBe('[image (image/png) not shown]');
    expect(toolResultText({ content: [] })).toBe('(the tool returned nothing)');
  });
});

describe('tools offered to a model', () => {
  const tool = (name: string, annotations?: Tool['annotations']): Tool => ({ name, inputSchema: { type: 'object' }, ...(annotations ? { annotations } : {}) });
  const tools = [tool('read', { readOnlyHint: true }), tool('write', { readOnlyHint: false }), tool('unannotated')];

  it('offers read-only tools by default: a tool without annotations may write (the MCP default)', () => {
    expect(offeredTools(tools).map((t) => t.name)).toEqual(['read']);
  });

  it('offers exactly the allowed list when one is given', () => {
    expect(offeredTools(tools, ['write']).map((t) => t.name)).toEqual(['write']);
    expect(offeredTools(tools, []).map((t) => t.name)).toEqual([]);
  });

  it('converts an MCP input schema to a function schema', () => {
    const spec = toToolSpec({ name: 't', title: 'T', inputSchema: { type: 'object', $schema: 'http://json-schema.org/draft-07/schema#' } as Tool['inputSchema'] });
    expect(spec).toEqual({ name: 't', description: 'T', parameters: { type: 'object', properties: {} } });
  });
});

describe('LLM configuration errors', () => {
  it('names llm.provider and llm.model when they cannot work', () => {
    expect(() => createChatProvider({ ...base, provider: 'none' })).toThrow(/llm\.provider is none/);
    expect(() => createChatProvider({ ...base, model: undefined })).toThrow(/llm\.model is not set.*K8S_EXPERTS_LLM_MODEL/);
  });

  it('names llm.baseUrl when nothing answers there, for both providers', async () => {
    const gone = await startScriptedLlm();
    await gone.close();
    for (const provider of ['openai', 'ollama'] as const) {
      const baseUrl = provider === 'openai' ? gone.openaiBaseUrl : gone.url;
      const engine = createLlmEngine({ config: { ...base, provider, baseUrl }, tools: noTools, systemPrompt: 'p', logger: silentLogger(), backoffMs: 5 });
      await expect(engine.answer({ question: 'q' })).rejects.toThrow(`could not reach the model endpoint ${baseUrl} (ECONNREFUSED) (2 attempts): check llm.baseUrl and that the model server runs`);
    }
  });

  it('names llm.baseUrl for a 404 that is not about the model', async () => {
    const llm = await startScriptedLlm();
    try {
      const engine = createLlmEngine({ config: { ...base, baseUrl: llm.url }, tools: noTools, systemPrompt: 'p', logger: silentLogger() });
      await expect(engine.answer({ question: 'q' })).rejects.toThrow(/answered 404 .*check llm\.baseUrl \(an OpenAI-compatible endpoint usually ends in \/v1\)/);
    } finally {
      await llm.close();
    }
  });
});
