import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ElicitRequest, ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchTask, statusOf } from '../../agents/router/approval-client.js';
import { createCrewMcpServer } from '../../agents/router/mcp-bridge.js';
import { PeerClient } from '../../agents/router/peer-client.js';
import { PeerDirectory } from '../../agents/router/peers.js';
import type { RunningAgent } from '../../shared/a2a/serve.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';
import { serveForTest } from '../helpers/a2a.js';
import { type ApprovalAgent, approvalAgent } from '../helpers/approval-agent.js';
import { call, connectInMemory, type Elicitor, textOf } from '../helpers/mcp.js';

let router: ApprovalAgent;
let served: RunningAgent;
const peers = new PeerClient();

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sx-bridge-approval-'));
  const config = loadConfig({ env: { K8S_EXPERTS_DATA_DIR: join(dir, 'data') }, cwd: dir });
  router = approvalAgent();
  ({ agent: served } = await serveForTest(router.definition, config, createLogger({ level: 'silent' })));
});

afterAll(async () => {
  await served?.close();
});

/** A person behind the MCP client who answers the approval form like this (or whose client fails). */
function person(answer: ElicitResult | Error | 'never'): Elicitor {
  const asked: Array<ElicitRequest['params']> = [];
  return {
    asked,
    answer: (request) => {
      asked.push(request);
      if (answer instanceof Error) throw answer;
      // Someone who walked away: the SDK client awaits whatever the handler returns.
      if (answer === 'never') return new Promise<never>(() => undefined) as unknown as ElicitResult;
      return answer;
    },
  };
}

/** The crew bridge over the test router, and an in-memory MCP client (with `elicit`, one that can be asked). */
function bridge(elicit?: Elicitor) {
  const directory = new PeerDirectory(peers, async () => [], createLogger({ level: 'silent' }));
  return connectInMemory(createCrewMcpServer({ client: peers, directory, routerUrl: served.url, timeoutMs: 20_000 }, 'test'), elicit);
}

interface AskOutput {
  answer: string;
  outcome: string;
  approval?: { proposalId: string; taskId: string; decision: string | null; reason: string | null };
}

async function askThrough(elicit: Elicitor | undefined, question: string) {
  const client = await bridge(elicit);
  try {
    const result = await call(client, 'ask', { question });
    return { result, out: result.structuredContent as unknown as AskOutput };
  } finally {
    await client.close();
  }
}

describe('the crew bridge puts an approval request to the person through elicitation', () => {
  it('a ticked approve is sent on the same task, and the tool returns what the router then did', async () => {
    const alice = person({ action: 'accept', content: { approve: true, reason: 'off-peak' } });
    const { result, out } = await askThrough(alice, 'scale web in shop to 1');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(out).toMatchObject({ answer: 'executed', outcome: 'completed', approval: { decision: 'approve', reason: 'off-peak' } });
    // The person saw the proposal whole: the step, the dry run, the reach, the undo, the verdict, the expiry.
    expect(alice.asked).toHaveLength(1);
    const shown = alice.asked[0]!;
    expect(shown.message).toContain('Proposal p-');
    expect(shown.message).toContain('$ kubectl scale deployment/web -n shop --replicas=1');
    expect(shown.message).toContain('Blast radius: 1 object, namespace shop, 2 replicas lost.');
    expect(shown.message).toContain('Guardian: require-approval (scale-down-needs-approval)');
    expect(shown.message).toMatch(/This request expires at \S+ \(in 10 min\)/);
    expect(shown.mode === undefined || shown.mode === 'form').toBe(true);
    const schema = (shown as { requestedSchema: { properties: Record<string, { default?: unknown }> } }).requestedSchema;
    expect(schema.properties.approve?.default).toBe(false);
    // The router got the decision on the task it asked on, with who decided.
    const got = router.answers.find((a) => a.taskId === out.approval!.taskId);
    expect(got?.reply).toEqual({ proposalId: out.approval!.proposalId, decision: 'approve', reason: 'off-peak', by: 'MCP client test' });
  });

  const noes: Array<[string, ElicitResult | Error, string]> = [
    ['declined', { action: 'decline' }, 'declined in the MCP client'],
    ['cancelled', { action: 'cancel' }, 'cancelled in the MCP client'],
    ['accepted without ticking approve', { action: 'accept', content: { approve: false, reason: 'not today' } }, 'accepted without ticking approve in the MCP client: not today'],
    ['a client that fails to ask', new Error('no screen to show it on'), 'no answer in the MCP client'],
  ];
  for (const [how, answer, reason] of noes) {
    it(`${how} is a rejection that says so`, async () => {
      const { result, out } = await askThrough(person(answer), 'scale web in shop to 1');
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(out.approval).toMatchObject({ decision: 'reject' });
      expect(out.approval!.reason).toContain(reason);
      expect(out.answer).toBe(`rejected: ${out.approval!.reason}`);
      expect(router.answers.find((a) => a.taskId === out.approval!.taskId)?.reply).toMatchObject({ decision: 'reject', reason: out.approval!.reason });
    });
  }

  it('nobody answering before the request expires is a rejection, and the router then says it expired', async () => {
    // It waits for the person until the expiry (1.5 s away), not longer: else the test times out.
    const { result, out } = await askThrough(person('never'), 'soon: scale web in shop to 1');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(out.approval).toMatchObject({ decision: 'reject' });
    expect(out.approval!.reason).toMatch(/^no answer in the MCP client \(.*timed out/i);
    expect(out.answer).toBe('expired');
  });

  it('a client without elicitation gets the proposal and how to answer it, and the task keeps waiting', async () => {
    const { result, out } = await askThrough(undefined, 'scale web in shop to 1');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(out).toMatchObject({ outcome: 'input-required', approval: { decision: null, reason: null } });
    const taskId = out.approval!.taskId;
    expect(out.answer).toContain('Proposal p-');
    expect(out.answer).toContain('The approval is pending: nothing runs until someone answers');
    expect(out.answer).toContain(`k8s-experts approve ${taskId} --url ${served.url}`);
    expect(out.answer).toContain(`k8s-experts reject ${taskId} --url ${served.url} --reason`);
    expect(router.answers.some((a) => a.taskId === taskId)).toBe(false);
    const task = await fetchTask(await peers.card(served.url), taskId);
    expect(statusOf(task!).state).toBe('input-required');
  });

  it('a plain question from the router is passed on, not an error', async () => {
    const { result, out } = await askThrough(person({ action: 'accept', content: { approve: true } }), 'question: restart it');
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(out.outcome).toBe('input-required');
    expect(out.answer).toMatch(/^The router asks: Which namespace do you mean\?/);
  });

  it('ask is annotated as what it now may do: change the cluster, after an approval', async () => {
    const client = await bridge();
    const ask = (await client.listTools()).tools.find((t) => t.name === 'ask');
    await client.close();
    expect(ask?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: false });
  });
});
