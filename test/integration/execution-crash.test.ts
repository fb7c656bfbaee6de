/**
 * `kill -9` of the crew while an approved change runs: on restart no audit entry is lost, the
 * chain verifies, the change is recorded as interrupted, and it is not run a second time —
 * neither by the restart nor by a second approval.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Task, TaskState } from '@a2a-js/sdk';
import { ClientFactory } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stringify } from 'yaml';
import { userMessage } from '../../shared/a2a/parts.js';
import { type AuditEntry, AuditLog } from '../../shared/audit/log.js';
import { loadConfig } from '../../shared/config.js';
import type { ApprovalRequest } from '../../shared/execution/approval.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { anyPortConfig, cleanEnv, runCli, startCrewProcess } from '../helpers/cli.js';

const NS = 'exec-crash';
/** As many objects as one tool call takes: applying them takes a moment, and the kill lands in it. */
const OBJECTS = 50;

const k = (args: string[], input?: string) => kubectl(inject('kubectl'), inject('kubeconfig'), args, input);
const configMapsNow = async () => (await k(['get', 'configmaps', '-n', NS, '-l', 'crash-test=yes', '-o', 'name'])).stdout.split('\n').filter(Boolean).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let dir: string;
let env: Record<string, string>;
const procs: ChildProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'k8sx-exec-crash-'));
  env = { K8S_EXPERTS_CONFIG: anyPortConfig(dir), K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_EXECUTION_MODE: 'execute', K8S_EXPERTS_HELM: inject('helm') };
  await k(['create', 'namespace', NS]);
});

afterAll(async () => {
  for (const p of procs) p.kill('SIGKILL');
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}, 180_000);

describe('kill -9 during an approved execution', () => {
  it('loses no audit entry and never runs the change twice', async () => {
    const config = loadConfig({ env, cwd: dir });
    const crew = await startCrewProcess([], env);
    procs.push(crew.proc);
    const client = await new ClientFactory().createFromUrl(crew.url('router'));
    const manifest = Array.from({ length: OBJECTS }, (_, i) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `crash-${i}`, namespace: NS, labels: { 'crash-test': 'yes' } }, data: { n: String(i) } })).join('---\n');
    const first = (await client.sendMessage({ tenant: '', message: userMessage('Create the objects in the manifest in the data part', { data: { manifest } }), configuration: undefined, metadata: undefined })) as Task;
    expect(first.status?.state).toBe(TaskState.TASK_STATE_INPUT_REQUIRED);
    const request = (first.status?.message?.parts.find((p) => p.content?.$case === 'data')?.content?.value as { approvalRequest: ApprovalRequest }).approvalRequest;
    expect(request.verdict.rules).toContain('many-objects');

    // Approve, and kill the crew the moment the first object appears in the cluster (a watch sees it).
    const audit = await AuditLog.open(config);
    const mine = (entries: AuditEntry[]) => entries.filter((e) => (e.data as { proposalId?: string } | null)?.proposalId === request.proposalId);
    const watch = spawn(inject('kubectl'), ['--kubeconfig', inject('kubeconfig'), 'get', 'configmaps', '-n', NS, '-l', 'crash-test=yes', '--watch', '-o', 'name'], { stdio: ['ignore', 'pipe', 'ignore'] });
    procs.push(watch);
    const firstObject = new Promise<void>((resolve) => watch.stdout.once('data', () => resolve()));
    await sleep(300); // the watch is established
    void client.sendMessage({ tenant: '', message: userMessage('approve', { taskId: first.id, contextId: first.contextId, data: { approval: { proposalId: request.proposalId, decision: 'approve', reason: 'crash test' } } }), configuration: undefined, metadata: undefined }).catch(() => undefined);
    await Promise.race([firstObject, sleep(60_000)]);
    crew.proc.kill('SIGKILL');
    await new Promise((r) => crew.proc.once('exit', r));
    watch.kill();
    const before = await audit.list({ limit: 100_000 });
    // Killed after the execution started and before its result was recorded.
    expect(mine(before).map((e) => e.action)).toEqual(['proposal', 'verdict', 'approval', 'execution']);
    const createdAtKill = await configMapsNow();
    // Mid-run: the cluster already has some of the objects (how many depends on the machine's speed).
    expect(createdAtKill).toBeGreaterThan(0);

    // Restart: everything acknowledged before the kill is still there, unchanged; the run is marked interrupted.
    const again = await startCrewProcess([], env);
    procs.push(again.proc);
    const after = await audit.list({ limit: 100_000 });
    for (const entry of before) expect(after.find((e) => e.seq === entry.seq)?.hash, `entry ${entry.seq}`).toBe(entry.hash);
    expect(mine(after).map((e) => [e.action, e.outcome])).toEqual([
      ['proposal', 'proposed'],
      ['verdict', 'require-approval'],
      ['approval', 'approved'],
      ['execution', 'started'],
      ['result', 'interrupted'],
    ]);
    expect(await audit.verify()).toMatchObject({ ok: true });

    // A second approval is refused, and nothing runs again.
    const approve = await runCli(['approve', first.id, '--url', again.url('router')], cleanEnv(env));
    expect(approve.code).not.toBe(0);
    expect(approve.stderr).toMatch(/not waiting|failed|interrupted/i);
    await sleep(1500);
    expect(await configMapsNow()).toBe(createdAtKill);
    expect(mine(await audit.list({ limit: 100_000 })).filter((e) => e.action === 'execution')).toHaveLength(1);
    await audit.close();
    again.proc.kill('SIGTERM');
  }, 240_000);
});
