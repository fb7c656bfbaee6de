import { mkdtempSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createQueryApp } from '../../agents/router/query.js';
import { createLogger } from '../../shared/logger.js';
import { createEmbeddedEngine } from '../../shared/reasoning/embedded/engine.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { kubernetesClient } from '../helpers/mcp.js';

let client: Client;
let server: Server;
let url: string;
const logFile = join(mkdtempSync(join(tmpdir(), 'k8sx-query-')), 'agent.log');

beforeAll(async () => {
  client = await kubernetesClient(inject('kubeconfig'));
  const app = createQueryApp({ engine: createEmbeddedEngine({ tools: mcpToolBox(client) }), logger: createLogger({ level: 'info', console: 'none', file: logFile }) });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/query`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await client.close();
});

const post = async (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as Record<string, string> };
};
const ask = async (query: string) => (await post(JSON.stringify({ query }))).json;

describe('POST /query (the query-copilot contract) on the demo cluster', () => {
  it('how many pods in a namespace, the status of a named pod, how many nodes: the bare value', async () => {
    expect(await ask('How many pods are in the default namespace?')).toEqual({ query: 'How many pods are in the default namespace?', answer: '2' });
    expect((await ask('What is the status of the pod named redis?')).answer).toBe('Running');
    expect((await ask('How many nodes are there in the cluster?')).answer).toBe('3');
  });

  it('which pod a deployment spawns: the name without generated suffixes', async () => {
    const answer = (await ask('Which pod is spawned by the deployment payments-api?')).answer;
    expect(answer).toBe('payments-api');
  });

  it("a pod's logs, as kubectl prints them", async () => {
    const want = (await kubectl(inject('kubectl'), inject('kubeconfig'), ['logs', '-n', 'default', 'deploy/hello', '--tail=100'])).stdout.trim();
    expect((await ask('Get logs for pod hello.')).answer).toBe(want);
  });

  it('a malformed body is a 400 whose error names the field and shows a correct body', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{}', /field "query" is required/],
      ['{"query": 42}', /field "query" must be a string/],
      ['{"query": "   "}', /field "query" is empty/],
      ['{"query": "how many', /not valid JSON/],
      ['[1, 2]', /must be a JSON object/],
      [JSON.stringify({ query: 'x'.repeat(2_001) }), /longer than 2000 characters/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect(r.json.error).toMatch(message);
      expect(r.json.error).toContain('{"query": "How many pods are in the default namespace?"}');
    }
    expect((await post('{"query": "How many nodes are there?"}', { 'content-type': 'text/plain' })).json.answer).toBe('3');
    const get = await fetch(url);
    expect(get.status).toBe(405);
    expect((await ask('How many nodes are there?')).answer).toBe('3');
  });

  it('a question it cannot answer gets an honest answer naming the LLM setting', async () => {
    expect((await ask('Write me a poem about pods')).answer).toMatch(/could not work out .*llm\.provider/);
  });

  it('logs every query, tool call and answer to agent.log', async () => {
    await ask('How many services are there in the payments namespace?');
    const lines = readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { msg: string; query?: string; tool?: string; answer?: string });
    const mine = lines.filter((l) => l.query === 'How many services are there in the payments namespace?');
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['query received', 'tool call', 'tool result', 'query answered']));
    expect(mine.find((l) => l.msg === 'tool call')?.tool).toBe('k8s_list');
    expect(mine.find((l) => l.msg === 'query answered')?.answer).toBe('2');
  });

  it('refuses a Host header it does not serve (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' } }, (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.end('{"query":"How many nodes?"}');
    });
    expect(status).toBe(403);
  });
});
