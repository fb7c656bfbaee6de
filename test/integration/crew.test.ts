import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentCard, type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { startCrew, type RunningCrew } from '../../cli/crew.js';
import { SPECIALIST_FACTORIES } from '../../cli/specialists.js';
import { taskResult, userMessage } from '../../shared/a2a/parts.js';
import { type Config, loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { createCrewMcpServer } from '../../agents/router/mcp-bridge.js';
import { PeerClient } from '../../agents/router/peer-client.js';
import { PeerDirectory } from '../../agents/router/peers.js';
import { REPO_ROOT, startEchoPeer } from '../helpers/cli.js';
import { connectInMemory } from '../helpers/mcp.js';

const ROUTING = z.array(z.object({ q: z.string(), agent: z.string(), skill: z.string().optional() })).parse(parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'questions', 'routing.yaml'), 'utf8')));

let dataDir: string;
let config: Config;
let crew: RunningCrew;
const url = (name: string) => crew.endpoints.find((e) => e.name === name)!.url;
const send = (text: string, data?: unknown) => ({ tenant: '', message: userMessage(text, data === undefined ? {} : { data }), configuration: undefined, metadata: undefined });

function crewConfig(extra: Record<string, string> = {}): Config {
  return loadConfig({ env: { K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_PROMETHEUS_URL: inject('prometheusUrl'), K8S_EXPERTS_HELM: inject('helm'), K8S_EXPERTS_DATA_DIR: dataDir, ...extra }, cwd: '/' });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'k8sx-crew-'));
  config = crewConfig();
  crew = await startCrew({ config, logger: createLogger({ level: 'silent' }), specialists: SPECIALIST_FACTORIES, anyPort: true });
}, 120_000);
afterAll(async () => crew?.close());

async function askRouter(text: string): Promise<Task> {
  const client = await new ClientFactory().createFromUrl(url('router'));
  const result = await client.sendMessage(send(text));
  expect('status' in result).toBe(true);
  return result as Task;
}

describe('the crew, end to end over A2A on the demo cluster', () => {
  it('every card resolves and round-trips through the SDK', async () => {
    const names = ['ops', 'observability', 'security', 'dev', 'admin', 'guardian', 'router'];
    for (const name of names) {
      const res = await fetch(`${url(name)}/.well-known/agent-card.json`, { headers: { 'A2A-Version': '1.0' } });
      expect(res.status, name).toBe(200);
      const wire = (await res.json()) as Record<string, unknown>;
      const card = AgentCard.fromJSON(wire);
      expect(card.skills.length, name).toBeGreaterThan(0);
      expect(AgentCard.toJSON(card)).toEqual(wire);
    }
  });

  it(`the router sends each of the ${ROUTING.length} routing questions to the right agent`, async () => {
    const wrong: string[] = [];
    for (const r of ROUTING) {
      const task = await askRouter(r.q);
      // A specialist that asks first (dev's chart without an image) leaves its steps in the status message.
      const asked = task.status?.message?.parts.find((p) => p.content?.$case === 'data')?.content?.value;
      const data = (taskResult(task)?.data ?? asked) as { agents?: string[]; steps?: Array<{ agent: string; skill: string }> } | undefined;
      const first = data?.steps?.[0];
      if (first?.agent !== r.agent || (r.skill && first.skill !== r.skill)) wrong.push(`${r.q} → ${first?.agent}/${first?.skill}; want ${r.agent}/${r.skill ?? '*'}`);
    }
    expect(wrong).toEqual([]);
  });

  it('names the agents that answered, and streams events in order', async () => {
    const client = await new ClientFactory().createFromUrl(url('router'));
    const seen: string[] = [];
    let text = '';
    for await (const event of client.sendMessageStream(send('How many pods are in the default namespace?'))) {
      const p = event.payload;
      if (p?.$case === 'task') seen.push(`task:${TaskState[p.value.status?.state ?? 0]}`);
      if (p?.$case === 'statusUpdate') seen.push(`status:${TaskState[p.value.status?.state ?? 0]}`);
      if (p?.$case === 'artifactUpdate') {
        seen.push('artifact');
        text += p.value.artifact?.parts.map((x) => (x.content?.$case === 'text' ? x.content.value : '')).join('') ?? '';
      }
    }
    expect(seen[0]).toBe('task:TASK_STATE_SUBMITTED');
    expect(seen.at(-1)).toBe('status:TASK_STATE_COMPLETED');
    expect(seen.indexOf('artifact')).toBeGreaterThan(seen.indexOf('status:TASK_STATE_WORKING'));
    expect(seen.filter((s) => s === 'status:TASK_STATE_WORKING').length).toBeGreaterThanOrEqual(2); // working, then "asking ops"
    expect(text).toMatch(/^2\n\n— answered by ops$/);
  });

  it('/query answers the contract\'s kinds exactly, through the router', async () => {
    const ask = async (query: string) => ((await (await fetch(url('query'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })).json()) as { answer: string }).answer;
    expect(await ask('How many pods are in the default namespace?')).toBe('2');
    expect(await ask('What is the status of the pod named redis?')).toBe('Running');
    expect(await ask('Which pod is spawned by the deployment hello?')).toBe('hello');
    expect(await ask('How many nodes are there in the cluster?')).toBe('3');
    const logs = (await kubectl(inject('kubectl'), inject('kubeconfig'), ['logs', '-n', 'shop', 'deploy/redis', '--tail=100'])).stdout.trim();
    expect(await ask('Get logs for pod redis')).toBe(logs);
  });

  it('a change goes through dev, security and guardian, and the reply names all three', async () => {
    const task = await askRouter('Create a deployment of nginx with 2 replicas and a service');
    const data = taskResult(task)?.data as { agents: string[]; steps: Array<{ agent: string; outcome: string }> };
    expect(data.steps.map((s) => s.agent)).toEqual(['dev', 'security', 'guardian']);
    expect(data.agents).toEqual(['dev', 'security', 'guardian']);
    expect(taskResult(task)?.text).toMatch(/— answered by dev, security, guardian$/);
    // Each drafted object is reviewed once, and guardian rules on the same two.
    expect(taskResult(task)?.text).toMatch(/Security review of Deployment nginx, Service nginx: /);
    expect(taskResult(task)?.text).toMatch(/Verdict: ALLOW — apply 2 objects/);
  });
});

describe('the MCP bridge (Claude Desktop sees the whole crew)', () => {
  it('list_agents shows every specialist up with its skills; ask answers through the router and names who answered', async () => {
    const client = new PeerClient();
    const specialists = crew.endpoints.filter((e) => e.kind === 'A2A' && e.name !== 'router').map((e) => ({ agent: e.name, url: e.url }));
    const directory = new PeerDirectory(client, async () => specialists, createLogger({ level: 'silent' }));
    const mcp = await connectInMemory(createCrewMcpServer({ client, directory, routerUrl: url('router'), timeoutMs: 60_000 }, 'test'));
    const list = await mcp.callTool({ name: 'list_agents', arguments: {} });
    const agents = (list.structuredContent as { agents: Array<{ agent: string; up: boolean; skills: Array<{ id: string }> }> }).agents;
    expect(agents.map((a) => a.agent)).toEqual(['admin', 'dev', 'guardian', 'observability', 'ops', 'security']);
    expect(agents.every((a) => a.up && a.skills.length > 0)).toBe(true);
    const answer = await mcp.callTool({ name: 'ask', arguments: { question: 'How many nodes are there in the cluster?' } });
    expect(answer.structuredContent).toMatchObject({ answer: '3\n\n— answered by ops', agents: ['ops'], outcome: 'completed' });
    await mcp.close();
  });
});

describe('when a peer goes away', () => {
  let peer: ChildProcess | undefined;
  afterAll(() => peer?.kill('SIGKILL'));

  it('killed mid-task, the router answers with what it has instead of hanging', async () => {
    // Another platform's agent, reached through a2a.peers: a real A2A server in its own process.
    let peerUrl: string;
    ({ proc: peer, url: peerUrl } = await startEchoPeer());
    const withPeer = await startCrew({ config: crewConfig({ K8S_EXPERTS_A2A_PEERS: peerUrl }), logger: createLogger({ level: 'silent' }), specialists: SPECIALIST_FACTORIES, anyPort: true });
    try {
      const client = await new ClientFactory().createFromUrl(withPeer.endpoints.find((e) => e.name === 'router')!.url);
      const pending = client.sendMessage(send('slow', { agent: 'echo', skill: 'slow' }));
      setTimeout(() => peer!.kill('SIGKILL'), 500);
      const task = (await pending) as Task;
      expect(task.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
      expect(taskResult(task)?.text).toMatch(/Partial answer: echo did not answer \((unreachable|failed)/);
    } finally {
      await withPeer.close();
    }
  });
});

describe('peers published as Kubernetes Services', () => {
  let peer: ChildProcess | undefined;
  const NS = 'crew-discovery';
  afterAll(async () => {
    peer?.kill('SIGKILL');
    await kubectl(inject('kubectl'), inject('kubeconfig'), ['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  });

  it('the router reads the card behind a Service labelled k8s-experts.io/agent=true and routes to it', async () => {
    let peerUrl: string;
    ({ proc: peer, url: peerUrl } = await startEchoPeer());
    // The Service's own address is never dialled: the annotation says where the agent answers.
    const manifest = [
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${NS}}`,
      `apiVersion: v1\nkind: Service\nmetadata:\n  name: echo-agent\n  namespace: ${NS}\n  labels: {k8s-experts.io/agent: "true"}\n  annotations: {k8s-experts.io/url: "${peerUrl}"}\nspec:\n  selector: {app: echo}\n  ports: [{port: 80}]`,
    ].join('\n---\n');
    await kubectl(inject('kubectl'), inject('kubeconfig'), ['apply', '-f', '-'], manifest);
    const discovering = await startCrew({ config: crewConfig(), logger: createLogger({ level: 'silent' }), specialists: SPECIALIST_FACTORIES, anyPort: true });
    try {
      const client = await new ClientFactory().createFromUrl(discovering.endpoints.find((e) => e.name === 'router')!.url);
      const task = (await client.sendMessage(send('hello from the router', { agent: 'echo', skill: 'echo' }))) as Task;
      expect(taskResult(task)?.text).toBe('echo: hello from the router\n\n— answered by echo');
    } finally {
      await discovering.close();
    }
  });
});

describe('durable tasks', () => {
  it('a task survives an agent restart: GetTask on the new instance returns it', async () => {
    const task = await askRouter('How many nodes are there in the cluster?');
    await crew.close();
    crew = await startCrew({ config, logger: createLogger({ level: 'silent' }), specialists: SPECIALIST_FACTORIES, anyPort: true });
    const client = await new ClientFactory().createFromUrl(url('router'));
    const again = await client.getTask({ tenant: '', id: task.id, historyLength: undefined });
    expect(again.status?.state).toBe(TaskState.TASK_STATE_COMPLETED);
    expect(taskResult(again)?.text).toBe(taskResult(task)?.text);
    writeFileSync(join(dataDir, 'restarted'), 'ok');
  });
});
