/**
 * The change collector and the watch loop on the demo cluster, through real MCP servers: a
 * Deployment rolled out to a new image is seen as a rollout and ranked first near an anomaly
 * time just after it; the watch reports a broken scenario once, nothing new on the next tick,
 * and resolves it once the problem is deleted — each as a JSON log line.
 */
import { Writable } from 'node:stream';
import { join } from 'node:path';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import pino from 'pino';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClientFactory } from '@a2a-js/sdk/client';
import { startCrew } from '../../cli/crew.js';
import { SPECIALIST_FACTORIES } from '../../cli/specialists.js';
import { loadConfig } from '../../shared/config.js';
import { activeWatch, renderWatchReport } from '../../shared/watch/index.js';
import type { FoundAnomaly } from '../../agents/observability/anomalies-run.js';
import type { Correlation } from '../../agents/observability/changes.js';
import { correlate } from '../../agents/observability/changes.js';
import { createObservabilityAgent } from '../../agents/observability/index.js';
import { collectChanges } from '../../agents/observability/changes-collect.js';
import { prometheusServerFactory } from '../../mcp-servers/prometheus/index.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import { createWatch } from '../../shared/watch/loop.js';
import { WATCH_KUBERNETES_TOOLS, WATCH_PROMETHEUS_TOOLS } from '../../shared/watch/start.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { createLogger } from '../../shared/logger.js';
import { askCompleted, serveForTest } from '../helpers/a2a.js';
import { startHistoryPrometheus } from '../helpers/prometheus-history.js';
import { connectInMemory, kubernetesClient, silentLogger, testConfig } from '../helpers/mcp.js';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'tools', 'cluster', 'scenarios');
const CHANGES_NS = 'obswatch-changes';
const WATCH_NS = 'obswatch-pvc';
const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: { name: cart }
spec:
  replicas: 1
  selector: { matchLabels: { app: cart } }
  template:
    metadata: { labels: { app: cart } }
    spec:
      containers: [{ name: app, image: 'nginx:1.27.2' }]
`;

let kube: McpClient;
let prom: McpClient;
/** The rolled-out pod and when revision 2 rolled out (unix seconds), for the anomalies skill's test. */
let rolled: { pod: string; time: number } | undefined;

beforeAll(async () => {
  await k(['delete', 'namespace', CHANGES_NS, WATCH_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  await k(['create', 'namespace', CHANGES_NS]);
  await k(['create', 'namespace', WATCH_NS]);
  kube = await kubernetesClient(inject('kubeconfig'));
  prom = await connectInMemory(prometheusServerFactory(testConfig({ K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl') }), silentLogger(), 'test')());
}, 180_000);

afterAll(async () => {
  await kube?.close();
  await prom?.close();
  await k(['delete', 'namespace', CHANGES_NS, WATCH_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}, 180_000);

describe('recent changes on the demo cluster', () => {
  it('sees a rollout of a new image and ranks it first near an anomaly that began just after', async () => {
    await k(['apply', '-n', CHANGES_NS, '-f', '-'], DEPLOYMENT);
    await k(['rollout', 'status', '-n', CHANGES_NS, 'deployment/cart', '--timeout=90s']);
    await k(['set', 'image', '-n', CHANGES_NS, 'deployment/cart', 'app=nginx:1.27.3']);
    await k(['rollout', 'status', '-n', CHANGES_NS, 'deployment/cart', '--timeout=90s']);
    const pod = (await k(['get', 'pods', '-n', CHANGES_NS, '-l', 'app=cart', '-o', 'jsonpath={.items[0].metadata.name}'])).stdout.trim();
    expect(pod).toMatch(/^cart-/);

    // A ConfigMap edited after it was made: the edit is a change (with who made it), its values never are.
    await k(['create', 'configmap', 'cart-settings', '-n', CHANGES_NS, '--from-literal=mode=edit-canary-before']);
    await new Promise((r) => setTimeout(r, 2100));
    await k(['patch', 'configmap', 'cart-settings', '-n', CHANGES_NS, '--type=merge', '-p', JSON.stringify({ data: { mode: 'edit-canary-after' } })]);

    const tools = mcpToolBox(kube, WATCH_KUBERNETES_TOOLS);
    const since = Math.floor(Date.now() / 1000) - 3600;
    const { changes, notes } = await collectChanges(tools, { namespace: CHANGES_NS, since });
    expect(notes).toEqual([]);
    const rollouts = changes.filter((c) => c.source === 'rollout' && c.object.name === 'cart');
    expect(rollouts.map((c) => c.what)).toContain('rolled out revision 2 (image nginx:1.27.2 → nginx:1.27.3)');
    expect(changes.some((c) => c.source === 'event' && c.reason === 'ScalingReplicaSet' && c.object.kind === 'Deployment')).toBe(true);
    // The namespace's own ConfigMap (kube-root-ca.crt) is a config change; its data never is.
    expect(changes.some((c) => c.source === 'config' && c.object.name === 'kube-root-ca.crt')).toBe(true);
    expect(JSON.stringify(changes)).not.toContain('BEGIN CERTIFICATE');
    expect(changes.find((c) => c.source === 'config' && c.object.name === 'cart-settings')?.what).toBe('was edited (by kubectl-patch)');
    expect(JSON.stringify(changes)).not.toContain('edit-canary');

    const revision2 = rollouts.find((c) => c.what.startsWith('rolled out revision 2'))!;
    rolled = { pod, time: revision2.time };
    const [top] = correlate({ namespace: CHANGES_NS, pod, start: revision2.time + 120 }, changes);
    expect(top).toMatchObject({ relation: 'same-workload', lead: 120 });
    expect(top!.text).toBe(`began 2 min after Deployment ${CHANGES_NS}/cart rolled out revision 2 (image nginx:1.27.2 → nginx:1.27.3)`);
  }, 240_000);
});

describe('the watch loop on the demo cluster', () => {
  it('reports a broken scenario once, nothing new on the next tick, and resolves it when it is deleted', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const watch = createWatch({
      kubernetes: mcpToolBox(kube, WATCH_KUBERNETES_TOOLS),
      prometheus: mcpToolBox(prom, WATCH_PROMETHEUS_TOOLS),
      namespaces: [WATCH_NS],
      intervalSeconds: 300,
      logger: pino({ level: 'info' }, sink),
    });
    await k(['apply', '-n', WATCH_NS, '-f', join(SCENARIOS, 'pvc.yaml')]);
    const key = `analyzer|pvc-storageclass-missing|PersistentVolumeClaim/${WATCH_NS}/data`;

    const first = await watch.tick();
    expect(first.failures).toEqual([]);
    expect(first.opened.map((f) => f.key)).toContain(key);
    expect(watch.open().map((f) => f.key)).toContain(key);
    expect(lines.filter((l) => l.watch === 'new' && l.key === key)).toHaveLength(1);

    const second = await watch.tick();
    expect(second.opened).toEqual([]);
    expect(second.resolved).toEqual([]);
    expect(watch.open().find((f) => f.key === key)).toMatchObject({ firstSeen: first.at, lastSeen: second.at });
    expect(lines.filter((l) => l.watch === 'new' && l.key === key)).toHaveLength(1);

    await k(['delete', 'pvc', 'data', '-n', WATCH_NS, '--wait=true', '--timeout=60s']);
    const third = await watch.tick();
    expect(third.resolved.map((f) => f.key)).toContain(key);
    expect(watch.open().map((f) => f.key)).not.toContain(key);
    expect(lines.filter((l) => l.watch === 'resolved' && l.key === key)).toHaveLength(1);
    await watch.stop();
  }, 240_000);
});

describe('the crew with watch.enabled', () => {
  it('runs the watch in process, reports what it found, and stops it with the crew', async () => {
    await k(['apply', '-n', WATCH_NS, '-f', join(SCENARIOS, 'pvc.yaml')]);
    const env = { K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl'), K8S_EXPERTS_HELM: inject('helm'), K8S_EXPERTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'k8sx-watch-')), K8S_EXPERTS_WATCH: 'true' };
    const loaded = loadConfig({ env, cwd: '/' });
    const config = { ...loaded, watch: { ...loaded.watch, namespaces: [WATCH_NS] } };
    const crew = await startCrew({ config, logger: createLogger({ level: 'silent' }), specialists: SPECIALIST_FACTORIES, anyPort: true });
    try {
      const watch = activeWatch();
      expect(watch?.namespaces()).toEqual([WATCH_NS]);
      // The first round runs shortly after start; wait for it (bounded), then read the report.
      for (let i = 0; i < 120 && !watch!.last(); i++) await new Promise((r) => setTimeout(r, 500));
      const report = renderWatchReport(watch);
      expect(report.data.failures).toEqual([]);
      expect(report.data.findings.map((f) => f.key)).toContain(`analyzer|pvc-storageclass-missing|PersistentVolumeClaim/${WATCH_NS}/data`);
      expect(report.text).toMatch(new RegExp(`^Watch over namespaces ${WATCH_NS}: \\d+ open findings? since `));
      // The observability agent's watch skill answers over A2A from the same in-process watch.
      const observability = await new ClientFactory().createFromUrl(crew.endpoints.find((e) => e.name === 'observability')!.url);
      const { text, data } = await askCompleted(observability, 'What did the watch find?');
      expect(data).toMatchObject({ skill: 'watch', running: true, namespaces: [WATCH_NS] });
      expect(text).toMatch(/PersistentVolumeClaim obswatch-pvc\/data/);
    } finally {
      await crew.close();
    }
    expect(activeWatch()).toBeUndefined();
  }, 240_000);
});

describe('the anomalies skill names the rollout an episode followed', () => {
  it('plants a memory jump in the rolled-out pod just after revision 2 and reads the rollout back in the answer', async () => {
    expect(rolled, 'the rollout test runs first').toBeDefined();
    const { pod, time } = rolled!;
    const MiB = 1024 * 1024;
    const from = time - 3 * 3600;
    // Flat ~100 MiB for hours, then 300 MiB from 1 s after the rollout; samples run 15 min ahead, as if still scraped.
    const points = Array.from({ length: Math.floor((3 * 3600 + 15 * 60) / 30) + 1 }, (_, i): [number, number] => {
      const t = from + i * 30;
      return [t, Math.round((t > time ? 300 : 100 + Math.sin(i)) * MiB)];
    });
    const history = await startHistoryPrometheus([{ name: 'container_memory_working_set_bytes', labels: { namespace: CHANGES_NS, pod, container: 'app' }, points }]);
    const histProm = await connectInMemory(prometheusServerFactory(testConfig({ K8S_EXPERTS_PROMETHEUS_URL: history.url }), silentLogger(), 'test')());
    const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'k8sx-watch-obs-')) }, cwd: '/' });
    const served = await serveForTest(createObservabilityAgent({ config, logger: silentLogger(), mcp: { prometheus: histProm, kubernetes: kube } }), config, silentLogger());
    try {
      // The detector judges points up to now: wait (bounded) until at least three 30 s steps of the jump are in the past.
      while (Date.now() / 1000 < time + 100) await new Promise((r) => setTimeout(r, 1000));
      const { text, data } = await askCompleted(served.client, `Is anything unusual in the memory of namespace ${CHANGES_NS} over the last 30 minutes?`);
      const found = data.anomalies as Array<FoundAnomaly & { changes: Correlation[] }>;
      expect(found.map((a) => [a.pod, a.metric])).toEqual([[pod, 'memory']]);
      const [top] = found[0]!.changes;
      expect(top).toMatchObject({ relation: 'same-workload', change: { source: 'rollout', object: { kind: 'Deployment', name: 'cart' } } });
      expect(top!.lead).toBeGreaterThan(0);
      expect(text).toContain('Recent changes near them (likeliest first):');
      expect(text).toMatch(new RegExp(`- ${CHANGES_NS}/${pod} memory: began \\d+ s after Deployment ${CHANGES_NS}/cart rolled out revision 2 \\(image nginx:1\\.27\\.2 → nginx:1\\.27\\.3\\)`));
    } finally {
      await served.agent.close();
      await histProm.close();
      await history.stop();
    }
  }, 300_000);
});
