import { mkdtempSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { serveForTest } from '../helpers/a2a.js';
import { type ApprovalAgent, approvalAgent } from '../helpers/approval-agent.js';
import { type CliResult, cleanEnv, runCli, STACK_FRAME } from '../helpers/cli.js';

let router: ApprovalAgent;
let served: RunningAgent;
let env: Record<string, string>;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-cli-approval-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  router = approvalAgent();
  ({ agent: served } = await serveForTest(router.definition, config, createLogger({ level: 'silent' })));
  env = cleanEnv({ HOME: dir });
});

afterAll(async () => {
  await served?.close();
});

const url = () => ['--url', served.url];
/** What the router received on the task this proposal was asked on. */
const answersTo = (taskId: string) => router.answers.filter((a) => a.taskId === taskId);
const taskOf = (proposalId: string) => [...router.requests.values()].find((r) => r.proposalId === proposalId)!.taskId;
const proposalIn = (stderr: string) => /^Proposal (p-\S+):/m.exec(stderr)?.[1] ?? '(no proposal printed)';

/** `ask` with no terminal and no --prompt: leaves the approval pending and returns the task id it printed. */
async function pendingTask(question: string): Promise<{ taskId: string; result: CliResult }> {
  const result = await runCli(['ask', ...url(), question], env, 60_000);
  const taskId = /k8s-experts approve (\S+)/.exec(result.stderr)?.[1];
  expect(taskId, result.stderr).toBeDefined();
  return { taskId: taskId!, result };
}

describe('k8s-experts ask, when the router needs an approval', () => {
  it('--prompt reads the answer from stdin: "y" approves on the same task as the OS user, and the final answer is printed', async () => {
    const r = await runCli(['ask', ...url(), '--prompt', 'scale web in shop to 1'], env, 60_000, 'y\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('executed\n');
    expect(r.stderr).toContain('$ kubectl scale deployment/web -n shop --replicas=1');
    expect(r.stderr).toContain('Guardian: require-approval (scale-down-needs-approval)');
    expect(r.stderr).toMatch(/this request expires at \S+ \(in 10 min\)/);
    expect(r.stderr).toContain('Approve this change? [y/N] y\n');
    const proposalId = proposalIn(r.stderr);
    expect(answersTo(taskOf(proposalId))).toEqual([{ taskId: taskOf(proposalId), reply: { proposalId, decision: 'approve', by: userInfo().username } }]);
  });

  it('"n" then a reason rejects with that reason; --by names who decided', async () => {
    const r = await runCli(['ask', ...url(), '--prompt', '--by', 'alice', 'scale web in shop to 1'], env, 60_000, 'n\ntoo risky\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('rejected: too risky\n');
    const proposalId = proposalIn(r.stderr);
    expect(answersTo(taskOf(proposalId)).map((a) => a.reply)).toEqual([{ proposalId, decision: 'reject', reason: 'too risky', by: 'alice' }]);
  });

  it('anything but yes is a no: end of input rejects "on the terminal", a yes may carry a reason', async () => {
    const eof = await runCli(['ask', ...url(), '--prompt', 'scale web in shop to 1'], env, 60_000, '');
    expect(eof.code, eof.stderr).toBe(0);
    expect(eof.stdout).toBe('rejected: rejected on the terminal\n');
    const maybe = await runCli(['ask', ...url(), '--prompt', 'scale web in shop to 1'], env, 60_000, 'yes please\n\n');
    expect(maybe.stdout).toBe('rejected: rejected on the terminal\n');
    const withReason = await runCli(['ask', ...url(), '--prompt', 'scale web in shop to 1'], env, 60_000, 'YES\noff-peak window\n');
    expect(withReason.stdout).toBe('executed\n');
    expect(answersTo(taskOf(proposalIn(withReason.stderr)))[0]?.reply).toMatchObject({ decision: 'approve', reason: 'off-peak window' });
  });

  it('an answer after the expiry is the router\'s to refuse: the CLI prints what it said', async () => {
    const r = await runCli(['ask', ...url(), '--prompt', 'expired: scale web in shop to 1'], env, 60_000, 'y\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/this request expired at \S+ \(\d+ s ago\)/);
    expect(r.stdout).toBe('expired\n');
  });

  it('a plain question (no approval request) is asked and its answer sent on the same task', async () => {
    const r = await runCli(['ask', ...url(), '--prompt', 'question: restart it'], env, 60_000, 'shop\n');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('The router asks: Which namespace do you mean?');
    expect(r.stdout).toBe('answered: shop\n');
    const unanswered = await runCli(['ask', ...url(), '--prompt', 'question: restart it'], env, 60_000, '');
    expect(unanswered.code).toBe(3);
    expect(unanswered.stderr).toMatch(/No answer given; task \S+ still waits for one/);
  });

  it('without a terminal and without --prompt it does not hang: it prints the proposal and how to answer, and exits 3', async () => {
    const { taskId, result } = await pendingTask('scale web in shop to 1');
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Proposal p-');
    expect(result.stderr).toContain(`  k8s-experts approve ${taskId} --url ${served.url}\n`);
    expect(result.stderr).toContain(`  k8s-experts reject ${taskId} --url ${served.url} --reason "…"\n`);
    expect(result.stderr).toMatch(/this request expires at \S+/);
    expect(answersTo(taskId)).toEqual([]);
    const json = await runCli(['ask', ...url(), '--json', 'scale web in shop to 1'], env, 60_000);
    expect(json.code).toBe(3);
    const pending = JSON.parse(json.stdout) as { outcome: string; taskId: string; data: { approvalRequest: { proposalId: string } } };
    expect(pending).toMatchObject({ outcome: 'input-required', taskId: expect.any(String) as unknown });
    expect(pending.data.approvalRequest.proposalId).toMatch(/^p-/);
  });

  it('--help documents exit code 3 and the default no', async () => {
    const r = await runCli(['ask', '--help'], env);
    expect(r.stdout).toMatch(/Exit codes: 0 answered, 1 error, 3 the router waits for an approval/);
    expect(r.stdout).toContain('Anything but y/yes');
  });
});

describe('k8s-experts approve | reject <taskId>', () => {
  it('approve answers a waiting task and prints the outcome; a second approve is refused: the task is done', async () => {
    const { taskId } = await pendingTask('scale web in shop to 1');
    const r = await runCli(['approve', taskId, ...url(), '--by', 'bob'], env, 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('executed\n');
    expect(r.stderr).toMatch(/^Approving proposal p-\S+: scale Deployment web in namespace shop to 1 replica$/m);
    expect(answersTo(taskId).map((a) => a.reply)).toEqual([{ proposalId: router.requests.get(taskId)!.proposalId, decision: 'approve', by: 'bob' }]);
    const again = await runCli(['approve', taskId, ...url()], env, 60_000);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`error: task ${taskId} is not waiting for an approval: it is completed`);
    expect(again.stderr).toContain('fix: ');
    expect(again.stderr).not.toMatch(STACK_FRAME);
    expect(answersTo(taskId)).toHaveLength(1);
  });

  it('reject sends the reason; without --reason it is refused before anything is sent', async () => {
    const { taskId } = await pendingTask('scale web in shop to 1');
    const none = await runCli(['reject', taskId, ...url()], env, 60_000);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("required option '--reason <text>' not specified");
    const blank = await runCli(['reject', taskId, ...url(), '--reason', '  '], env, 60_000);
    expect(blank.stderr).toContain('error: --reason is empty');
    expect(answersTo(taskId)).toEqual([]);
    const r = await runCli(['reject', taskId, ...url(), '--reason', 'x'], env, 60_000);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('rejected: x\n');
    expect(answersTo(taskId).map((a) => a.reply)).toMatchObject([{ decision: 'reject', reason: 'x' }]);
  });

  it('an expired approval is refused, saying when it expired, and nothing is sent', async () => {
    const { taskId, result } = await pendingTask('expired: scale web in shop to 1');
    expect(result.code).toBe(3);
    const r = await runCli(['approve', taskId, ...url()], env, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error: the approval of proposal p-\S+ \(scale Deployment web in namespace shop to 1 replica\) expired at \S+ \(\d+ s ago\); nothing will run/);
    expect(answersTo(taskId)).toEqual([]);
  });

  it('a task that does not exist, is not a task id, or asks no approval is refused clearly', async () => {
    const missing = await runCli(['approve', '00000000-0000-4000-8000-000000000000', ...url()], env, 60_000);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`error: the router at ${served.url} has no task 00000000-0000-4000-8000-000000000000`);
    const junk = await runCli(['approve', 'a b;c', ...url()], env, 60_000);
    expect(junk.stderr).toContain('error: "a b;c" is not a task id');
    const question = await runCli(['ask', ...url(), 'question: restart it'], env, 60_000);
    expect(question.code).toBe(3);
    const taskId = /Task (\S+) waits for an answer/.exec(question.stderr)?.[1];
    expect(taskId, question.stderr).toBeDefined();
    const notApproval = await runCli(['approve', taskId!, ...url()], env, 60_000);
    expect(notApproval.code).toBe(1);
    expect(notApproval.stderr).toContain(`error: task ${taskId} waits for an answer, not an approval: Which namespace do you mean?`);
    for (const r of [missing, junk, notApproval]) expect(r.stderr).not.toMatch(STACK_FRAME);
  });

  it('a router that is not there is named, with the fix', async () => {
    const r = await runCli(['approve', '00000000-0000-4000-8000-000000000000', '--url', 'http://127.0.0.1:9'], env, 60_000);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: the router at http://127.0.0.1:9 does not answer');
    expect(r.stderr).toContain('fix: start the crew with `k8s-experts start`');
  });
});
