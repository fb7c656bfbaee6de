/**
 * The MCP write tools on the demo cluster, through real SDK clients: every call gets the
 * guardian's verdict (allow runs, deny is refused, require-approval asks the person through
 * elicitation), the execution mode holds (propose only dry-runs, read-only offers no writes),
 * and every real write is in the audit chain — in order, by the client, without Secret values.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { helmServerFactory } from '../../mcp-servers/helm/index.js';
import { kubernetesServerFactory } from '../../mcp-servers/kubernetes/index.js';
import { type AuditEntry, AuditLog } from '../../shared/audit/log.js';
import type { WriteDeps } from '../../shared/mcp/policy.js';
import { kubectl, run } from '../../tools/cluster/exec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { call, type Elicitor, elicitor, silentLogger, testConfig, textOf } from '../helpers/mcp.js';

const NS = 'mcp-guard';
const PROD = 'mcp-guard-prod';
const RELEASE = 'guarded';
const CHART = join(REPO_ROOT, 'test', 'fixtures', 'charts', 'webapp');
const ACTOR = 'guard-test-client/2.0';
/** Planted in a Secret (as stringData and as data) and in helm values: none may reach the audit file. */
const CANARIES = ['guard-canary-Lx93-plain', 'guard-canary-Bz27-data', 'guard-canary-Rt55-patched', 'guard-helm-canary-Qp61'];
const WRITE_TOOLS = ['k8s_apply', 'k8s_create', 'k8s_patch', 'k8s_scale', 'k8s_delete', 'k8s_drain', 'helm_install'];

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const exists = async (args: string[]) => (await k(['get', ...args, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';
const replicasOf = async (name: string) => (JSON.parse((await k(['get', 'deployment', name, '-n', NS, '-o', 'json'])).stdout) as { spec: { replicas: number } }).spec.replicas;
const configMap = (name: string, namespace = NS) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data: { level: '1' } });
const privilegedPod = (name: string) =>
  stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS }, spec: { containers: [{ name: 'root', image: 'nginx:1.27.3', securityContext: { privileged: true } }] } });

let dataDir: string;
let audit: AuditLog;
const clients: Client[] = [];

/** A real SDK client with its own name (the audit's actor), answering confirmations through `elicit` when given. */
async function connect(server: McpServer, elicit?: Elicitor): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'guard-test-client', version: '2.0' }, elicit ? { capabilities: { elicitation: { form: {} } } } : {});
  if (elicit) client.setRequestHandler(ElicitRequestSchema, (request) => elicit.answer(request.params));
  await client.connect(clientSide);
  clients.push(client);
  return client;
}

const settings = (env: Record<string, string>) => testConfig({ K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_ALLOW_WRITES: 'true', ...env });
const kubernetes = (options: { env?: Record<string, string>; elicit?: Elicitor; deps?: WriteDeps } = {}) =>
  connect(kubernetesServerFactory(settings(options.env ?? {}), silentLogger(), 'test', { audit, ...options.deps })(), options.elicit);
const helmServer = (elicit: Elicitor) => connect(helmServerFactory(settings({}), silentLogger(), 'test', inject('helm'), { audit })(), elicit);

/** The audit entries of each call, in order, grouped by their proposal id. */
async function callsInAudit(): Promise<AuditEntry[][]> {
  const groups = new Map<string, AuditEntry[]>();
  for (const entry of await audit.list({ limit: 10_000 })) {
    const id = (entry.data as { proposalId?: string }).proposalId ?? '';
    groups.set(id, [...(groups.get(id) ?? []), entry]);
  }
  return [...groups.values()];
}
const actionsOf = (entries: AuditEntry[]) => entries.map((e) => e.action);

let confirming: Elicitor;
let declining: Elicitor;
let writer: Client;
let decliner: Client;

beforeAll(async () => {
  await run(inject('helm'), ['uninstall', RELEASE, '--namespace', NS, '--kubeconfig', inject('kubeconfig')]).catch(() => undefined);
  await k(['delete', 'namespace', NS, PROD, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  for (const ns of [NS, PROD]) await k(['create', 'namespace', ns]);
  await k(['label', 'namespace', PROD, 'environment=production']);
  const app = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: NS }, spec: { replicas: 2, selector: { matchLabels: { app: 'app' } }, template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.3' }] } } } };
  await k(['apply', '-f', '-'], stringify(app));
  dataDir = mkdtempSync(join(tmpdir(), 'k8sx-mcp-guard-'));
  audit = await AuditLog.open({ dataDir, a2a: { databaseUrl: undefined } });
  confirming = elicitor('confirm');
  declining = elicitor('decline');
  writer = await kubernetes({ elicit: confirming });
  decliner = await kubernetes({ elicit: declining });
}, 180_000);

afterAll(async () => {
  for (const client of clients) await client.close();
  await audit?.close();
  await run(inject('helm'), ['uninstall', RELEASE, '--namespace', NS, '--kubeconfig', inject('kubeconfig')]).catch(() => undefined);
  await k(['delete', 'namespace', NS, PROD, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}, 180_000);

describe('allow', () => {
  it('creating a ConfigMap runs without asking; the result carries the verdict, the reach and the undo step', async () => {
    const r = await call(decliner, 'k8s_create', { manifest: configMap('settings') });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({
      dryRun: false,
      guardian: { verdict: 'allow', rules: [] },
      blastRadius: { objects: 1, namespaces: [NS], replicasLost: 0, podsEvicted: 0 },
      reversibility: { reversible: true, undo: `k8s_delete the created object: configmap/settings -n ${NS}` },
      executionMode: 'execute',
    });
    expect(textOf(r)).toContain('Guardian: allow');
    expect(declining.asked).toHaveLength(0);
    expect(await exists(['configmap', 'settings', '-n', NS])).toBe(true);
  });
});

describe('deny', () => {
  it('deleting a Namespace: a dry run shows the deny, a real call is refused with reasons and rule, and nobody is asked', async () => {
    const preview = await call(writer, 'k8s_delete', { kind: 'namespace', name: NS, dryRun: true });
    expect(preview.isError, textOf(preview)).toBeFalsy();
    expect(preview.structuredContent).toMatchObject({ dryRun: true, guardian: { verdict: 'deny', rules: ['forbidden-delete'] }, reversibility: { reversible: false } });
    const asked = confirming.asked.length;
    const r = await call(writer, 'k8s_delete', { kind: 'namespace', name: NS });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(new RegExp(`^the guardian denies delete namespace/${NS}: Deleting Namespace ${NS} is forbidden.* \\(rule forbidden-delete\\); nothing was changed\\. Fix: change the action .* an operator changes the guardian policy`));
    expect(confirming.asked).toHaveLength(asked);
    expect((JSON.parse((await k(['get', 'namespace', NS, '-o', 'json'])).stdout) as { status: { phase: string } }).status.phase).toBe('Active');
  });

  it('a privileged pod: refused under a policy that denies them (the policy is injected, as a reloaded one would be)', async () => {
    const strict = await kubernetes({ elicit: confirming, deps: { policy: () => ({ rules: [{ id: 'no-privileged', effect: 'deny', type: 'privileged-pod', description: 'No privileged containers' }] }) } });
    const r = await call(strict, 'k8s_create', { manifest: privilegedPod('rooted') });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/the guardian denies create pod\/rooted -n mcp-guard: A privileged container .* \(rule no-privileged\); nothing was changed/);
    expect(await exists(['pod', 'rooted', '-n', NS])).toBe(false);
  });

  it('the built-in policy asks a person for a privileged pod outside restricted namespaces: declined, nothing is created', async () => {
    const r = await call(decliner, 'k8s_create', { manifest: privilegedPod('rooted') });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain('was not confirmed (declined); nothing was changed');
    expect(declining.asked.at(-1)!.message).toContain('privileged-pod-approval');
    expect(await exists(['pod', 'rooted', '-n', NS])).toBe(false);
  });
});

describe('require-approval', () => {
  it('scale to 0: declined or unanswerable changes nothing; confirmed it scales, and the question carried the proposal', async () => {
    const declined = await call(decliner, 'k8s_scale', { name: 'app', namespace: NS, replicas: 0 });
    expect(textOf(declined)).toMatch(/scale deployment\.apps\/app -n mcp-guard from 2 to 0 replicas was not confirmed \(declined\); nothing was changed/);
    const question = declining.asked.at(-1)!.message;
    expect(question).toMatch(/^Confirm: scale deployment\.apps\/app -n mcp-guard from 2 to 0 replicas\n\nThe guardian policy requires a person's approval/);
    expect(question).toContain('Guardian: require-approval (scale-to-zero)');
    expect(question).toContain(`Blast radius: 1 object, namespace ${NS}, 2 replicas lost.`);
    expect(question).toContain(`Undo: k8s_scale deployment.apps/app -n ${NS} replicas=2`);
    expect(question).toContain('-  replicas: 2');
    expect(await replicasOf('app')).toBe(2);

    const cannotAsk = await kubernetes();
    const refused = await call(cannotAsk, 'k8s_scale', { name: 'app', namespace: NS, replicas: 0 });
    expect(textOf(refused)).toMatch(/needs a person's approval \(the guardian policy: Scaling Deployment app .*\), and this MCP client cannot be asked \(it declares no elicitation capability\); nothing was changed/);
    expect(await replicasOf('app')).toBe(2);

    const done = await call(writer, 'k8s_scale', { name: 'app', namespace: NS, replicas: 0 });
    expect(done.isError, textOf(done)).toBeFalsy();
    expect(done.structuredContent).toMatchObject({ dryRun: false, from: 2, to: 0, guardian: { verdict: 'require-approval', rules: ['scale-to-zero'] }, blastRadius: { replicasLost: 2 } });
    expect(await replicasOf('app')).toBe(0);
  });

  it('a namespace labelled environment=production: even an additive create asks first', async () => {
    const declined = await call(decliner, 'k8s_create', { manifest: configMap('held', PROD) });
    expect(declined.isError).toBe(true);
    expect(declining.asked.at(-1)!.message).toContain(`Namespace ${PROD} is labelled environment=production`);
    expect(await exists(['configmap', 'held', '-n', PROD])).toBe(false);
    const asked = confirming.asked.length;
    const created = await call(writer, 'k8s_create', { manifest: configMap('held', PROD) });
    expect(created.structuredContent).toMatchObject({ guardian: { verdict: 'require-approval', rules: ['production-namespace'] } });
    expect(confirming.asked).toHaveLength(asked + 1);
    expect(await exists(['configmap', 'held', '-n', PROD])).toBe(true);
  });
});

describe('mcp.confirmDestructive=false (another layer approved)', () => {
  it('require-approval passes without asking anyone; deny is still refused', async () => {
    const nobody = elicitor('decline');
    const unattended = await kubernetes({ env: { K8S_EXPERTS_MCP_CONFIRM_DESTRUCTIVE: 'false' }, elicit: nobody });
    const up = await call(unattended, 'k8s_scale', { name: 'app', namespace: NS, replicas: 2 });
    expect(up.isError, textOf(up)).toBeFalsy();
    expect(up.structuredContent).toMatchObject({ guardian: { verdict: 'require-approval', rules: ['large-replica-change'] } });
    expect(await replicasOf('app')).toBe(2);
    const denied = await call(unattended, 'k8s_delete', { kind: 'namespace', name: NS });
    expect(textOf(denied)).toContain('(rule forbidden-delete); nothing was changed');
    expect(nobody.asked).toHaveLength(0);
    expect(await exists(['namespace', NS])).toBe(true);
  });
});

describe('execution modes', () => {
  it('propose: k8s_apply is a dry run with the verdict, says how to enable execution, and nothing exists afterwards', async () => {
    const proposer = await kubernetes({ env: { K8S_EXPERTS_EXECUTION_MODE: 'propose' }, elicit: confirming });
    const asked = confirming.asked.length;
    const r = await call(proposer, 'k8s_apply', { manifest: configMap('proposed') });
    expect(r.isError, textOf(r)).toBeFalsy();
    expect(r.structuredContent).toMatchObject({ dryRun: true, executionMode: 'propose', guardian: { verdict: 'allow' }, changes: [{ kind: 'ConfigMap', name: 'proposed', action: 'created' }] });
    expect(textOf(r)).toMatch(/^PROPOSE MODE — nothing was changed/);
    expect(textOf(r)).toContain('K8S_EXPERTS_EXECUTION_MODE=execute');
    const del = await call(proposer, 'k8s_delete', { kind: 'deployment', name: 'app', namespace: NS });
    expect(del.structuredContent).toMatchObject({ dryRun: true, guardian: { verdict: 'require-approval' } });
    expect(confirming.asked).toHaveLength(asked);
    expect(await exists(['configmap', 'proposed', '-n', NS])).toBe(false);
    expect(await exists(['deployment', 'app', '-n', NS])).toBe(true);
  });

  it('read-only: no write tool is listed, and calling one names the mode and the setting', async () => {
    const reader = await kubernetes({ env: { K8S_EXPERTS_EXECUTION_MODE: 'read-only' }, elicit: confirming });
    const names = (await reader.listTools()).tools.map((t) => t.name);
    expect(names).toContain('k8s_get');
    for (const tool of WRITE_TOOLS) expect(names).not.toContain(tool);
    const r = await call(reader, 'k8s_scale', { name: 'app', namespace: NS, replicas: 5 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/k8s_scale changes the cluster, and this server runs in execution mode read-only.*K8S_EXPERTS_EXECUTION_MODE/);
    expect(await replicasOf('app')).toBe(2);
  });
});

describe('helm writes take the same path', () => {
  it('install and uninstall pass the guardian: the chart\'s Secret and the delete each need approval', async () => {
    const helmWriter = await helmServer(confirming);
    const asked = confirming.asked.length;
    const installed = await call(helmWriter, 'helm_install', { release: RELEASE, chart: CHART, namespace: NS, values: { dbPassword: CANARIES[3] } });
    expect(installed.isError, textOf(installed)).toBeFalsy();
    expect(installed.structuredContent).toMatchObject({ guardian: { verdict: 'require-approval', rules: ['secrets-need-approval'] }, reversibility: { reversible: true, undo: `helm_uninstall release ${RELEASE} -n ${NS}` }, blastRadius: { objects: 4, namespaces: [NS] } });
    expect(confirming.asked).toHaveLength(asked + 1);
    expect(confirming.asked.at(-1)!.message).toMatch(new RegExp(`^Confirm: install release ${RELEASE} \\(chart webapp-0\\.1\\.0\\) in namespace ${NS}`));

    const helmDecliner = await helmServer(declining);
    const declined = await call(helmDecliner, 'helm_uninstall', { release: RELEASE, namespace: NS });
    expect(textOf(declined)).toMatch(/was not confirmed \(declined\); nothing was changed/);
    expect(declining.asked.at(-1)!.message).toMatch(/Guardian: require-approval \(.*delete-needs-approval.*\)/);
    expect(await exists(['deployment', `${RELEASE}-webapp`, '-n', NS])).toBe(true);

    const gone = await call(helmWriter, 'helm_uninstall', { release: RELEASE, namespace: NS });
    expect(gone.isError, textOf(gone)).toBeFalsy();
    expect(gone.structuredContent).toMatchObject({ status: 'uninstalled', guardian: { verdict: 'require-approval', rules: expect.arrayContaining(['delete-needs-approval']) }, reversibility: { reversible: false } });
  });
});

describe('the audit log', () => {
  it('keeps no Secret value: a Secret created and patched through the tools, helm values, all masked in the file', async () => {
    const secret = stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: NS }, stringData: { password: CANARIES[0] }, data: { token: Buffer.from(CANARIES[1]!).toString('base64') } });
    const created = await call(writer, 'k8s_create', { manifest: secret });
    expect(created.isError, textOf(created)).toBeFalsy();
    const patched = await call(writer, 'k8s_patch', { kind: 'secret', name: 'db', namespace: NS, type: 'merge', patch: { stringData: { password: CANARIES[2] } } });
    expect(patched.isError, textOf(patched)).toBeFalsy();
    const secretEntries = (await callsInAudit()).filter((c) => c[0]!.subject === `create secret/db -n ${NS}` || c[0]!.subject === `patch secret/db -n ${NS}`);
    // Any change to a Secret needs approval under the built-in policy (secrets-need-approval).
    expect(secretEntries.map(actionsOf)).toEqual([
      ['proposal', 'verdict', 'approval', 'execution', 'result'],
      ['proposal', 'verdict', 'approval', 'execution', 'result'],
    ]);
    const bytes = readdirSync(dataDir).map((f) => readFileSync(join(dataDir, f)).toString('latin1')).join('\n');
    expect(bytes).toContain('guard-test-client'); // the file is readable as text: a leak would show
    for (const canary of CANARIES) {
      for (const form of [canary, Buffer.from(canary).toString('base64')]) expect(bytes, form).not.toContain(form);
    }
  });

  it('holds every real write in order under one proposal id each, by the client that called, and verifies', async () => {
    const calls = await callsInAudit();
    const bySubject = (subject: string) => calls.filter((c) => c[0]!.subject === subject);
    for (const entries of calls) {
      expect(entries[0]!.action).toBe('proposal');
      for (const e of entries) expect(e).toMatchObject({ actor: ACTOR, agent: expect.stringMatching(/^mcp-(kubernetes|helm)$/) });
    }
    // Allowed: runs without a question.
    expect(bySubject(`create configmap/settings -n ${NS}`)[0]!.map((e) => `${e.action}:${e.outcome}`)).toEqual(['proposal:proposed', 'verdict:allow', 'execution:started', 'result:ok']);
    // Denied: ends at the verdict (twice: asked, and with confirmation off); the dry run is not recorded.
    const denied = bySubject(`delete namespace/${NS}`);
    expect(denied).toHaveLength(2);
    for (const entries of denied) expect(entries.map((e) => `${e.action}:${e.outcome}`)).toEqual(['proposal:proposed', 'verdict:deny']);
    expect(denied[0]![1]!.reason).toContain('forbidden');
    expect(denied[0]![1]!.data).toMatchObject({ rules: ['forbidden-delete'] });
    // Scale to 0: declined, not askable, approved — each a call of its own.
    const scaled = bySubject(`scale deployment.apps/app -n ${NS} from 2 to 0 replicas`);
    expect(scaled.map((entries) => entries.map((e) => `${e.action}:${e.action === 'rejection' || e.action === 'approval' ? e.reason : e.outcome}`))).toEqual([
      ['proposal:proposed', 'verdict:require-approval', 'rejection:declined'],
      ['proposal:proposed', 'verdict:require-approval', 'rejection:no elicitation support'],
      ['proposal:proposed', 'verdict:require-approval', 'approval:accepted', 'execution:started', 'result:ok'],
    ]);
    expect(scaled[0]![0]!.data).toMatchObject({ tool: 'k8s_scale', arguments: { name: 'app', namespace: NS, replicas: 0 }, blastRadius: { replicasLost: 2 }, reversibility: { reversible: true } });
    // Approval left to another layer: no question, and the execution entry says so.
    const unattended = bySubject(`scale deployment.apps/app -n ${NS} from 0 to 2 replicas`)[0]!;
    expect(actionsOf(unattended)).toEqual(['proposal', 'verdict', 'execution', 'result']);
    expect(unattended[2]!.reason).toContain('mcp.confirmDestructive=false');
    // Propose mode: the proposal and the verdict, never an execution.
    const proposed = bySubject(`apply configmap/proposed -n ${NS}`)[0]!;
    expect(actionsOf(proposed)).toEqual(['proposal', 'verdict']);
    expect(proposed[0]!.data).toMatchObject({ mode: 'propose' });
    // Helm: the same steps, as mcp-helm.
    const helmCalls = calls.filter((c) => c[0]!.agent === 'mcp-helm');
    expect(helmCalls.map(actionsOf)).toEqual([
      ['proposal', 'verdict', 'approval', 'execution', 'result'],
      ['proposal', 'verdict', 'rejection'],
      ['proposal', 'verdict', 'approval', 'execution', 'result'],
    ]);
    // Nothing the mode or a dry run stopped ever ran.
    expect(calls.filter((c) => c.some((e) => e.action === 'execution')).every((c) => c.at(-1)!.action === 'result')).toBe(true);
    expect(await audit.verify()).toMatchObject({ ok: true, entries: calls.flat().length });
  });
});
