import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TaskState } from '@a2a-js/sdk';
import { type Message, type Task } from '@a2a-js/sdk';
import { type Client as A2AClient } from '@a2a-js/sdk/client';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { parse } from 'yaml';
import { createDevAgent } from '../../agents/dev/index.js';
import { messageData, messageText, taskResult, userMessage } from '../../shared/a2a/parts.js';
import { helmServerFactory } from '../../mcp-servers/helm/index.js';
import { type RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { askCompleted, sendRequest, serveForTest } from '../helpers/a2a.js';
import { connectInMemory, kubernetesClient, silentLogger, testConfig } from '../helpers/mcp.js';

const k = (args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args);
const exists = async (args: string[]) => (await k(['get', ...args, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';

let agent: RunningAgent;
let mcp: Client;
let helm: Client;
let a2a: A2AClient;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-dev-agent-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data'), K8S_EXPERTS_KUBECONFIG: inject('kubeconfig') }, cwd: dir });
  const logger = createLogger({ level: 'silent' });
  // The kubernetes server as the default leaves it: READ-ONLY. The dev agent needs no write access.
  mcp = await kubernetesClient(inject('kubeconfig'));
  // helm: lint and template of local charts only (read tools).
  helm = await connectInMemory(helmServerFactory(testConfig({ K8S_EXPERTS_KUBECONFIG: inject('kubeconfig') }), silentLogger(), 'test', inject('helm'))());
  const def = createDevAgent({ config, logger, mcp: { kubernetes: mcp, helm } });
  expect(def.mcpServers).toEqual(['kubernetes', 'helm']);
  ({ agent, client: a2a } = await serveForTest(def, config, logger));
});

afterAll(async () => {
  await agent?.close();
  await mcp?.close();
  await helm?.close();
});

interface Answer {
  text: string;
  data: Record<string, unknown>;
  raw: string;
}

async function ask(text: string, data?: unknown): Promise<Answer> {
  const { text: answer, data: facts, task } = await askCompleted(a2a, text, data);
  return { text: answer, data: facts, raw: JSON.stringify(task.artifacts) };
}

type Manifest = { kind: string; apiVersion: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown>; stringData?: Record<string, string> };
type Validation = { ran: boolean; passed: boolean; attempts: Array<{ mode: string; valid: boolean; objects: Array<{ kind: string; status: string }> }>; fixes: Array<{ field: string; description: string }>; unfixable: string[] };

describe('dev agent over A2A (read-only kubernetes server)', () => {
  it('serves its card with exactly the skills of cards/dev.json', async () => {
    const card = await a2a.getAgentCard();
    expect(card.skills.map((s) => s.id)).toEqual(['generate-manifest', 'generate-chart', 'kubectl-command']);
  });

  it('"Create a deployment of nginx with 2 replicas and a service": Deployment + Service, validated by the server, nothing created', async () => {
    const { text, data } = await ask('Create a deployment of nginx with 2 replicas and a service');
    const manifests = data.manifests as Manifest[];
    expect(manifests.map((m) => m.kind)).toEqual(['Deployment', 'Service']);
    const [dep, svc] = manifests as [Manifest, Manifest];
    expect(dep.spec!.replicas).toBe(2);
    const container = (dep.spec!.template as { spec: { containers: Array<Record<string, unknown>> } }).spec.containers[0]!;
    expect(container.image).toBe('nginx');
    expect(container.resources).toMatchObject({ requests: { cpu: expect.any(String), memory: expect.any(String) }, limits: { memory: expect.any(String) } });
    expect(container.readinessProbe).toBeDefined();
    expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect((svc.spec as { selector: Record<string, string> }).selector).toEqual((dep.spec!.selector as { matchLabels: Record<string, string> }).matchLabels);
    expect((svc.spec as { ports: Array<{ port: number }> }).ports[0]!.port).toBe(80);

    const validation = data.validation as Validation;
    expect(validation).toMatchObject({ ran: true, passed: true });
    expect(validation.attempts[0]!.objects.map((o) => o.status)).toEqual(['valid', 'valid']);
    expect(data.applied).toBe(false);
    expect(data.kubectl).toEqual([['kubectl', 'apply', '-f', '-']]);
    // The YAML in the text parses to the same objects.
    const yaml = /```yaml\n([\s\S]*?)\n```/.exec(text)![1]!;
    expect(yaml.split(/^---$/m).map((d) => parse(d) as Manifest)).toEqual(manifests);
    expect(text).toContain('Validated by the API server');
    // Nothing was created.
    expect(await exists(['deployment', 'nginx', '-n', 'default'])).toBe(false);
    expect(await exists(['service', 'nginx', '-n', 'default'])).toBe(false);
  });

  it('a name the server rejects is normalized everywhere and validated again (self-heal)', async () => {
    const { text, data } = await ask('Create a deployment of redis named My_Cache.Store with a service in namespace shop');
    const validation = data.validation as Validation;
    expect(validation.attempts.length).toBeGreaterThanOrEqual(2);
    expect(validation.attempts[0]!.valid).toBe(false);
    expect(validation.passed).toBe(true);
    expect(validation.fixes.some((f) => f.field === 'metadata.name' && f.description.includes('"my-cache-store"'))).toBe(true);
    const manifests = data.manifests as Manifest[];
    expect(manifests.map((m) => m.metadata.name)).toEqual(['my-cache-store', 'my-cache-store']);
    expect(manifests.every((m) => m.metadata.namespace === 'shop')).toBe(true);
    expect(JSON.stringify(manifests)).not.toContain('My_Cache.Store');
    expect(text).toContain('Fixed after the server rejected it');
    expect(await exists(['deployment', 'my-cache-store', '-n', 'shop'])).toBe(false);
  });

  it('a manifest with an unknown field: the field is removed and the rest validated', async () => {
    const manifest = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: dev-probe-settings', 'data:', '  LOG_LEVEL: debug', 'spec:', '  replicas: 2'].join('\n');
    const { data } = await ask('Check this manifest', { manifest });
    const validation = data.validation as Validation;
    expect(validation.passed).toBe(true);
    expect(validation.fixes.map((f) => f.field)).toEqual(['spec']);
    expect((data.manifests as Manifest[])[0]).not.toHaveProperty('spec');
  });

  it('"Create a secret in namespace dev with value s3cr3t-Value": kubectl create secret generic … -n dev, the value nowhere', async () => {
    const { text, data, raw } = await ask('Create a secret in namespace dev with value s3cr3t-Value');
    expect(raw).not.toContain('s3cr3t-Value');
    expect(raw).not.toContain(Buffer.from('s3cr3t-Value').toString('base64'));
    const kubectlArgs = data.kubectl as string[][];
    const create = kubectlArgs.find((a) => a.slice(0, 4).join(' ') === 'kubectl create secret generic')!;
    expect(create).toBeDefined();
    expect(create.slice(-2)).toEqual(['-n', 'dev']);
    expect(create).toContain('--from-literal=value=***');
    const secret = (data.manifests as Manifest[]).find((m) => m.kind === 'Secret')!;
    expect(secret.stringData).toEqual({ value: '***' });
    expect(secret.metadata.namespace).toBe('dev');
    // dev does not exist on the demo cluster: the agent adds it (and the command to create it).
    expect(kubectlArgs[0]).toEqual(['kubectl', 'create', 'namespace', 'dev']);
    expect((data.validation as Validation).passed).toBe(true);
    expect(text).toMatch(/read -s|--from-file/);
    expect(await exists(['namespace', 'dev'])).toBe(false);
  });

  it('a CronJob "every hour" and a ConfigMap with KEY=value', async () => {
    const cron = await ask('Write a CronJob that runs busybox every hour');
    const cj = (cron.data.manifests as Manifest[])[0]!;
    expect(cj.kind).toBe('CronJob');
    expect(cj.spec!.schedule).toBe('0 * * * *');
    expect((cron.data.validation as Validation).passed).toBe(true);
    const cm = await ask('Generate a ConfigMap named app-settings with LOG_LEVEL=debug');
    expect((cm.data.manifests as Array<Manifest & { data: Record<string, string> }>)[0]).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'app-settings' }, data: { LOG_LEVEL: 'debug' } });
  });

  it('kubectl-command: scaling cart, with its namespace looked up and what it changes', async () => {
    const { text, data } = await ask('What is the kubectl command to scale cart to 3 replicas?');
    expect(data.skill).toBe('kubectl-command');
    expect(data.argv).toEqual(['kubectl', 'scale', 'deployment/cart', '--replicas=3', '-n', 'shop']);
    expect(data.display).toBe('kubectl scale deployment/cart --replicas=3 -n shop');
    expect(data.changes).toContain('from 2 to 3');
    expect(text).toContain('kubectl scale deployment/cart --replicas=3 -n shop');
    // Only a suggestion: cart keeps its 2 replicas.
    const now = JSON.parse((await k(['get', 'deployment', 'cart', '-n', 'shop', '-o', 'json'])).stdout) as { spec: { replicas: number } };
    expect(now.spec.replicas).toBe(2);
  });

  it('a data part { skill } picks the skill', async () => {
    const asKubectl = await ask('create a secret named api-key in namespace dev', { skill: 'kubectl-command' });
    expect(asKubectl.data.skill).toBe('kubectl-command');
    expect(asKubectl.data.argv).toEqual(['kubectl', 'create', 'secret', 'generic', 'api-key', '--from-literal=value=***', '-n', 'dev']);
    const asManifest = await ask('create a secret named api-key in namespace dev', { skill: 'generate-manifest' });
    expect(asManifest.data.skill).toBe('generate-manifest');
    const unknown = await ask('anything', { skill: 'bake-bread' });
    expect(unknown.text).toContain('no skill "bake-bread"');
    expect(unknown.data.understood).toBe(false);
  });

  it('an unknown request gets an honest answer, not a guess', async () => {
    const { text, data } = await ask('What is the meaning of life?');
    expect(data.understood).toBe(false);
    expect(data.manifests).toEqual([]);
    expect(text).toContain('generated nothing');
  });
});

describe('dev agent: objects that exist already', () => {
  it('validates an apply over them (not a create conflict), and reports what the server would refuse', async () => {
    const { text, data } = await ask('Create a deployment of nginx named cart with 4 replicas in namespace shop');
    const validation = data.validation as Validation;
    expect(validation.attempts.map((a) => a.mode)).toEqual(['create', 'apply']);
    expect(validation.attempts[0]!.objects[0]!.status).toBe('exists');
    // The demo's cart has another selector: applying this over it would fail, and the answer says so.
    expect(validation.passed).toBe(false);
    expect(validation.unfixable.join('\n')).toContain('spec.selector: Invalid value');
    expect(validation.unfixable.join('\n')).toContain('field is immutable');
    expect(text).toContain('Deployment/cart in shop exists already');
    expect(text).toContain('The API server still rejects part of this');
    const now = JSON.parse((await k(['get', 'deployment', 'cart', '-n', 'shop', '-o', 'json'])).stdout) as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string }> } } } };
    expect(now.spec.replicas).toBe(2);
    expect(now.spec.template.spec.containers[0]!.image).not.toBe('nginx');
  });
});

describe('dev agent: streaming', () => {
  it('streams its plan, each validation and each fix as progress, then the answer', async () => {
    const seen: string[] = [];
    for await (const event of a2a.sendMessageStream(sendRequest('Create a deployment of redis named Cache_1 with a service'))) {
      const p = event.payload;
      if (p?.$case === 'statusUpdate') {
        const state = TaskState[p.value.status?.state ?? 0] ?? 'unknown';
        const text = messageText(p.value.status?.message);
        seen.push(text ? `${state}: ${text}` : state);
      }
      if (p?.$case === 'artifactUpdate') seen.push('artifact');
    }
    const progress = seen.filter((s) => s.startsWith('TASK_STATE_WORKING: '));
    expect(progress.map((s) => s.replace('TASK_STATE_WORKING: ', '').split(' ').slice(0, 2).join(' '))).toEqual(['Plan: a', 'Validating 2', 'Fixed: name', 'Validating 2']);
    expect(seen.slice(-2)).toEqual(['artifact', 'TASK_STATE_COMPLETED']);
  });
});

describe('dev agent: generate-chart over A2A', () => {
  const send = async (text: string, options: { taskId?: string; contextId?: string; data?: unknown } = {}) => {
    const reply: Message | Task = await a2a.sendMessage({ tenant: '', message: userMessage(text, options), configuration: undefined, metadata: undefined });
    expect('status' in reply, 'expected a Task').toBe(true);
    return reply as Task;
  };

  it('a request without an image gets questions (input-required); the answer on the same task completes the chart', async () => {
    const first = await send('Create a helm chart named shop-web with an ingress and a secret API_TOKEN=tok-Qx81-secret');
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const asked = messageData(first.status?.message)[0] as { skill: string; questions: Array<{ field: string; question: string; example: string }>; plan: Record<string, unknown> };
    expect(asked.skill).toBe('generate-chart');
    expect(asked.questions.map((q) => q.field)).toEqual(['image', 'ports', 'exposure.ingress.host']);
    expect(asked.questions.every((q) => q.question.endsWith('?') && q.example.length > 0)).toBe(true);
    expect(asked.plan).toMatchObject({ name: 'shop-web', secrets: ['API_TOKEN'] });
    expect(messageText(first.status?.message)).toContain('Which container image');
    expect(JSON.stringify(first)).not.toContain('tok-Qx81-secret');

    // The answer, in plain words, on the same task.
    const second = await send('image ghcr.io/acme/shop:2.4.1, port 8080, host shop.example.com', { taskId: first.id, contextId: first.contextId });
    expect(second.id).toBe(first.id);
    expect(second.status?.state, messageText(second.status?.message)).toBe(TaskState.TASK_STATE_COMPLETED);
    const result = taskResult(second)!;
    const data = result.data as { skill: string; plan: { name: string; image: { repository: string; tag: string }; ports: Array<{ port: number }>; secrets: string[]; exposure: { ingress: { host: string } } }; chart: { name: string; files: Record<string, string> }; validation: { passed: boolean }; rendered: Array<{ object: { kind: string } }> };
    expect(data.skill).toBe('generate-chart');
    expect(data.plan).toMatchObject({ name: 'shop-web', image: { repository: 'ghcr.io/acme/shop', tag: '2.4.1' }, ports: [{ port: 8080 }], secrets: ['API_TOKEN'], exposure: { ingress: { host: 'shop.example.com' } } });
    expect(data.validation.passed).toBe(true);
    expect(data.rendered.map((r) => r.object.kind)).toEqual(expect.arrayContaining(['Deployment', 'Service', 'Ingress', 'Secret']));
    expect(Object.keys(data.chart.files)).toContain('values.schema.json');
    expect(result.text).toContain('Assumptions');
    expect(result.text).toMatch(/helm lint --strict\s+passed/);
    expect(JSON.stringify(second)).not.toContain('tok-Qx81-secret');
  });

  it('a structured spec with a bad field: the error names the field', async () => {
    const { text, data } = await ask('helm chart', { chart: { image: 'nginx:1.27', scaling: { replicas: -1 } } });
    expect(data).toMatchObject({ skill: 'generate-chart', understood: false });
    expect(text).toContain('chart.scaling.replicas');
  });
});
