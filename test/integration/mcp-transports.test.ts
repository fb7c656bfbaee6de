import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLI, cleanEnv, startHttpServer } from '../helpers/cli.js';
import { call, textOf } from '../helpers/mcp.js';

const home = () => mkdtempSync(join(tmpdir(), 'k8sx-mcp-'));

describe('kubernetes MCP server over stdio (the real bin, as Claude Desktop runs it)', () => {
  let client: Client;
  let stderr = '';
  beforeAll(async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'mcp', 'kubernetes'],
      env: cleanEnv({ HOME: home(), KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_LOG_LEVEL: 'debug' }),
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    client = new Client({ name: 'stdio-test', version: '1' });
    await client.connect(transport);
  });
  afterAll(async () => client.close());

  it('initializes, lists tools and answers', async () => {
    expect(client.getServerVersion()?.name).toBe('k8s-experts-kubernetes');
    expect((await client.listTools()).tools.length).toBeGreaterThanOrEqual(9);
    const r = await call(client, 'k8s_list', { kind: 'nodes' });
    expect(r.structuredContent!.count).toBe(3);
  });

  it('keeps serving after bad input', async () => {
    const bad = await call(client, 'k8s_get', { kind: 'pods', name: 'a;rm -rf /', namespace: 'shop' });
    expect(bad.isError).toBe(true);
    const good = await call(client, 'k8s_namespaces', {});
    expect(good.isError).toBeFalsy();
  });

  it('writes nothing but protocol to stdout (logs go to stderr)', async () => {
    // The client would have failed to parse any stray stdout line; the log lines are on stderr.
    expect(stderr).not.toMatch(/^\{"jsonrpc"/m);
  });
});

describe('kubernetes MCP server over Streamable HTTP', () => {
  let proc: ChildProcess;
  let url: string;
  const token = 'test-token-0123456789abcdef';

  beforeAll(async () => {
    ({ proc, url } = await startHttpServer('kubernetes', { HOME: home(), KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_MCP_TOKEN: token }));
  });
  afterAll(() => {
    proc.kill('SIGTERM');
  });

  const connect = async (headers: Record<string, string>) => {
    const client = new Client({ name: 'http-test', version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
    return client;
  };

  it('binds to loopback', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
  });

  it('serves a session with the bearer token', async () => {
    const client = await connect({ Authorization: `Bearer ${token}` });
    const r = await call(client, 'k8s_describe', { kind: 'deploy', name: 'frontend', namespace: 'shop' });
    expect(textOf(r)).toContain('successfully rolled out');
    const bad = await call(client, 'k8s_list', { kind: 'pods', limit: 0 });
    expect(bad.isError).toBe(true);
    expect((await call(client, 'k8s_list', { kind: 'nodes' })).structuredContent!.count).toBe(3);
    await client.close();
  });

  it('refuses a request without the token', async () => {
    await expect(connect({})).rejects.toThrow(/401|Unauthorized/);
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(url, { method: 'POST', headers: { Host: 'evil.example.com', 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }));
    });
    expect(status).toBe(403);
  });

  it('answers a request for an unknown session with a JSON-RPC error', async () => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: `Bearer ${token}`, 'Mcp-Session-Id': 'nope' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('Session not found');
  });
});
