import { afterEach, describe, expect, it } from 'vitest';
import { createObservabilityAgent } from '../../agents/observability/index.js';
import { createSecurityAgent } from '../../agents/security/index.js';
import type { AgentContext } from '../../shared/a2a/agent.js';
import type { TaskRunContext } from '../../shared/a2a/executor.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { type ScriptedLlm, startScriptedLlm } from '../helpers/scripted-llm.js';

const logger = createLogger({ level: 'silent' });
let llm: ScriptedLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

function run(text: string, progress: string[] = []): TaskRunContext {
  return { text, data: [], signal: new AbortController().signal, progress: (t: string) => progress.push(t), taskId: 't', contextId: 'c' } as unknown as TaskRunContext;
}

const context = (env: Record<string, string>): AgentContext => ({ config: loadConfig({ env, cwd: '/' }), logger, mcp: {} });

describe('questions beyond the rules (security and observability agents)', () => {
  it('with a model configured, the LLM engine answers with the agent\'s domain prompt', async () => {
    llm = await startScriptedLlm([{ reply: 'Use a default-deny NetworkPolicy.' }, { reply: 'Scrape interval is 15s.' }]);
    const env = { K8S_EXPERTS_LLM_PROVIDER: 'openai', K8S_EXPERTS_LLM_MODEL: 'test-model', K8S_EXPERTS_LLM_BASE_URL: llm.openaiBaseUrl, K8S_EXPERTS_LLM_API_KEY: 'k' };
    const progress: string[] = [];
    const sec = await createSecurityAgent(context(env)).handler(run('Explain zero trust to me', progress));
    expect(sec.text).toBe('Use a default-deny NetworkPolicy.');
    expect(sec.data).toMatchObject({ agent: 'security', engine: 'llm', understood: true });
    expect(progress).toContain('Asking the model (openai)…');
    expect(llm.requests[0]?.body.messages?.[0]?.content).toMatch(/security specialist/);
    const obs = await createObservabilityAgent(context(env)).handler(run('Write me a poem'));
    expect(obs.text).toBe('Scrape interval is 15s.');
    expect(llm.requests[1]?.body.messages?.[0]?.content).toMatch(/observability specialist/);
  });

  it('a model that fails gives an honest answer naming the provider, not a crash', async () => {
    llm = await startScriptedLlm([{ status: 400, error: 'bad request' }]);
    const env = { K8S_EXPERTS_LLM_PROVIDER: 'openai', K8S_EXPERTS_LLM_MODEL: 'test-model', K8S_EXPERTS_LLM_BASE_URL: llm.openaiBaseUrl, K8S_EXPERTS_LLM_API_KEY: 'k' };
    const r = await createSecurityAgent(context(env)).handler(run('Explain zero trust to me'));
    expect(r.text).toMatch(/the model \(llm\.provider openai\) failed/);
    expect(r.data).toMatchObject({ understood: false, llmProvider: 'openai' });
  });

  it('without a model: an honest answer that names llm.provider', async () => {
    const r = await createSecurityAgent(context({})).handler(run('Explain zero trust to me'));
    expect(r.text).toMatch(/llm\.provider is none/);
    expect(r.data).toMatchObject({ skill: null, understood: false, llmProvider: 'none' });
  });

  it('without MCP clients, a skill says what is missing instead of failing', async () => {
    const sec = await createSecurityAgent(context({})).handler(run('Give me a security report of the cluster'));
    expect(sec.text).toMatch(/no kubernetes MCP server is connected/);
    const obs = await createObservabilityAgent(context({})).handler(run('cpu of namespace shop'));
    expect(obs.text).toMatch(/no Prometheus MCP server is connected/);
  });
});
