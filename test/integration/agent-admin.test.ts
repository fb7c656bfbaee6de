import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState } from '@a2a-js/sdk';
import { type Client as A2aClient } from '@a2a-js/sdk/client';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAdminAgent } from '../../agents/admin/index.js';
import { messageText } from '../../shared/a2a/parts.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { askCompleted, sendRequest, serveForTest } from '../helpers/a2a.js';
import { kubernetesClient } from '../helpers/mcp.js';
import { kubectl as runKubectl } from '../../tools/cluster/exec.js';

const logger = createLogger({ level: 'silent' });
let mcp: McpClient;
let agent: RunningAgent;
let client: A2aClient;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-admin-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  mcp = await kubernetesClient(inject('kubeconfig'));
  const def = createAdminAgent({ config, logger, mcp: { kubernetes: mcp } });
  expect(def).toMatchObject({ name: 'admin', mcpServers: ['kubernetes'] });
  ({ agent, client } = await serveForTest(def, config, logger));
});
afterAll(async () => {
  await agent?.close();
  await mcp?.close();
});

const ask = (text: string, data?: unknown) => askCompleted(client, text, data);
const kubectlJson = (args: string[]) => execFileSync(inject('kubectl'), args, { env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, encoding: 'utf8' });

interface Finding {
  check: string;
  severity: string;
  title: string;
  objects: string[];
  fix: string;
}

describe('admin agent over A2A on the demo cluster', () => {
  it('serves its card with exactly the skills of cards/admin.json', async () => {
    const card = (await (await fetch(`${agent.url}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } })).json()) as { skills: Array<{ id: string }> };
    expect(card.skills.map((s) => s.id)).toEqual(['cluster-versions', 'node-health', 'upgrade-readiness', 'certificates', 'etcd-backup', 'node-maintenance', 'namespace-backup']);
  });

  it('versions: the API server runs v1.34.4, every kubelet too, no skew', async () => {
    const r = await ask('Which Kubernetes version runs the cluster?');
    expect(r.data).toMatchObject({ skill: 'cluster-versions', chosenBy: 'agent', apiServer: 'v1.34.4', distinctKubeletVersions: ['v1.34.4'], skewOk: true });
    expect((r.data.kubelets as unknown[]).length).toBe(3);
    expect(r.text).toContain('v1.34.4');
    expect(r.text).toMatch(/all 3 kubelets run v1\.34\.4/);
    // Component skew: kubelets and kube-proxy (from nodeInfo: the demo has no kube-proxy pods) are judged;
    // the demo's control plane runs as host processes, so the API cannot show it.
    const skew = r.data.skew as { ok: boolean; notVisible: string[]; rows: Array<{ component: string; status: string; version?: string; source: string }> };
    expect(skew.ok).toBe(true);
    expect(skew.rows.filter((x) => x.component === 'kubelet').map((x) => x.status)).toEqual(['ok', 'ok', 'ok']);
    expect(skew.rows.filter((x) => x.component === 'kube-proxy').map((x) => [x.status, x.version])).toEqual([['ok', 'v1.34.4'], ['ok', 'v1.34.4'], ['ok', 'v1.34.4']]);
    expect(skew.notVisible).toEqual(['kube-controller-manager', 'kube-scheduler', 'etcd', 'kubectl']);
    expect(r.text).toMatch(/not visible from the API: kube-controller-manager, kube-scheduler, etcd, kubectl/);
  });

  it('node health: 3 Ready, none cordoned, capacity and pods per node', async () => {
    const r = await ask('Are all nodes healthy?');
    expect(r.data).toMatchObject({ skill: 'node-health', ready: 3, total: 3, cordoned: [] });
    const nodes = r.data.nodes as Array<{ name: string; ready: boolean; healthy: boolean; allocatable: Record<string, string>; pods: number }>;
    expect(nodes.map((n) => n.name)).toEqual(['worker-1', 'worker-2', 'worker-3']);
    expect(nodes.every((n) => n.ready && n.healthy && n.allocatable.cpu === '4')).toBe(true);
    // Pods bound to a node (the Pending ml-trainer is on none): at least the 14 scheduled demo pods.
    expect(nodes.reduce((s, n) => s + n.pods, 0)).toBeGreaterThanOrEqual(14);
    expect(r.text).toMatch(/^3\/3 nodes Ready/);
  });

  it('upgrade readiness: a report to v1.35 with real findings from the demo', async () => {
    const r = await ask('Is the cluster ready to upgrade?');
    expect(r.data).toMatchObject({ skill: 'upgrade-readiness', current: 'v1.34.4', target: 'v1.35' });
    const findings = r.data.findings as Finding[];
    const single = findings.find((f) => f.check === 'single-replica');
    expect(single?.severity).toBe('warning');
    expect(single?.objects).toEqual(expect.arrayContaining(['deployment/shop/redis', 'deployment/payments/payments-api', 'statefulset/shop/postgres']));
    expect(single?.objects).not.toContain('deployment/shop/cart');
    const pending = findings.find((f) => f.check === 'pending-pods');
    expect(pending?.objects.some((o) => o.startsWith('data/ml-trainer-'))).toBe(true);
    // The demo's nodes are healthy, on one version, with no PDBs and no removed APIs.
    expect(findings.filter((f) => f.severity === 'blocker')).toEqual([]);
    expect(r.data.ready).toBe(true);
    expect(r.text).toMatch(/No served API is removed in v1\.35/);
    expect(r.text).toContain('[warning] single-replica workloads');
    // Live objects were read with their writers; the demo's own writes use current apiVersions.
    const live = r.data.liveApis as { objectsChecked: number; kinds: string[]; findings: unknown[] };
    expect(live.objectsChecked).toBeGreaterThan(10);
    expect(live.kinds).toEqual(expect.arrayContaining(['Deployment', 'StatefulSet', 'Endpoints']));
    expect(live.findings).toEqual([]);
    expect(r.text).toMatch(/Live objects: \d+ checked .* none through a deprecated or removed apiVersion/);
  });

  it('upgrade readiness names a client that writes a deprecated-but-served API (v1 Endpoints) and not a current one', async () => {
    // v1.34 serves no removed apiVersion (api-versions lists only GA and the metrics/kwok groups), so
    // the one deprecated API a client can still write here is v1 Endpoints (deprecated in v1.33).
    const ns = 'adm-h5-live';
    // Asynchronous: the agent serves in this process, and a blocked event loop would break its connections.
    const kubectl = (args: string[], input?: string) => runKubectl(inject('kubectl'), inject('kubeconfig'), args, input);
    // A namespace left terminating by an earlier run would refuse the create.
    await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=true', '--timeout=120s']);
    await kubectl(['create', 'namespace', ns]);
    try {
      await kubectl(['apply', '-f', '-'], [
        'apiVersion: v1', 'kind: Endpoints', 'metadata: {name: legacy-endpoints, namespace: adm-h5-live}', 'subsets: [{addresses: [{ip: 10.1.2.3}], ports: [{port: 80}]}]', '---',
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: current, namespace: adm-h5-live}',
        'spec: {replicas: 2, selector: {matchLabels: {app: current}}, template: {metadata: {labels: {app: current}}, spec: {containers: [{name: c, image: nginx:1.27}]}}}',
      ].join('\n'));
      const r = await ask('Is the cluster ready to upgrade?');
      const live = r.data.liveApis as { findings: Array<{ kind: string; apiVersion: string; status: string; objects: string[] }> };
      expect(live.findings).toEqual([{ kind: 'Endpoints', apiVersion: 'v1', status: 'deprecated', removedIn: null, replacement: 'discovery.k8s.io/v1', objects: ['adm-h5-live/legacy-endpoints via kubectl-client-side-apply', 'adm-h5-live/legacy-endpoints via last-applied manifest'] }]);
      const finding = (r.data.findings as Finding[]).find((f) => f.check === 'removed-apis');
      expect(finding).toMatchObject({ severity: 'warning', title: 'Endpoints written through deprecated v1 (no removal planned)' });
      expect(JSON.stringify(r.data)).not.toContain('adm-h5-live/current');
      expect(r.data.ready).toBe(true);
    } finally {
      await kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s']);
    }
  });

  it('etcd backup: detects the kwok demo and gives its snapshot procedure', async () => {
    const r = await ask('How do I back up etcd on this cluster?');
    expect(r.data).toMatchObject({ skill: 'etcd-backup', kind: 'kwok', etcdAccessible: true });
    expect((r.data.evidence as string[]).join(' ')).toMatch(/kwok fake node|kwok\.x-k8s\.io/);
    expect(r.text).toContain('kwokctl snapshot save');
    expect(r.text).toContain('127.0.0.1');
  });

  it('namespace backup: what a backup of payments holds, counted from the live namespace, and the commands', async () => {
    const r = await ask('Back up namespace payments');
    expect(r.data).toMatchObject({ skill: 'namespace-backup', namespaces: ['payments'] });
    const counts = r.data.counts as Array<{ kind: string; count: number }>;
    const live = (kind: string, filter: (o: { metadata: { name: string }; type?: string }) => boolean = () => true) =>
      (JSON.parse(kubectlJson(['get', kind, '-n', 'payments', '-o', 'json'])) as { items: Array<{ metadata: { name: string }; type?: string }> }).items.filter(filter).length;
    const count = (kind: string) => counts.find((c) => c.kind === kind)?.count ?? 0;
    expect(count('Deployment')).toBe(live('deployments'));
    expect(count('Service')).toBe(live('services'));
    // The cluster makes kube-root-ca.crt and the default ServiceAccount again: not counted.
    expect(count('ConfigMap')).toBe(live('configmaps', (o) => o.metadata.name !== 'kube-root-ca.crt'));
    expect(count('ServiceAccount')).toBe(live('serviceaccounts', (o) => o.metadata.name !== 'default'));
    expect(r.data.secrets).toBe(live('secrets', (o) => o.type !== 'kubernetes.io/service-account-token'));
    expect(r.text).toContain('k8s-experts backup create --namespace payments --out payments-backup.tar.gz --key-file');
    expect(r.text).toContain('k8s-experts backup restore payments-backup.tar.gz --key-file <key file> --apply');
    const none = await ask('Back up a namespace for me');
    expect(none.data).toMatchObject({ skill: 'namespace-backup', error: 'no-namespace' });
    expect(none.text).toContain('payments');
  });

  it('node maintenance: a rolling plan over every node, each drain with its commands and a capacity check', async () => {
    const r = await ask('Plan a rolling upgrade of all nodes');
    expect(r.data.skill).toBe('node-maintenance');
    const nodes = (JSON.parse(kubectlJson(['get', 'nodes', '-o', 'json'])) as { items: Array<{ metadata: { name: string } }> }).items.map((n) => n.metadata.name);
    expect([...(r.data.targets as string[])].sort()).toEqual([...nodes].sort());
    const steps = r.data.steps as Array<{ node: string; commands: string[] }>;
    expect(steps.map((s) => s.node).sort()).toEqual([...nodes].sort());
    expect(steps[0]!.commands.join('\n')).toContain(`kubectl drain ${steps[0]!.node} --ignore-daemonsets`);
    expect(r.text).toMatch(/cordon/);
  });

  it('a { skill } data part picks the skill over the text; an unknown skill is named', async () => {
    const r = await ask('tell me about the cluster', { skill: 'node-health' });
    expect(r.data).toMatchObject({ skill: 'node-health', chosenBy: 'caller' });
    const bad = await ask('tell me about the cluster', { skill: 'backup-everything' });
    expect(bad.data).toMatchObject({ error: 'unknown-skill', skill: 'backup-everything' });
  });

  it('an unknown request gets an honest answer naming the LLM setting', async () => {
    const r = await ask('Compose a haiku about autumn leaves');
    expect(r.data).toMatchObject({ understood: false, llmProvider: 'none' });
    expect(r.text).toContain('llm.provider');
    expect(r.text).toContain('upgrade-readiness');
  });

  it('streams progress while it builds the upgrade report', async () => {
    const states: string[] = [];
    const progress: string[] = [];
    for await (const event of client.sendMessageStream(sendRequest('What blocks an upgrade to the next Kubernetes version?'))) {
      const p = event.payload;
      if (p?.$case === 'statusUpdate') {
        states.push(TaskState[p.value.status?.state ?? 0] ?? '');
        const text = messageText(p.value.status?.message);
        if (text) progress.push(text);
      }
    }
    expect(states.at(-1)).toBe('TASK_STATE_COMPLETED');
    expect(progress).toEqual(expect.arrayContaining(['Reading versions and nodes', 'Reading PodDisruptionBudgets, Deployments and StatefulSets', 'Reading pending pods and the APIs the server serves']));
  });
});
