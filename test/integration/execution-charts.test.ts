/**
 * A chart through the execution layer as the crew wires it (openExecution), judged by the real
 * guardian agent: writing it to the workspace and installing it both wait for a person (the
 * default policy's charts-and-files-need-approval), the dry run says which files and which
 * objects, nothing is written or installed before the approval, a rejection leaves nothing, and
 * the release installed is the chart that was staged at proposal time.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type Client as A2AClient } from '@a2a-js/sdk/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createGuardianAgent } from '../../agents/guardian/index.js';
import { changeFromChartAnswer } from '../../agents/router/chart-change.js';
import { openExecution, type OpenExecution } from '../../cli/execution.js';
import type { RunningAgent } from '../../shared/a2a/serve.js';
import { type Config, loadConfig } from '../../shared/config.js';
import type { AskGuardian } from '../../shared/execution/layer.js';
import type { ProposalVerdict } from '../../shared/execution/proposal.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { askCompleted, serveForTest } from '../helpers/a2a.js';
import { kubernetesClient, silentLogger } from '../helpers/mcp.js';

const NS = 'exec-chart';
const CHART_DIR = join(import.meta.dirname, '..', 'fixtures', 'charts', 'webapp');
const k = (args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args);
const helm = (args: string[]) => execFileSync(inject('helm'), args, { env: { ...process.env, KUBECONFIG: inject('kubeconfig') }, encoding: 'utf8' });
const releases = () => JSON.parse(helm(['list', '-n', NS, '-o', 'json'])) as Array<{ name: string; status: string }>;

function filesOf(dir: string, root = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) Object.assign(out, filesOf(path, root));
    else out[relative(root, path)] = readFileSync(path, 'utf8');
  }
  return out;
}

let workspace: string;
let config: Config;
let execution: OpenExecution;
let reader: Client;
let guardianAgent: RunningAgent;
let guardianClient: A2AClient;

const guardian: AskGuardian = async (action, proposalId) => {
  const { data } = await askCompleted(guardianClient, 'May I do this?', { action, proposalId });
  if (!data.verdict) throw new Error(`the guardian gave no verdict: ${String(data.error)}`);
  return { verdict: data.verdict, reasons: data.reasons, rules: data.rules } as ProposalVerdict;
};

const files = filesOf(CHART_DIR);
const answer = (name: string) => ({ skill: 'generate-chart' as const, chart: { name, files }, plan: { namespace: NS }, validation: { passed: true } });

async function propose(name: string, intent: { write: boolean; install: boolean }) {
  const staged = intent.install ? execution.layer.stageChart(answer(name).chart) : undefined;
  const drafted = changeFromChartAnswer(answer(name), intent, staged);
  if ('reason' in drafted) throw new Error(drafted.reason);
  return execution.layer.propose({ request: `chart ${name}`, requestedBy: 'test', verb: drafted.verb, summary: drafted.summary, steps: drafted.steps, action: drafted.action, mode: 'execute' }, guardian);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-exec-chart-'));
  workspace = join(dir, 'workspace');
  config = loadConfig({ env: { K8S_EXPERTS_KUBECONFIG: inject('kubeconfig'), K8S_EXPERTS_DATA_DIR: join(dir, 'data'), K8S_EXPERTS_EXECUTION_MODE: 'execute', K8S_EXPERTS_WORKSPACE_DIR: workspace, K8S_EXPERTS_HELM: inject('helm') }, cwd: '/' });
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=true']);
  execution = (await openExecution(config, silentLogger()))!;
  reader = await kubernetesClient(inject('kubeconfig'));
  ({ agent: guardianAgent, client: guardianClient } = await serveForTest(createGuardianAgent({ config, logger: silentLogger(), mcp: { kubernetes: reader } }), config, silentLogger()));
}, 120_000);

afterAll(async () => {
  await execution?.close();
  await guardianAgent?.close();
  await reader?.close();
  await k(['delete', 'namespace', NS, '--ignore-not-found', '--wait=false']);
}, 120_000);

describe('a generated chart through the execution layer', () => {
  it('writing and installing wait for a person; the dry run names the files and the objects; nothing happens before', async () => {
    const outcome = await propose('shop', { write: true, install: true });
    expect(outcome.kind).toBe('awaiting-approval');
    expect(outcome.verdict?.rules).toContain('charts-and-files-need-approval');
    expect(outcome.proposal!.dryRun.summary).toMatch(/would write \d+ files in .*charts\/shop/);
    expect(outcome.proposal!.dryRun.summary).toMatch(/helm install would create release shop/);
    expect(outcome.proposal!.dryRun.changes.map((c) => `${c.kind}/${c.name}`)).toEqual(expect.arrayContaining(['File/charts/shop/Chart.yaml', 'Deployment/shop-webapp', 'Service/shop-webapp']));
    expect(existsSync(join(workspace, 'charts'))).toBe(false);
    expect(releases()).toEqual([]);

    const done = await execution.layer.decide({ proposalId: outcome.proposal!.id }, { decision: 'approve', reason: 'looks right' }, 'alice');
    expect(done.kind, done.message).toBe('executed');
    expect(filesOf(join(workspace, 'charts', 'shop'))).toEqual(files);
    expect(releases()).toMatchObject([{ name: 'shop', status: 'deployed' }]);
    expect((await k(['get', 'deployment', 'shop-webapp', '-n', NS, '-o', 'name'])).stdout.trim()).toBe('deployment.apps/shop-webapp');
  });

  it('a rejected write leaves the workspace as it was', async () => {
    const outcome = await propose('cart', { write: true, install: false });
    expect(outcome).toMatchObject({ kind: 'awaiting-approval', proposal: { verb: 'write-files' } });
    const rejected = await execution.layer.decide({ proposalId: outcome.proposal!.id }, { decision: 'reject', reason: 'not now' }, 'bob');
    expect(rejected.kind).toBe('rejected');
    expect(existsSync(join(workspace, 'charts', 'cart'))).toBe(false);
  });

  it('an existing chart directory with other content is not overwritten: the dry run fails and nothing is proposed to run', async () => {
    const other = { ...answer('shop'), chart: { name: 'shop', files: { ...files, 'Chart.yaml': files['Chart.yaml']!.replace(/version: .*/, 'version: 9.9.9') } } };
    const drafted = changeFromChartAnswer(other, { write: true, install: false });
    if ('reason' in drafted) throw new Error(drafted.reason);
    const outcome = await execution.layer.propose({ request: 'chart shop again', requestedBy: 'test', verb: drafted.verb, summary: drafted.summary, steps: drafted.steps, action: drafted.action, mode: 'execute' }, guardian);
    expect(outcome.kind).toBe('failed');
    expect(outcome.message).toMatch(/exists with other content/);
    expect(readFileSync(join(workspace, 'charts', 'shop', 'Chart.yaml'), 'utf8')).toBe(files['Chart.yaml']);
  });
});
