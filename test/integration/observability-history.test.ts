/**
 * Forecasts and anomalies over planted history: a private Prometheus (Debian's binaries) holds
 * 6 h of a container's memory growing toward its limit and 3 days of CPU with a daily peak and
 * one spike; the prometheus MCP server reads it and the observability agent answers over A2A.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client as A2AClient } from '@a2a-js/sdk/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { detectAnomalies, type Point } from '../../agents/observability/anomaly.js';
import { createObservabilityAgent } from '../../agents/observability/index.js';
import type { ContainerForecast } from '../../agents/observability/forecast-run.js';
import type { FoundAnomaly } from '../../agents/observability/anomalies-run.js';
import type { RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { prometheusServerFactory } from '../../mcp-servers/prometheus/index.js';
import { askCompleted, serveForTest } from '../helpers/a2a.js';
import { connectInMemory, kubernetesClient, silentLogger, testConfig } from '../helpers/mcp.js';
import { type HistoryPrometheus, startHistoryPrometheus, type SyntheticSeries } from '../helpers/prometheus-history.js';

const MiB = 1024 * 1024;
const HOUR = 3600;
const DAY = 86_400;
const STEP = 30;
const NOW = Math.floor(Date.now() / 1000);
/**
 * The last planted sample: 15 min ahead, as if the series kept being scraped while the test
 * runs (data that stopped just before "now" would make the newest rate() sag, a real dip).
 */
const END = NOW + 15 * 60;
const SPIKE_START = NOW - 90 * 60;
const SPIKE_END = SPIKE_START + 10 * 60;
/** Today's daily CPU peak is 3 h before the end: inside the 6 h window the question looks at. */
const PEAK_TIME_OF_DAY = (NOW - 3 * HOUR) % DAY;
/** cart's memory: 200 → 400 MiB over the 6 h up to now, limit 512 MiB: 112 MiB left at 33.3 MiB/h ≈ 3.36 h. */
const HOURS_TO_LIMIT = 112 / (200 / 6);

function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  };
}
const times = (from: number, to: number) => Array.from({ length: Math.floor((to - from) / STEP) + 1 }, (_, i) => from + i * STEP);

function dailyCpu(t: number): number {
  const d = (((t % DAY) - PEAK_TIME_OF_DAY) % DAY + DAY) % DAY;
  const dist = Math.min(d, DAY - d);
  return 0.1 + 0.5 * Math.exp(-((dist / (30 * 60)) ** 2));
}

/** A CPU counter whose rate is `rate(t)`. */
function counter(rate: (t: number) => number, from: number): Array<[number, number]> {
  let total = 1000;
  return times(from, END).map((t) => {
    total += rate(t) * STEP;
    return [t, Number(total.toFixed(3))];
  });
}

function planted(): SyntheticSeries[] {
  const rnd = noise(42);
  const cart = { namespace: 'histshop', pod: 'cart-7d9f8b6c5-x2x4k' };
  const api = { namespace: 'histpay', pod: 'payments-api-5d8f7c9b6-abcde', container: 'api' };
  const worker = { namespace: 'histpay', pod: 'payments-worker-6c4d8b7f9-fghij', container: 'worker' };
  const sixHours = times(NOW - 6 * HOUR, END);
  const threeDays = NOW - 3 * DAY;
  return [
    { name: 'container_memory_working_set_bytes', labels: { ...cart, container: 'cart' }, points: sixHours.map((t) => [t, Math.round((200 + (200 * (t - (NOW - 6 * HOUR))) / (6 * HOUR) + 3 * rnd()) * MiB)]) },
    { name: 'container_memory_working_set_bytes', labels: { ...cart, container: 'sidecar' }, points: sixHours.map((t) => [t, Math.round((20 + 0.5 * rnd()) * MiB)]) },
    { name: 'container_memory_working_set_bytes', labels: api, points: times(threeDays, END).map((t) => [t, Math.round((150 + rnd()) * MiB)]) },
    { name: 'container_memory_working_set_bytes', labels: worker, points: times(threeDays, END).map((t) => [t, Math.round((90 + rnd()) * MiB)]) },
    { name: 'kube_pod_container_resource_limits', labels: { ...cart, container: 'cart', resource: 'memory', unit: 'byte' }, points: sixHours.map((t) => [t, 512 * MiB]) },
    { name: 'kube_pod_container_resource_limits', labels: { ...cart, container: 'sidecar', resource: 'memory', unit: 'byte' }, points: sixHours.map((t) => [t, 64 * MiB]) },
    { name: 'container_cpu_usage_seconds_total', labels: api, points: counter((t) => dailyCpu(t) + 0.01 * rnd() + (t > SPIKE_START && t <= SPIKE_END ? 0.8 : 0), threeDays) },
    // A real demo pod's name with planted memory and no kube-state-metrics limit: the limit must come from its pod spec.
    { name: 'container_memory_working_set_bytes', labels: { namespace: 'shop', pod: 'postgres-0', container: 'postgres' }, points: sixHours.map((t) => [t, Math.round((300 + rnd()) * MiB)]) },
    { name: 'container_cpu_usage_seconds_total', labels: worker, points: counter((t) => dailyCpu(t) * 0.5 + 0.005 * rnd(), threeDays) },
  ];
}

const logger = createLogger({ level: 'silent' });
let history: HistoryPrometheus;
let prom: Client;
let agent: RunningAgent;
let client: A2AClient;

beforeAll(async () => {
  history = await startHistoryPrometheus(planted());
  prom = await connectInMemory(prometheusServerFactory(testConfig({ K8S_EXPERTS_PROMETHEUS_URL: history.url }), silentLogger(), 'test')());
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-obs-hist-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  // No kubernetes server: the planted pods exist only in Prometheus, and names resolve from there.
  ({ agent, client } = await serveForTest(createObservabilityAgent({ config, logger, mcp: { prometheus: prom } }), config, logger));
}, 120_000);

afterAll(async () => {
  await agent?.close();
  await prom?.close();
  await history?.stop();
});

describe('observability forecasts and anomalies over planted Prometheus history', () => {
  it('forecast: names the growing container and an hour count within the band the data implies', async () => {
    const { text, data } = await askCompleted(client, 'When will pod cart-7d9f8b6c5-x2x4k run out of memory?');
    expect(data.skill).toBe('forecast');
    const forecasts = data.forecasts as ContainerForecast[];
    expect(forecasts.map((f) => [f.pod, f.container, f.status])).toEqual([
      ['cart-7d9f8b6c5-x2x4k', 'cart', 'rising'],
      ['cart-7d9f8b6c5-x2x4k', 'sidecar', 'not-rising'],
    ]);
    const cart = forecasts[0]!;
    expect(cart.limit).toBe(512 * MiB);
    expect(cart.limitSource).toBe('kube-state-metrics');
    expect(cart.hours!).toBeGreaterThan(HOURS_TO_LIMIT - 0.3);
    expect(cart.hours!).toBeLessThan(HOURS_TO_LIMIT + 0.3);
    expect(cart.earliestHours!).toBeLessThanOrEqual(cart.hours!);
    expect(cart.latestHours!).toBeGreaterThanOrEqual(cart.hours!);
    expect(cart.slopePerHour! / MiB).toBeCloseTo(200 / 6, 0);
    expect(text).toMatch(/histshop\/cart-7d9f8b6c5-x2x4k container cart \(now \d+\.\d MiB\): reaches its limit 512\.0 MiB in about 3\.\d hours \(between 3\.\d hours and 3\.\d hours;/);
    expect(text).toContain('PromQL: max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="histshop",pod="cart-7d9f8b6c5-x2x4k",container!="",container!="POD"})');
    expect(text).toContain('PromQL: max by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="histshop",pod="cart-7d9f8b6c5-x2x4k",resource="memory"})');
  });

  it('forecast by workload name: the Deployment its pod names imply', async () => {
    const { data } = await askCompleted(client, 'Will the memory of cart reach its limit?');
    expect(data.skill).toBe('forecast');
    expect(data.scope).toEqual({ kind: 'workload', namespace: 'histshop', workload: 'cart', workloadKind: 'Deployment' });
    expect((data.forecasts as ContainerForecast[])[0]).toMatchObject({ container: 'cart', status: 'rising' });
  });

  it('anomalies: finds the planted CPU spike, not the daily peak in the same window', async () => {
    const { text, data } = await askCompleted(client, 'Is anything unusual in namespace histpay?');
    expect(data.skill).toBe('anomalies');
    const found = data.anomalies as FoundAnomaly[];
    expect(found.map((a) => [a.pod, a.metric])).toEqual([['payments-api-5d8f7c9b6-abcde', 'cpu']]);
    const spike = found[0]!;
    // rate(...[5m]) trails the counter by up to 5 minutes.
    expect(spike.time).toBeGreaterThanOrEqual(SPIKE_START);
    expect(spike.time).toBeLessThanOrEqual(SPIKE_END + 6 * 60);
    expect(spike.basis).toBe('same-time-previous-days');
    expect(spike.value).toBeGreaterThan(0.6);
    const checked = data.checked as Array<{ pod: string; metric: string; seasonal?: boolean }>;
    expect(checked).toHaveLength(4);
    expect(checked.every((c) => c.seasonal)).toBe(true);
    expect(text).toMatch(/^1 unusual episode in namespace histpay over the last 6 h \(4 series of 2 pods checked\):/);
    expect(text).toMatch(/- CPU of histpay\/payments-api-5d8f7c9b6-abcde 0\.\d+ cores at \d\d:\d\d is \d+\.\d MADs above the median 0\.\d+ cores at this time on previous days; the same time yesterday it was 0\.\d+ cores/);
    expect(text).toContain('PromQL: sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{namespace="histpay",container!="",container!="POD"}[5m]))');
  });

  it('without the two earlier days the daily peak would look unusual: seasonality is what keeps it quiet', async () => {
    const query = 'sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{pod="payments-worker-6c4d8b7f9-fghij"}[5m]))';
    const r = await prom.callTool({ name: 'prom_query_range', arguments: { query, start: String(NOW - 6 * HOUR), end: String(NOW), step: 90, maxPoints: 500 } });
    const [series] = (r.structuredContent as { series: Array<{ values: Point[] }> }).series;
    const alone = detectAnomalies(series!.values);
    if (alone.status !== 'ok') throw new Error(alone.reason);
    expect(alone.seasonal).toBe(false);
    expect(alone.anomalies.some((a) => Math.abs(a.time - (NOW - 3 * HOUR)) < HOUR)).toBe(true);
    // The agent, which reads the same hours 1 and 2 days earlier too, reports nothing for the worker.
    const { data } = await askCompleted(client, 'Any anomalies in the CPU of payments-worker?');
    expect(data.skill).toBe('anomalies');
    expect(data.anomalies).toEqual([]);
    expect(data.checked).toMatchObject([{ pod: 'payments-worker-6c4d8b7f9-fghij', metric: 'cpu', status: 'ok', seasonal: true }]);
  });

  it('a question naming nothing it can look at asks which pod', async () => {
    const { text, data } = await askCompleted(client, 'When will it run out of memory?');
    expect(data).toMatchObject({ skill: 'forecast', error: 'no pod, workload or namespace named' });
    expect(text).toMatch(/^Which pod should I forecast\?/);
  });
});

describe('on the demo cluster\'s own Prometheus and kubernetes servers (however short its history)', () => {
  let demoProm: Client;
  let kube: Client;
  let demo: RunningAgent;
  let demoClient: A2AClient;
  beforeAll(async () => {
    demoProm = await connectInMemory(prometheusServerFactory(testConfig({ K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl') }), silentLogger(), 'test')());
    kube = await kubernetesClient(inject('kubeconfig'));
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-obs-hist-demo-'));
    const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
    ({ agent: demo, client: demoClient } = await serveForTest(createObservabilityAgent({ config, logger, mcp: { prometheus: demoProm, kubernetes: kube } }), config, logger));
  });
  afterAll(async () => {
    await demo?.close();
    await demoProm?.close();
    await kube?.close();
  });

  it('forecast for postgres-0: its container, its real limit from kube-state-metrics, and a verdict or an honest "not enough data"', async () => {
    const { text, data } = await askCompleted(demoClient, 'When will pod postgres-0 run out of memory?');
    expect(data.scope).toEqual({ kind: 'pod', namespace: 'shop', pod: 'postgres-0' });
    const forecasts = data.forecasts as ContainerForecast[];
    expect(forecasts.map((f) => f.container)).toContain('postgres');
    for (const f of forecasts) {
      expect(f.pod).toBe('postgres-0');
      expect(f.now).toBeGreaterThan(0);
      if (f.limit !== null) expect(f.limitSource).toBe('kube-state-metrics');
      if (f.status === 'not-enough-data') expect(f.text).toMatch(/^not enough data \(need ≥ 10 points over ≥ 30 minutes; have \d+ over \d+ minutes\)$/);
    }
    expect(text).toContain('PromQL: max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="shop",pod="postgres-0",container!="",container!="POD"})');
  });

  it('no kube-state-metrics limit in Prometheus: the limit comes from the pod spec (k8s_get)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-obs-hist-mixed-'));
    const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
    // The private Prometheus (planted history) with the demo cluster's kubernetes server.
    const mixed = await serveForTest(createObservabilityAgent({ config, logger, mcp: { prometheus: prom, kubernetes: kube } }), config, logger);
    try {
      const { data } = await askCompleted(mixed.client, 'When will pod postgres-0 run out of memory?');
      const [f] = data.forecasts as ContainerForecast[];
      // The demo cluster's kube-state-metrics says what the spec's limit is.
      const ksm = await demoProm.callTool({ name: 'prom_query', arguments: { query: 'kube_pod_container_resource_limits{namespace="shop",pod="postgres-0",container="postgres",resource="memory"}' } });
      const limit = (ksm.structuredContent as { series: Array<{ value: number }> }).series[0]!.value;
      expect(f).toMatchObject({ namespace: 'shop', pod: 'postgres-0', container: 'postgres', limitSource: 'pod spec', limit, status: 'not-rising' });
    } finally {
      await mixed.agent.close();
    }
  });

  it('anomalies in namespace shop: every demo pod checked; never "nothing unusual" about series it could not judge', async () => {
    const { text, data } = await askCompleted(demoClient, 'Is anything unusual in namespace shop?');
    const checked = data.checked as Array<{ pod: string; metric: string; status: string; points: number }>;
    expect(checked.some((c) => c.pod === 'postgres-0' && c.metric === 'cpu')).toBe(true);
    expect(checked.some((c) => c.pod === 'postgres-0' && c.metric === 'memory')).toBe(true);
    for (const c of checked) expect(c.status).toBe(c.points < 12 ? 'not-enough-data' : 'ok');
    if (checked.every((c) => c.status === 'not-enough-data')) expect(text).toMatch(/^I cannot tell yet: Prometheus has too little history for namespace shop/);
    else expect(text).toMatch(/^(Nothing unusual|\d+ unusual episodes?) in namespace shop over the last 6 h \(\d+ series of \d+ pods? checked\)/);
  });
});
