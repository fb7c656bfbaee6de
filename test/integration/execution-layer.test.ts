/**
 * The execution layer on the demo cluster, wired as the crew wires it (openExecution: a write
 * kubernetes MCP server in process, the audit chain, the proposal store), with the real guardian
 * agent over A2A for verdicts: allow runs, require-approval waits for a decision, rejection and
 * expiry change nothing, a decision counts once, and every step is audited once in a chain
 * that verifies.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type Client as A2AClient } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { createGuardianAgent } from '../../agents/guardian/index.js';
import { openExecution, type OpenExecution } from '../../cli/execution.js';
import type { RunningAgent } from '../../shared/a2a/serve.js';
import { AuditLog } from '../../shared/audit/log.js';
import { type Config, loadConfig } from '../../shared/config.js';
import type { AskGuardian, ChangeRequest } from '../../shared/execution/layer.js';
import type { ProposalVerdict } from '../../shared/execution/proposal.js';
import { ProposalStore } from '../../shared/execution/store.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { askCompleted, serveForTest } from '../helpers/a2a.js';
import { kubernetesClient, silentLogger } from '../helpers/mcp.js';

const NS = 'exec-layer';
const PROD = 'exec-layer-prod';
const SECRET_VALUE = 'layer-canary-Vq42-secret';

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const exists = async (args: string[]) => (await k(['get', ...args, '--ignore-not-found', '-o', 'name'])).stdout.trim() !== '';
const replicasOf = async (name: string, ns = NS) => (JSON.parse((await k(['get', 'deployment', name, '-n', ns, '-o', 'json'])).stdout) as { spec: { replicas: number } }).spec.replicas;

let dataDir: string;
let config: Config;
let execution: OpenExecution;
let audit: AuditLog;
let reader: Client;
let guardianAgent: RunningAgent;
let guardianClient: A2AClient;
const guardianCalls: string[] = [];

const configMap = (name: string, ns = NS) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data: { a: '1' } });

/** The real guardian agent, asked over A2A the way the router asks it. */
const guardian: AskGuardian = async (action, proposalId) => {
  guardianCalls.push(proposalId);
  const { data } = await askCompleted(guardianClient, 'May I do this?', { action, proposalId });
  return { verdict: data.verdict, reasons: data.reasons, rules: data.rules } as ProposalVerdict;
};

const change = (over: Partial<ChangeRequest> & Pick<ChangeRequest, 'steps' | 'action'>): ChangeRequest => ({ request: 'a test change', requestedBy: 'test', verb: String(over.action.verb), summary: 'a test change', mode: 'execute', ...over });
const createStep = (manifest: string) => ({ tool: 'k8s_create', args: { manifest }, display: 'kubectl create -f -' });
const scaleStep = (name: string, replicas: number, ns = NS) => ({ tool: 'k8s_scale', args: { kind: 'deployment', name, namespace: ns, replicas }, display: `kubectl scale deployment ${name} --replicas=${replicas} -n ${ns}` });
const scaleAction = (name: string, replicas: number, ns = NS) => ({ verb: 'scale', kind: 'Deployment', name, namespace: ns, replicas });

async function entriesOf(proposalId: string) {
  return (await audit.list({ limit: 10_000 })).filter((e) => (e.data as { proposalId?: string } | null)?.proposalId === proposalId);
}

function deploymentYaml(name: string, replicas: number, ns = NS): string {
  return stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27.3' }] } } } });
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'k8sx-exec-layer-'));
  config = loadConfig({ env: { K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_DATA_DIR: dataDir, K8S_EXPERTS_EXECUTION_MODE: 'execute' }, cwd: '/' });
  for (const ns of [NS, PROD]) await k(['create', 'namespace', ns]);
  await k(['label', 'namespace', PROD, 'environment=production']);
  await k(['apply', '-f', '-'], [deploymentYaml('web', 2), deploymentYaml('api', 2), deploymentYaml('late', 2)].join('---\n'));
  execution = (await openExecution(config, silentLogger()))!;
  audit = await AuditLog.open(config);
  reader = await kubernetesClient(inject('kubeconfig'));
  ({ agent: guardianAgent, client: guardianClient } = await serveForTest(createGuardianAgent({ config, logger: silentLogger(), mcp: { kubernetes: reader } }), config, silentLogger()));
}, 120_000);

afterAll(async () => {
  await execution?.close();
  await audit?.close();
  await guardianAgent?.close();
  await reader?.close();
  await k(['delete', 'namespace', NS, PROD, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}, 180_000);

describe('the execution layer', () => {
  it('runs what the guardian allows, audited proposal → verdict → execution → result', async () => {
    const out = await execution.layer.propose(change({ steps: [createStep(configMap('allowed'))], action: { verb: 'create', manifest: configMap('allowed') } }), guardian);
    expect(out.kind, out.message).toBe('executed');
    expect(out.verdict?.verdict).toBe('allow');
    expect(await exists(['configmap', 'allowed', '-n', NS])).toBe(true);
    expect(out.proposal?.dryRun.ran).toBe(true);
    expect(out.proposal?.blastRadius).toMatchObject({ objects: 1, namespaces: [NS] });
    expect(out.proposal?.reversible).toBe(true);
    expect(out.proposal?.undo).toMatch(/k8s_delete the created object: configmap\/allowed/);
    expect((await entriesOf(out.proposal!.id)).map((e) => e.action)).toEqual(['proposal', 'verdict', 'execution', 'result']);
  });

  it('holds a change that needs approval, runs it once when approved, and never again', async () => {
    const out = await execution.layer.propose(change({ steps: [scaleStep('web', 0)], action: scaleAction('web', 0), taskId: 'task-approve' }), guardian);
    expect(out.kind, out.message).toBe('awaiting-approval');
    expect(out.verdict?.rules).toContain('scale-to-zero');
    expect(out.proposal?.blastRadius.replicasLost).toBe(2);
    expect(await replicasOf('web')).toBe(2);
    const approved = await execution.layer.decide({ taskId: 'task-approve' }, { decision: 'approve', reason: 'maintenance window' }, 'alice');
    expect(approved.kind, approved.message).toBe('executed');
    expect(await replicasOf('web')).toBe(0);
    const again = await execution.layer.decide({ proposalId: out.proposal!.id }, { decision: 'approve' }, 'mallory');
    expect(again.kind).toBe('not-pending');
    expect(again.message).toMatch(/executed.*nothing was run again/);
    const entries = await entriesOf(out.proposal!.id);
    expect(entries.map((e) => e.action)).toEqual(['proposal', 'verdict', 'approval', 'execution', 'result']);
    expect(entries[2]).toMatchObject({ actor: 'alice', reason: 'maintenance window' });
  });

  it('changes nothing when the approval is rejected, and records who and why', async () => {
    const out = await execution.layer.propose(change({ steps: [scaleStep('api', 0)], action: scaleAction('api', 0) }), guardian);
    expect(out.kind).toBe('awaiting-approval');
    const rejected = await execution.layer.decide({ proposalId: out.proposal!.id }, { decision: 'reject', reason: 'not during the sale' }, 'bob');
    expect(rejected.kind).toBe('rejected');
    expect(await replicasOf('api')).toBe(2);
    const entries = await entriesOf(out.proposal!.id);
    expect(entries.map((e) => e.action)).toEqual(['proposal', 'verdict', 'rejection']);
    expect(entries[2]).toMatchObject({ actor: 'bob', reason: 'not during the sale', outcome: 'rejected' });
  });

  it('lets approvals expire: a late yes changes nothing, and the sweep expires the rest', async () => {
    const quick = (await openExecution({ ...config, execution: { ...config.execution, approvalTimeoutSeconds: 10 } }, silentLogger()))!;
    try {
      const late = await quick.layer.propose(change({ steps: [scaleStep('late', 0)], action: scaleAction('late', 0) }), guardian);
      const swept = await quick.layer.propose(change({ steps: [scaleStep('late', 6)], action: scaleAction('late', 6) }), guardian);
      expect([late.kind, swept.kind]).toEqual(['awaiting-approval', 'awaiting-approval']);
      // Instead of waiting ten seconds: the sweep asked "what has expired by then?".
      const expired = await quick.layer.expireDue(new Date(Date.now() + 11_000));
      expect(expired).toEqual(expect.arrayContaining([late.proposal!.id, swept.proposal!.id]));
      const answer = await quick.layer.decide({ proposalId: late.proposal!.id }, { decision: 'approve' }, 'carol');
      expect(answer.kind).toBe('not-pending');
      expect(answer.message).toMatch(/expired/);
      expect(await replicasOf('late')).toBe(2);
      expect((await entriesOf(late.proposal!.id)).map((e) => e.action)).toEqual(['proposal', 'verdict', 'expiry']);
    } finally {
      await quick.close();
    }
  });

  it('refuses a late approval itself when no sweep ran yet', async () => {
    const store = await ProposalStore.open(config);
    try {
      const out = await execution.layer.propose(change({ steps: [scaleStep('late', 0)], action: scaleAction('late', 0) }), guardian);
      // The clock cannot be moved: age the stored proposal instead, as if its time had passed.
      const stored = (await store.get(out.proposal!.id))!;
      expect(stored.state).toBe('pending');
      await (store as unknown as { db: { updateTable(t: string): { set(v: object): { where(a: string, b: string, c: string): { execute(): Promise<unknown> } } } } }).db
        .updateTable('proposals')
        .set({ proposal: JSON.stringify({ ...stored.proposal, expiresAt: new Date(Date.now() - 1000).toISOString() }) })
        .where('id', '=', out.proposal!.id)
        .execute();
      const answer = await execution.layer.decide({ proposalId: out.proposal!.id }, { decision: 'approve' }, 'dave');
      expect(answer.kind).toBe('expired');
      expect(await replicasOf('late')).toBe(2);
    } finally {
      await store.close();
    }
  });

  it('denies what the policy forbids without running it', async () => {
    const ns = stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const out = await execution.layer.propose(change({ steps: [{ tool: 'k8s_delete', args: { kind: 'namespace', name: NS }, display: `kubectl delete namespace ${NS}` }], action: { verb: 'delete', kind: 'Namespace', name: NS }, verb: 'delete' }), guardian);
    expect(out.kind, out.message).toBe('denied');
    expect(out.verdict?.rules).toContain('forbidden-delete');
    expect(out.proposal?.reversible).toBe(false);
    expect(await exists(['namespace', NS])).toBe(true);
    expect((await entriesOf(out.proposal!.id)).map((e) => e.action)).toEqual(['proposal', 'verdict']);
    expect(ns).toContain(NS);
  });

  it('runs nothing when the server-side dry run fails', async () => {
    const bad = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Valid_Name', namespace: NS } });
    const calls = guardianCalls.length;
    const out = await execution.layer.propose(change({ steps: [createStep(bad)], action: { verb: 'create', manifest: bad } }), guardian);
    expect(out.kind).toBe('failed');
    expect(out.message).toMatch(/dry run/);
    expect(guardianCalls.length).toBe(calls);
    expect((await entriesOf(out.proposal!.id)).map((e) => e.action)).toEqual(['proposal', 'result']);
  });

  it('creates a Secret from a value held in memory only: not in the audit, the store, nor after a restart', async () => {
    const secret = (name: string, ns: string) => stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, type: 'Opaque', stringData: { value: '***' } });
    // In a production-labelled namespace, so it waits for approval (and the value waits in memory).
    const out = await execution.layer.propose(change({ steps: [createStep(secret('held', PROD))], action: { verb: 'create', manifest: secret('held', PROD) }, secrets: { value: SECRET_VALUE } }), guardian);
    expect(out.kind, out.message).toBe('awaiting-approval');
    const done = await execution.layer.decide({ proposalId: out.proposal!.id }, { decision: 'approve' }, 'erin');
    expect(done.kind, done.message).toBe('executed');
    const stored = JSON.parse((await k(['get', 'secret', 'held', '-n', PROD, '-o', 'json'])).stdout) as { data: { value: string } };
    expect(Buffer.from(stored.data.value, 'base64').toString()).toBe(SECRET_VALUE);

    // A "restarted" layer (a new instance on the same store) cannot run a pending Secret proposal: the value is gone.
    const pending = await execution.layer.propose(change({ steps: [createStep(secret('lost', PROD))], action: { verb: 'create', manifest: secret('lost', PROD) }, secrets: { value: SECRET_VALUE } }), guardian);
    const restarted = (await openExecution(config, silentLogger()))!;
    try {
      const answer = await restarted.layer.decide({ proposalId: pending.proposal!.id }, { decision: 'approve' }, 'erin');
      expect(answer.kind).toBe('failed');
      expect(answer.message).toMatch(/held in memory only/);
      expect(await exists(['secret', 'lost', '-n', PROD])).toBe(false);
    } finally {
      await restarted.close();
    }
    // No value on disk anywhere under dataDir (audit, proposals, WAL files).
    for (const file of readdirSync(dataDir)) {
      const bytes = readFileSync(join(dataDir, file));
      expect(bytes.includes(SECRET_VALUE), file).toBe(false);
      expect(bytes.includes(Buffer.from(SECRET_VALUE).toString('base64')), file).toBe(false);
    }
  });

  it('marks what was running when the process stopped as interrupted, and never runs it again', async () => {
    const store = await ProposalStore.open(config);
    try {
      const out = await execution.layer.propose(change({ steps: [scaleStep('api', 0)], action: scaleAction('api', 0) }), guardian);
      expect(out.kind).toBe('awaiting-approval');
      // What a crash between "executing" and "result" leaves behind.
      expect(await store.transition(out.proposal!.id, ['pending'], 'executing')).toBe(true);
      const restarted = (await openExecution(config, silentLogger()))!;
      try {
        const answer = await restarted.layer.decide({ proposalId: out.proposal!.id }, { decision: 'approve' }, 'frank');
        expect(answer.kind).toBe('not-pending');
        expect(answer.state).toBe('interrupted');
      } finally {
        await restarted.close();
      }
      expect(await replicasOf('api')).toBe(2);
      const last = (await entriesOf(out.proposal!.id)).at(-1)!;
      expect(last).toMatchObject({ action: 'result', outcome: 'interrupted' });
    } finally {
      await store.close();
    }
  });

  it('audits 100 concurrent proposals once each, in a chain that verifies', async () => {
    const names = Array.from({ length: 100 }, (_, i) => `concurrent-${i}`);
    const outcomes = await Promise.all(names.map((name) => execution.layer.propose(change({ steps: [createStep(configMap(name))], action: { verb: 'create', manifest: configMap(name) }, mode: 'propose' }), guardian)));
    expect(outcomes.map((o) => o.kind)).toEqual(names.map(() => 'proposed'));
    const ids = new Set(outcomes.map((o) => o.proposal!.id));
    expect(ids.size).toBe(100);
    const entries = (await audit.list({ limit: 100_000 })).filter((e) => ids.has((e.data as { proposalId?: string }).proposalId ?? ''));
    const count = (action: string) => entries.filter((e) => e.action === action).length;
    expect([count('proposal'), count('verdict'), count('execution')]).toEqual([100, 100, 0]);
    expect(new Set(entries.filter((e) => e.action === 'proposal').map((e) => (e.data as { proposalId: string }).proposalId)).size).toBe(100);
    expect(await audit.verify()).toMatchObject({ ok: true });
    // propose mode: nothing exists.
    expect((await k(['get', 'configmaps', '-n', NS, '-o', 'name'])).stdout).not.toMatch(/concurrent-/);
  });
});
