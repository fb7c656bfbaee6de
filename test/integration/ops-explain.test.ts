/**
 * A configured model explains the analyzers' findings, on top of them: the deterministic answer
 * stays whole below the explanation, the model gets the findings as data and no tools, a model
 * that fails only costs the explanation, and without a model nothing changes.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOpsAgent } from '../../agents/ops/index.js';
import type { TaskResult } from '../../shared/a2a/parts.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubernetesClient } from '../helpers/mcp.js';
import { type ScriptStep, startScriptedLlm } from '../helpers/scripted-llm.js';

const logger = createLogger({ level: 'silent' });
const QUESTION = 'What is wrong in namespace payments?';
let mcp: McpClient;

beforeAll(async () => {
  mcp = await kubernetesClient(inject('kubeconfig'));
});
afterAll(async () => mcp?.close());

async function analyze(llmEnv: Record<string, string>): Promise<TaskResult> {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-explain-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), ...llmEnv }, cwd: dir });
  const def = createOpsAgent({ config, logger, mcp: { kubernetes: mcp } });
  return def.handler({ text: QUESTION, data: [{ skill: 'analyze-cluster' }], signal: new AbortController().signal, progress: () => {} } as never) as Promise<TaskResult>;
}

async function withModel(script: ScriptStep[], run: (env: Record<string, string>, requests: () => Array<{ body: { messages?: Array<{ role: string; content?: string | null }> }; toolNames: string[] }>) => Promise<void>) {
  const llm = await startScriptedLlm(script);
  try {
    await run({ K8S_EXPERTS_LLM_PROVIDER: 'openai', K8S_EXPERTS_LLM_MODEL: 'scripted', K8S_EXPERTS_LLM_BASE_URL: llm.openaiBaseUrl }, () => llm.requests);
  } finally {
    await llm.close();
  }
}

describe('the model explains the findings, never replaces them', () => {
  let plain: TaskResult;

  it('without a model: the analyzers answer alone', async () => {
    plain = await analyze({});
    expect((plain.data as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    expect(plain.data).not.toHaveProperty('explanation');
    expect(plain.text).toMatch(/payments-api/);
  });

  it('with a model: its explanation first, then the same findings; it saw them as data, with no tools', async () => {
    await withModel([{ reply: 'payments-api crashes on start; fix its configuration first.' }], async (env, requests) => {
      const r = await analyze(env);
      expect(r.text.startsWith('In short (openai/scripted, from the findings below): payments-api crashes on start; fix its configuration first.')).toBe(true);
      expect(r.data).toMatchObject({ explanation: { model: 'openai/scripted', text: 'payments-api crashes on start; fix its configuration first.' } });
      // The deterministic part is whole: the same findings, in the same words.
      expect((r.data as { findings: unknown[] }).findings).toEqual((plain.data as { findings: unknown[] }).findings);
      expect(r.text.endsWith(plain.text)).toBe(true);
      expect(requests()).toHaveLength(1);
      const [system, user] = requests()[0]!.body.messages!;
      expect(system!.content).toContain('Do not add findings');
      expect(user!.content).toContain(QUESTION);
      expect(user!.content).toContain(plain.text.split('\n')[0]);
      expect(requests()[0]!.toolNames).toEqual([]);
    });
  });

  it('a model that fails costs only the explanation', async () => {
    await withModel([1, 2, 3].map(() => ({ status: 500, error: 'model overloaded' })) as ScriptStep[], async (env) => {
      const r = await analyze(env);
      expect(r.text.startsWith(plain.text)).toBe(true);
      expect(r.text).toMatch(/\(The model's explanation failed: .*500/);
      expect(r.data).toMatchObject({ explanation: { model: 'openai/scripted', error: expect.stringContaining('500') } });
      expect((r.data as { findings: unknown[] }).findings).toEqual((plain.data as { findings: unknown[] }).findings);
    });
  });
});
