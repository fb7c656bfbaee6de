import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { prometheusServerFactory } from '../../mcp-servers/prometheus/index.js';
import { freePort, waitFor } from '../../tools/cluster/processes.js';
import { CLI, cleanEnv, runCli, STACK_FRAME } from '../helpers/cli.js';
import { call, connectInMemory, silentLogger, testConfig, textOf } from '../helpers/mcp.js';

const promClient = (env: Record<string, string>): Promise<Client> => connectInMemory(prometheusServerFactory(testConfig(env), silentLogger(), 'test')());

let client: Client;
beforeAll(async () => {
  client = await promClient({ K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl') });
});
afterAll(async () => client.close());

describe('prometheus MCP server on the demo cluster\'s Prometheus', () => {
  it('prom_query: an instant vector, largest first', async () => {
    const r = await call(client, 'prom_query', { query: 'sum by (namespace) (kube_pod_info)' });
    expect(r.isError).toBeFalsy();
    const series = r.structuredContent!.series as Array<{ metric: { namespace: string }; value: number }>;
    expect(series.find((s) => s.metric.namespace === 'shop')?.value).toBe(7);
    expect(series.map((s) => s.value)).toEqual([...series.map((s) => s.value)].sort((a, b) => b - a));
    expect(textOf(r)).toMatch(/^SERIES\s+VALUE/);
  });

  it('prom_query: a scalar, and a budget with a hint', async () => {
    expect((await call(client, 'prom_query', { query: '1 + 1' })).structuredContent!.scalar).toBe(2);
    const many = await call(client, 'prom_query', { query: 'up', limit: 2 });
    expect(many.structuredContent!.omitted).toBeGreaterThan(0);
    expect(textOf(many)).toMatch(/more series — aggregate .* topk\(2, …\)/);
  });

  it('prom_query_range: summaries per series and thinned points', async () => {
    await waitFor(
      'two scrapes of up',
      async () => {
        const r = await call(client, 'prom_query_range', { query: 'up{job="prometheus"}', start: 'now-5m', step: '5s' });
        return ((r.structuredContent!.series as Array<{ points: number }>)[0]?.points ?? 0) >= 2 ? true : undefined;
      },
      60_000,
      3000,
    );
    const r = await call(client, 'prom_query_range', { query: 'up{job="prometheus"}', start: 'now-5m', end: 'now', step: '5s', maxPoints: 2 });
    const [s] = r.structuredContent!.series as Array<{ min: number; max: number; values: unknown[] }>;
    expect(s).toMatchObject({ min: 1, max: 1 });
    expect(s!.values.length).toBeLessThanOrEqual(3);
    expect(textOf(r)).toMatch(/SERIES\s+POINTS\s+MIN\s+AVG\s+MAX\s+LAST/);
  });

  it('prom_series, prom_labels, prom_label_values, prom_metadata', async () => {
    const series = await call(client, 'prom_series', { match: ['kube_deployment_spec_replicas{namespace="shop"}'] });
    expect(series.structuredContent!.total).toBe(4);
    expect((await call(client, 'prom_labels', {})).structuredContent!.labels).toContain('namespace');
    const jobs = await call(client, 'prom_label_values', { label: 'job' });
    expect(jobs.structuredContent!.values).toEqual(expect.arrayContaining(['kube-state-metrics', 'kube-apiserver', 'kubelet-resource']));
    const meta = await call(client, 'prom_metadata', { metric: 'kube_pod_info' });
    expect((meta.structuredContent!.metrics as Array<{ type: string }>)[0]?.type).toBe('gauge');
  });

  it('prom_targets, prom_alerts, prom_rules', async () => {
    const targets = await call(client, 'prom_targets', { job: 'kube-state-metrics' });
    expect((targets.structuredContent!.targets as Array<{ health: string }>)[0]?.health).toBe('up');
    expect(textOf(await call(client, 'prom_alerts', {}))).toBe('No alerts are pending or firing.');
    expect(textOf(await call(client, 'prom_rules', {}))).toBe('No rules are loaded.');
  });
});

describe('prometheus MCP server: resources, prompts, completions', () => {
  it('reads scrape health, completes metric names and explains a metric', async () => {
    const targets = await client.readResource({ uri: 'prom://targets' });
    expect((targets.contents[0] as { text: string }).text).toMatch(/^\d+ targets, 0 not up/);
    const names = await client.complete({ ref: { type: 'ref/prompt', name: 'explain-metric' }, argument: { name: 'metric', value: 'kube_pod_info' } });
    expect(names.completion.values).toContain('kube_pod_info');
    const prompt = await client.getPrompt({ name: 'explain-metric', arguments: { metric: 'apiserver_request_total' } });
    expect((prompt.messages[0]!.content as { text: string }).text).toContain('rate(...[5m])');
  });
});

describe('prometheus MCP server: bad input and a Prometheus that is not there', () => {
  it.each([
    ['malformed PromQL', 'prom_query', { query: 'sum(rate(http_requests_total[5m]' }, /rejected the request \(bad_data\).*Fix: check the PromQL/s],
    ['unknown function', 'prom_query', { query: 'frobnicate(up)' }, /bad_data.*unknown function/s],
    ['bad time', 'prom_query', { query: 'up', time: 'yesterday-ish' }, /"yesterday-ish" is not a time/],
    ['too many points', 'prom_query_range', { query: 'up', start: 'now-30d', step: '1s' }, /more than Prometheus allows.*bigger step/s],
    ['end before start', 'prom_query_range', { query: 'up', start: 'now', end: 'now-1h' }, /is not after start/],
    ['bad label name', 'prom_label_values', { label: 'job"}' }, /label name/],
    ['negative limit', 'prom_query', { query: 'up', limit: -5 }, /limit|too small/i],
  ])('%s', async (_label, tool, args, expected) => {
    const r = await call(client, tool, args);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(expected);
    expect((await call(client, 'prom_query', { query: 'vector(1)' })).isError).toBeFalsy();
  });

  it('an unreachable Prometheus is a clear error, not a crash', async () => {
    const down = await promClient({ K8S_EXPERTS_PROMETHEUS_URL: `http://127.0.0.1:${await freePort()}` });
    const r = await call(down, 'prom_query', { query: 'up' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/did not answer: ECONNREFUSED/);
    await down.close();
  });

  it('the CLI refuses to start with no Prometheus configured and no demo cluster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-prom-'));
    const r = await runCli(['mcp', 'prometheus'], cleanEnv({ HOME: dir, K8S_EXPERTS_CLUSTER_DIR: join(dir, 'none') }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no Prometheus is configured');
    expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('over stdio, the real bin finds the demo cluster\'s Prometheus by itself', async () => {
    const stdio = new Client({ name: 'stdio', version: '1' });
    await stdio.connect(
      new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'mcp', 'prometheus'],
        env: cleanEnv({ HOME: mkdtempSync(join(tmpdir(), 'k8sx-prom-')), K8S_EXPERTS_CLUSTER_DIR: inject('clusterDir') }),
      }),
    );
    const r = await call(stdio, 'prom_query', { query: 'count(up == 1)' });
    expect(Number(r.structuredContent!.total)).toBe(1);
    await stdio.close();
  });
});
