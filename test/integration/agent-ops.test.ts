import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState } from '@a2a-js/sdk';
import { type Client as A2aClient } from '@a2a-js/sdk/client';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOpsAgent } from '../../agents/ops/index.js';
import { messageText } from '../../shared/a2a/parts.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { askCompleted, sendRequest, serveForTest } from '../helpers/a2a.js';
import { kubernetesClient } from '../helpers/mcp.js';
import { startScriptedLlm } from '../helpers/scripted-llm.js';
import { OPS_TOOLS } from '../../agents/ops/index.js';

const logger = createLogger({ level: 'silent' });
let mcp: McpClient;
let agent: RunningAgent;
let client: A2aClient;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-ops-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  mcp = await kubernetesClient(inject('kubeconfig'));
  const def = createOpsAgent({ config, logger, mcp: { kubernetes: mcp } });
  expect(def.name).toBe('ops');
  expect(def.mcpServers).toEqual(['kubernetes']);
  ({ agent, client } = await serveForTest(def, config, logger));
});
afterAll(async () => {
  await agent?.close();
  await mcp?.close();
});

const ask = (text: string, data?: unknown) => askCompleted(client, text, data);

interface Finding {
  pod: string;
  namespace: string;
  cause: string;
  summary: string;
  evidence: string[];
  fix: string;
  details?: Record<string, unknown>;
}
const findingsOf = (r: { data: Record<string, unknown> }) => r.data.findings as Finding[];

describe('ops agent over A2A on the demo cluster', () => {
  it('serves its card with exactly the skills of cards/ops.json', async () => {
    const card = await (await fetch(`${agent.url}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } })).json();
    expect((card as { skills: Array<{ id: string }> }).skills.map((s) => s.id)).toEqual(['cluster-query', 'diagnose-workload', 'service-connectivity', 'analyze-cluster']);
  });

  it('answers contract questions exactly (cluster-query, embedded engine)', async () => {
    const cases: Array<[string, string]> = [
      ['How many pods are in the default namespace?', '2'],
      ['What is the status of the pod named redis?', 'Running'],
      ['Which pod is spawned by the deployment hello?', 'hello'],
      ['How many nodes are there in the cluster?', '3'],
      ['What is the status of the catalog pod in shop?', 'CreateContainerConfigError'],
      ['How many endpoints does the payments-gateway service have?', '0'],
    ];
    for (const [q, want] of cases) {
      const r = await ask(q);
      expect(r.text.trim(), q).toBe(want);
      expect(r.data.skill, q).toBe('cluster-query');
      expect(r.data.chosenBy, q).toBe('agent');
    }
    const logs = await ask('Get logs for pod redis.');
    const want = (await kubectl(inject('kubectl'), inject('kubeconfig'), ['logs', '-n', 'shop', 'deploy/redis', '--tail=100'])).stdout.trim();
    expect(logs.text.trim()).toBe(want);
  });

  it('answers recent warning events in a namespace through k8s_events', async () => {
    const r = await ask('Show recent warning events in payments');
    expect(r.data).toMatchObject({ skill: 'cluster-query', ask: 'events', namespace: 'payments', warningsOnly: true });
    const events = r.data.events as Array<{ type: string; object: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'Warning')).toBe(true);
    expect(r.text).toMatch(/payments-api-\S+/);
  });

  it('"Why is payments-api failing?" names the crash loop and the password error from the previous logs', async () => {
    const r = await ask('Why is payments-api failing?');
    expect(r.data.skill).toBe('diagnose-workload');
    const [f] = findingsOf(r);
    expect(findingsOf(r)).toHaveLength(1);
    expect(f).toMatchObject({ namespace: 'payments', cause: 'CrashLoopBackOff' });
    expect(f!.pod).toMatch(/^payments-api-/);
    expect(f!.details).toMatchObject({ exitCode: 1 });
    expect(String(f!.details?.explainingLine)).toContain('password authentication failed');
    expect(f!.fix).toContain('payments-db');
    expect(r.text).toMatch(/crash loop/i);
    expect(r.text).toContain('password authentication failed');
  });

  it('catalog → the missing ConfigMap catalog-settings', async () => {
    const r = await ask('Why is the catalog pod not starting?');
    const [f] = findingsOf(r);
    expect(f).toMatchObject({ namespace: 'shop', cause: 'MissingConfig', details: { missingKind: 'ConfigMap', missingName: 'catalog-settings' } });
    expect(r.text).toContain('catalog-settings');
  });

  it('fraud-detector → the image pull error with the image and the registry error', async () => {
    const r = await ask('What is wrong with fraud-detector?');
    const [f] = findingsOf(r);
    expect(f).toMatchObject({ namespace: 'payments', cause: 'ImagePull', details: { image: 'registry.acme.internal/fraud-detector:1.4.0' } });
    expect(String(f!.details?.registryError)).toContain('no such host');
    expect(r.text).toMatch(/registry\.acme\.internal/);
  });

  it('ml-trainer → pending, insufficient cpu against its 16-CPU request', async () => {
    const r = await ask('Why is ml-trainer pending?');
    const [f] = findingsOf(r);
    expect(f).toMatchObject({ namespace: 'data', cause: 'Unschedulable' });
    expect(f!.details).toMatchObject({ insufficient: ['cpu'], requests: { cpu: '16' }, largestNodeCpu: '4' });
    expect(r.text).toMatch(/insufficient cpu/i);
  });

  it('a namespace: every unhealthy pod in it with its cause', async () => {
    const r = await ask('Troubleshoot the payments namespace');
    expect(r.data.scope).toMatchObject({ namespace: 'payments' });
    expect(findingsOf(r).map((f) => f.cause).sort()).toEqual(['CrashLoopBackOff', 'ImagePull']);
  });

  it('a healthy workload is reported as healthy, an unknown one honestly', async () => {
    const healthy = await ask('Why is frontend failing?');
    expect(findingsOf(healthy)).toEqual([]);
    expect(healthy.text).toMatch(/Nothing is failing/);
    const unknown = await ask('Why is unicorn-service failing?');
    expect(unknown.data).toMatchObject({ found: false });
    expect(unknown.text).toContain('unicorn-service');
  });

  it('payments-gateway service → no pod matches its selector; suggests the label that exists', async () => {
    const r = await ask('Why does the payments-gateway service have no endpoints?');
    expect(r.data).toMatchObject({
      skill: 'service-connectivity',
      service: 'payments-gateway',
      namespace: 'payments',
      selector: { app: 'payment-gateway' },
      stopsAt: 'no-matching-pods',
      suggestion: { key: 'app', wrong: 'payment-gateway', existing: 'payments-gateway' },
    });
    expect(r.text).toContain('app=payment-gateway');
    expect(r.text).toContain('app=payments-gateway');
  });

  it('a working service traces to its ready pods', async () => {
    const r = await ask('Can traffic reach the cart service?');
    expect(r.data).toMatchObject({ skill: 'service-connectivity', service: 'cart', namespace: 'shop', stopsAt: null });
    expect((r.data.endpoints as { ready: string[] }).ready).toHaveLength(2);
  });

  it('a working service: every link from its DNS name to the pods is ok', async () => {
    const r = await ask('Can traffic reach the cart service?');
    expect(r.data).toMatchObject({ breaksAt: null, dns: { name: 'cart.shop.svc.cluster.local' } });
    expect((r.data.links as Array<{ link: string; ok: boolean }>).map((l) => l.link)).toEqual(['dns', 'service', 'selector', 'pods', 'readiness', 'port', 'endpointslices']);
    expect(r.text).toMatch(/cart\.shop\.svc\.cluster\.local:\d+ → ClusterIP /);
  });

  it('"Why is the catalog service failing?" walks Service → Deployment → pod → the missing ConfigMap', async () => {
    const r = await ask('Why is the catalog service failing?', { skill: 'diagnose-workload' });
    expect(r.data).toMatchObject({ skill: 'diagnose-workload', object: { kind: 'Service', name: 'catalog', namespace: 'shop' } });
    const steps = (r.data.chain as Array<{ step: string; evidence: string[] }>).map((x) => x.step);
    expect(steps[0]).toBe('Service shop/catalog: no ready endpoints');
    expect(steps[1]).toMatch(/^Deployment shop\/catalog: 0\/\d+ available/);
    expect(steps[2]).toMatch(/^Pod catalog-\S+: MissingConfig/);
    expect(steps.at(-1)).toBe('ConfigMap shop/catalog-settings: missing');
    expect(r.text).toMatch(/^Why Service shop\/catalog is failing:/);
    expect(r.text).toMatch(/Fix: .*catalog-settings/);
  });

  it('a { skill } data part picks the skill over the text', async () => {
    const r = await ask('payments-gateway', { skill: 'service-connectivity' });
    expect(r.data).toMatchObject({ skill: 'service-connectivity', chosenBy: 'caller', stopsAt: 'no-matching-pods' });
    const d = await ask('payments-api', { skill: 'diagnose-workload' });
    expect(d.data).toMatchObject({ skill: 'diagnose-workload', chosenBy: 'caller' });
    expect(findingsOf(d)[0]?.cause).toBe('CrashLoopBackOff');
    const bad = await ask('payments-api', { skill: 'make-coffee' });
    expect(bad.data).toMatchObject({ error: 'unknown-skill', skill: 'make-coffee' });
  });

  it('an unknown request gets an honest answer naming the LLM setting', async () => {
    const r = await ask('Compose a haiku about etcd compaction');
    expect(r.data).toMatchObject({ skill: 'cluster-query', understood: false });
    expect(r.text).toContain('I could not work out what');
    expect(r.text).toContain('llm.provider');
  });

  it('streams progress while it diagnoses', async () => {
    const seen: string[] = [];
    const progress: string[] = [];
    for await (const event of client.sendMessageStream(sendRequest('Why is payments-api failing?'))) {
      const p = event.payload;
      if (p?.$case === 'task') seen.push(`task:${TaskState[p.value.status?.state ?? 0]}`);
      if (p?.$case === 'statusUpdate') {
        seen.push(`status:${TaskState[p.value.status?.state ?? 0]}`);
        const text = messageText(p.value.status?.message);
        if (text) progress.push(text);
      }
      if (p?.$case === 'artifactUpdate') seen.push('artifact');
    }
    expect(seen[0]).toBe('task:TASK_STATE_SUBMITTED');
    expect(seen.slice(-2)).toEqual(['artifact', 'status:TASK_STATE_COMPLETED']);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.some((t) => /unhealthy pod/.test(t))).toBe(true);
    expect(progress.some((t) => /CrashLoopBackOff/.test(t))).toBe(true);
  });

  it('with llm.provider set, what the embedded engine does not understand goes to the model, over ops\' read tools', async () => {
    const llm = await startScriptedLlm([{ toolCalls: [{ name: 'k8s_nodes', arguments: {} }] }, { reply: 'Three nodes, all Ready: worker-1, worker-2, worker-3.' }]);
    try {
      const dir = mkdtempSync(join(tmpdir(), 'k8sx-ops-llm-'));
      const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), K8S_EXPERTS_LLM_PROVIDER: 'openai', K8S_EXPERTS_LLM_MODEL: 'scripted', K8S_EXPERTS_LLM_BASE_URL: llm.openaiBaseUrl }, cwd: dir });
      const def = createOpsAgent({ config, logger, mcp: { kubernetes: mcp } });
      const progress: string[] = [];
      const r = await def.handler({ text: 'Compose a haiku about etcd compaction and our nodes', data: [], signal: new AbortController().signal, progress: (t: string) => progress.push(t) } as never);
      expect(r.text).toBe('Three nodes, all Ready: worker-1, worker-2, worker-3.');
      expect(r.data).toMatchObject({ skill: 'cluster-query', engine: 'llm' });
      expect(llm.requests).toHaveLength(2);
      expect(String(llm.requests[0]!.body.messages?.[0]?.content)).toContain('ops agent');
      expect(llm.requests[0]!.toolNames.length).toBeGreaterThan(0);
      expect(llm.requests[0]!.toolNames.every((t) => (OPS_TOOLS as readonly string[]).includes(t))).toBe(true);
      expect(llm.requests[1]!.toolMessages[0]?.content).toContain('worker-1');
      expect(progress).toContain('calling k8s_nodes {}');
      // A question the embedded engine answers never reaches the model.
      const exact = await def.handler({ text: 'How many nodes are there in the cluster?', data: [], signal: new AbortController().signal, progress: () => {} } as never);
      expect(exact.text).toBe('3');
      expect(llm.requests).toHaveLength(2);
    } finally {
      await llm.close();
    }
  });
});
