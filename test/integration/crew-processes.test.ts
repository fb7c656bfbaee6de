import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Task } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { taskResult } from '../../shared/a2a/parts.js';
import { sendRequest } from '../helpers/a2a.js';
import { CLI, cleanEnv, freePort, spawnListening } from '../helpers/cli.js';

/**
 * The compose topology without Docker: the kubernetes MCP server, the ops agent and the router,
 * each `k8s-experts` process on its own, finding each other by the configured ports; then Claude
 * Desktop's way in, `k8s-experts mcp crew` over stdio. The other specialists are not started:
 * the router must route around them.
 */
const procs: ChildProcess[] = [];
let dir: string;
let env: Record<string, string>;
let ports: Record<string, number>;

async function run(args: string[]): Promise<void> {
  const { proc } = await spawnListening([CLI, '--config', join(dir, 'k8s-experts.yaml'), ...args], env, 60_000);
  procs.push(proc);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8sx-procs-'));
  const names = ['kubernetes', 'helm', 'prometheus', 'crew', 'router', 'ops', 'observability', 'security', 'dev', 'admin', 'guardian', 'query'];
  ports = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
  writeFileSync(
    join(dir, 'k8s-experts.yaml'),
    JSON.stringify({
      mcp: { ports: { kubernetes: ports.kubernetes, helm: ports.helm, prometheus: ports.prometheus, crew: ports.crew } },
      a2a: { ports: Object.fromEntries(['router', 'ops', 'observability', 'security', 'dev', 'admin', 'guardian', 'query'].map((n) => [n, ports[n]])), peerTimeoutMs: 30_000 },
      dataDir: join(dir, 'state'),
      log: { level: 'warn' },
    }),
  );
  env = cleanEnv({ HOME: dir, KUBECONFIG: inject('kubeconfig') });
  await run(['mcp', 'kubernetes', '--http']);
  await run(['agent', 'ops']);
  await run(['agent', 'router']);
}, 120_000);

afterAll(() => {
  for (const p of procs) p.kill('SIGTERM');
});

describe('each part of the crew as its own process (the compose topology)', () => {
  it('the router, in its own process, reaches ops in another, which reaches the MCP server in a third', async () => {
    const client = await new ClientFactory().createFromUrl(`http://127.0.0.1:${ports.router}`);
    const task = (await client.sendMessage(sendRequest('How many pods are in the default namespace?'))) as Task;
    expect(taskResult(task)?.text).toBe('2\n\n— answered by ops');
    const query = await fetch(`http://127.0.0.1:${ports.query}/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: 'What is the status of the pod named redis?' }) });
    expect(await query.json()).toEqual({ query: 'What is the status of the pod named redis?', answer: 'Running' });
  });

  it('a question for a specialist that is not running gets an honest partial answer', async () => {
    const client = await new ClientFactory().createFromUrl(`http://127.0.0.1:${ports.router}`);
    const task = (await client.sendMessage(sendRequest('Which alerts are firing?'))) as Task;
    const text = taskResult(task)?.text ?? '';
    expect(text).toMatch(/^Partial answer: observability did not answer \(unreachable/);
    expect(text).not.toContain('answered by observability');
  });

  it('mcp crew over stdio: Claude Desktop lists the crew and asks it', async () => {
    const mcp = new Client({ name: 'claude-desktop-like', version: '1' });
    await mcp.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, '--config', join(dir, 'k8s-experts.yaml'), 'mcp', 'crew'], env, stderr: 'ignore' }));
    try {
      const list = await mcp.callTool({ name: 'list_agents', arguments: {} });
      const agents = (list.structuredContent as { agents: Array<{ agent: string; up: boolean }> }).agents;
      expect(agents.find((a) => a.agent === 'ops')?.up).toBe(true);
      expect(agents.find((a) => a.agent === 'security')?.up).toBe(false);
      const answer = await mcp.callTool({ name: 'ask', arguments: { question: 'How many nodes are there in the cluster?' } });
      expect(answer.structuredContent).toMatchObject({ answer: '3\n\n— answered by ops', agents: ['ops'] });
    } finally {
      await mcp.close();
    }
  });
});
