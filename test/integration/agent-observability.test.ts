import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState } from '@a2a-js/sdk';
import { type Client as A2AClient } from '@a2a-js/sdk/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { askCompleted, sendRequest, serveForTest } from '../helpers/a2a.js';
import { createObservabilityAgent } from '../../agents/observability/index.js';
import { messageText } from '../../shared/a2a/parts.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { prometheusServerFactory } from '../../mcp-servers/prometheus/index.js';
import { waitFor } from '../../tools/cluster/processes.js';
import { call, connectInMemory, kubernetesClient, silentLogger, testConfig } from '../helpers/mcp.js';

const logger = createLogger({ level: 'silent' });
let prom: Client;
let kube: Client;
let agent: RunningAgent;
let client: A2AClient;

beforeAll(async () => {
  prom = await connectInMemory(prometheusServerFactory(testConfig({ K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl') }), silentLogger(), 'test')());
  kube = await kubernetesClient(inject('kubeconfig'));
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-obs-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  const def = createObservabilityAgent({ config, logger, mcp: { prometheus: prom, kubernetes: kube } });
  expect(def.mcpServers).toEqual(['prometheus', 'kubernetes']);
  ({ agent, client } = await serveForTest(def, config, logger));
  // Right after `cluster up` a rate() has fewer than two samples: wait (bounded) until Prometheus has them.
  // Every demo node (3) must have its rate, not just the first one scraped twice.
  for (const [query, series] of [['rate(container_cpu_usage_seconds_total{namespace="shop"}[5m])', 1], ['rate(node_cpu_usage_seconds_total[5m])', 3]] as const) {
    await waitFor(`Prometheus to have two samples for ${query}`, async () => ((((await call(prom, 'prom_query', { query })).structuredContent?.series as unknown[] | undefined) ?? []).length >= series ? true : undefined), 120_000, 2_000);
  }
});

afterAll(async () => {
  await agent?.close();
  await prom?.close();
  await kube?.close();
});

const ask = (text: string, data?: unknown) => askCompleted(client, text, data);

interface Query {
  promql: string;
  unit: string;
  results: Array<{ name: string; value: number; formatted: string; labels: Record<string, string> }>;
}

describe('observability agent over A2A on the demo cluster', () => {
  it('serves its card with the skills of cards/observability.json', async () => {
    const card = await client.getAgentCard();
    expect(card.skills.map((s) => s.id)).toEqual(['metrics-query', 'targets-and-alerts', 'forecast', 'anomalies', 'watch']);
  });

  it('CPU of namespace shop: a number in cores and the PromQL it ran', async () => {
    const { text, data } = await ask('What is the CPU usage of namespace shop?');
    expect(data.skill).toBe('metrics-query');
    const [q] = data.queries as Query[];
    expect(q!.promql).toBe('sum(rate(container_cpu_usage_seconds_total{namespace="shop",container!=""}[5m]))');
    expect(q!.unit).toBe('cores');
    expect(q!.results).toHaveLength(1);
    expect(q!.results[0]!.value).toBeGreaterThan(0);
    // The same number Prometheus gives for the query, straight from the MCP tool.
    const direct = await call(prom, 'prom_query', { query: q!.promql });
    const directValue = (direct.structuredContent!.series as Array<{ value: number }>)[0]!.value;
    expect(q!.results[0]!.value).toBeCloseTo(directValue, 1);
    expect(text).toMatch(/CPU usage of namespace shop: \d+\.\d{3} cores \(\d+m\)/);
    expect(text).toContain(`PromQL: ${q!.promql}`);
  });

  it('top memory pods: real demo pods, heaviest first, in MiB', async () => {
    const { text, data } = await ask('Which pods use the most memory?');
    const [q] = data.queries as Query[];
    expect(q!.promql).toBe('topk(5, sum by (namespace, pod) (container_memory_working_set_bytes{container!=""}))');
    const values = q!.results.map((r) => r.value);
    expect(values.length).toBeGreaterThanOrEqual(3);
    expect(values).toEqual([...values].sort((a, b) => b - a));
    // The pods are the cluster's own.
    const listed = await call(kube, 'k8s_list', { kind: 'pods', view: 'rows', limit: 1000 });
    const podNames = new Set((listed.structuredContent!.items as Array<{ name: string }>).map((p) => p.name));
    for (const r of q!.results) expect(podNames.has(r.labels.pod!), r.labels.pod).toBe(true);
    // The text lists them in that order, with units.
    const first = q!.results[0]!;
    const second = q!.results[1]!;
    expect(text.indexOf(first.name)).toBeLessThan(text.indexOf(second.name));
    expect(text).toMatch(/1\. \S+\/\S+: \d+\.\d MiB/);
    expect(text).toContain('PromQL: topk(5');
  });

  it('the memory of one pod, named by its workload (postgres → postgres-0)', async () => {
    const { text, data } = await ask('How much memory does the postgres pod use?');
    const [q] = data.queries as Query[];
    expect(q!.promql).toContain('pod=~"postgres-[0-9]+"');
    expect(q!.results.map((r) => r.labels.pod)).toEqual(['postgres-0']);
    expect(text).toMatch(/shop\/postgres-0: \d+\.\d MiB/);
  });

  it('node CPU from the kubelet node metrics', async () => {
    const { text, data } = await ask('What is the CPU usage of node worker-1?');
    const [q] = data.queries as Query[];
    expect(q!.promql).toBe('sum by (node) (rate(node_cpu_usage_seconds_total{node="worker-1"}[5m]))');
    expect(q!.results.map((r) => r.labels.node)).toEqual(['worker-1']);
    expect(text).toMatch(/node worker-1: \d+\.\d{3} cores/);
  });

  it('targets: all up, or names the ones that are down with the error', async () => {
    const { text, data } = await ask('Are all Prometheus targets up?');
    expect(data.skill).toBe('targets-and-alerts');
    const direct = (await call(prom, 'prom_targets', {})).structuredContent!.targets as Array<{ job: string; health: string }>;
    const down = direct.filter((t) => t.health !== 'up');
    expect(data.up).toBe(direct.length - down.length);
    if (down.length === 0) expect(text).toMatch(new RegExp(`All ${direct.length} scrape targets of Prometheus are up`));
    else for (const t of down) expect(text).toContain(t.job);
    expect(text).toContain('kube-state-metrics');
    expect(data.alerts).toBeUndefined();
  });

  it('a named job: is kube-state-metrics being scraped?', async () => {
    const { text, data } = await ask('Is kube-state-metrics being scraped?');
    expect(data.job).toBe('kube-state-metrics');
    expect((data.targets as unknown[]).length).toBe(1);
    expect(text).toMatch(/job kube-state-metrics/);
  });

  it('alerts: answers honestly from prom_alerts', async () => {
    const { text, data } = await ask('Which alerts are firing?');
    const direct = (await call(prom, 'prom_alerts', {})).structuredContent!.alerts as unknown[];
    expect((data.alerts as unknown[]).length).toBe(direct.length);
    if (direct.length === 0) expect(text).toBe('No alerts are firing or pending.');
    else expect(text).toMatch(/firing, \d+ pending/);
  });

  it('a data part { skill } picks the skill over the text', async () => {
    const { data } = await ask('shop memory please', { skill: 'targets-and-alerts' });
    expect(data.skill).toBe('targets-and-alerts');
    const { data: metrics } = await ask('status of prometheus', { skill: 'metrics-query' });
    expect(metrics.skill).toBe('metrics-query');
  });

  it('a question beyond its rules gets an honest answer naming llm.provider', async () => {
    const { text, data } = await ask('Write me a poem about the sea');
    expect(data).toMatchObject({ skill: null, understood: false, llmProvider: 'none' });
    expect(text).toMatch(/llm\.provider is none/);
    expect(text).toMatch(/metrics-query/);
  });

  it('streams progress (the PromQL being run) before the answer', async () => {
    const seen: string[] = [];
    const progress: string[] = [];
    for await (const event of client.sendMessageStream(sendRequest('Memory usage of namespace payments'))) {
      const p = event.payload;
      if (p?.$case === 'task') seen.push('task');
      if (p?.$case === 'statusUpdate') {
        seen.push(TaskState[p.value.status?.state ?? 0] ?? '?');
        const t = messageText(p.value.status?.message);
        if (t) progress.push(t);
      }
      if (p?.$case === 'artifactUpdate') seen.push('artifact');
    }
    expect(seen[0]).toBe('task');
    expect(seen.at(-2)).toBe('artifact');
    expect(seen.at(-1)).toBe('TASK_STATE_COMPLETED');
    expect(progress).toContain('Running PromQL: sum(container_memory_working_set_bytes{namespace="payments",container!=""})');
  });
});
