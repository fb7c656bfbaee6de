import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import type { ReasoningEngine } from '../../shared/reasoning/engine.js';
import { createEmbeddedEngine } from '../../shared/reasoning/embedded/engine.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { kubernetesClient } from '../helpers/mcp.js';

const questionSet = z.array(z.object({ q: z.string(), answer: z.string().optional(), kubectl: z.array(z.string()).optional() }).refine((x) => (x.answer === undefined) !== (x.kubectl === undefined), 'give answer or kubectl'));
const QUESTIONS = questionSet.parse(parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'questions', 'read-only.yaml'), 'utf8')));

let client: Client;
let engine: ReasoningEngine;
beforeAll(async () => {
  client = await kubernetesClient(inject('kubeconfig'));
  engine = createEmbeddedEngine({ tools: mcpToolBox(client) });
});
afterAll(async () => client.close());

const expected = async (item: (typeof QUESTIONS)[number]) => (item.kubectl ? (await kubectl(inject('kubectl'), inject('kubeconfig'), item.kubectl)).stdout.trim() : item.answer!.trim());

describe('the embedded engine (no model) on the read-only question set', () => {
  it(`answers at least 90% of the ${QUESTIONS.length} questions exactly`, async () => {
    expect(QUESTIONS.length).toBeGreaterThanOrEqual(40);
    const misses: string[] = [];
    for (const item of QUESTIONS) {
      const [answer, want] = await Promise.all([engine.answer({ question: item.q }), expected(item)]);
      if (answer.text.trim() !== want) misses.push(`${item.q}\n    expected: ${JSON.stringify(want.slice(0, 120))}\n    answered: ${JSON.stringify(answer.text.slice(0, 200))}`);
    }
    const exact = QUESTIONS.length - misses.length;
    console.log(`embedded engine: ${exact}/${QUESTIONS.length} exact${misses.length ? `; misses:\n  ${misses.join('\n  ')}` : ''}`);
    expect(exact / QUESTIONS.length, misses.join('\n')).toBeGreaterThanOrEqual(0.9);
  });

  it('records the tool calls its answer rests on and reports them as progress', async () => {
    const events: string[] = [];
    const answer = await engine.answer({ question: 'How many pods are in the default namespace?', onProgress: (e) => events.push(e.kind === 'tool-call' ? `call:${e.tool}` : e.kind) });
    expect(answer.understood).toBe(true);
    expect(answer.toolCalls.map((c) => c.tool)).toContain('k8s_list');
    expect(events).toContain('call:k8s_list');
    expect(answer.data).toMatchObject({ ask: 'count', kind: 'pods', namespace: 'default' });
  });

  it('says plainly what it cannot parse, and names the LLM setting', async () => {
    const answer = await engine.answer({ question: 'Compose a haiku about etcd compaction' });
    expect(answer.understood).toBe(false);
    expect(answer.text).toContain('I could not work out what');
    expect(answer.text).toContain('llm.provider');
  });

  it('an object it cannot find is an honest answer, not an invented one', async () => {
    const answer = await engine.answer({ question: 'What image does the deployment unicorn-service use?' });
    expect(answer.understood).toBe(false);
    expect(answer.text).toMatch(/could not answer it: which workload\?/);
  });
});
