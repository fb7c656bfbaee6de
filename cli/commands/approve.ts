import type { AgentCard } from '@a2a-js/sdk';
import type { Command } from 'commander';
import { errorMessage, UserError } from '../../shared/errors.js';
import { type ApprovalDecision, type ApprovalRequest, approvalRequestIn } from '../../shared/execution/approval.js';
import { approvalReply, expiryText, fetchTask, isExpired, statusOf } from '../../agents/router/approval-client.js';
import { PeerClient } from '../../agents/router/peer-client.js';
import { localAgentUrl } from '../crew.js';
import { configFromCommand } from '../options.js';
import { deciderName } from './ask.js';

interface DecideOptions {
  url?: string;
  reason?: string;
  by?: string;
  json?: boolean;
  timeout: string;
}

/** A2A task ids are UUIDs here; anything with spaces or shell characters is a paste gone wrong. */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$/;

/** The approval request a task is waiting on, or a refusal that says what the task is doing instead. */
async function waitingApproval(card: AgentCard, taskId: string, url: string, token: string | undefined): Promise<{ approval: ApprovalRequest }> {
  const task = await fetchTask(card, taskId, token).catch((e: unknown) => {
    throw new UserError(`could not read task ${taskId} from the router at ${url} (${errorMessage(e)})`, 'check that the router is running and --url points at it');
  });
  if (!task) throw new UserError(`the router at ${url} has no task ${taskId}`, 'use the task id `k8s-experts ask` printed, and the --url of the router that holds it');
  const status = statusOf(task);
  if (status.state !== 'input-required') {
    const said = status.text ? `: ${status.text.slice(0, 300)}` : '';
    throw new UserError(`task ${taskId} is not waiting for an approval: it is ${status.state}${said}`, 'nothing to answer; to change something, ask again with `k8s-experts ask "…"`');
  }
  const approval = approvalRequestIn(status.data);
  if (!approval) throw new UserError(`task ${taskId} waits for an answer, not an approval: ${status.text}`, `answer it on task ${taskId} (context ${task.contextId}) with any A2A client`);
  if (isExpired(approval)) throw new UserError(`the approval of proposal ${approval.proposalId} (${approval.proposal.summary}) ${expiryText(approval)}; nothing will run`, 'ask again with `k8s-experts ask "…"` for a new proposal');
  return { approval: { ...approval, taskId: task.id, contextId: task.contextId } };
}

function registerDecision(program: Command, decision: ApprovalDecision): void {
  const approve = decision === 'approve';
  const command = program
    .command(decision)
    .description(approve ? 'approve a change the router waits on (`k8s-experts ask` printed the task id)' : 'reject a change the router waits on; nothing runs')
    .argument('<taskId>', 'the router\'s task that waits for the approval');
  (approve ? command.option('--reason <text>', 'why (recorded in the audit)') : command.requiredOption('--reason <text>', 'why not (recorded in the audit)'))
    .option('--by <name>', 'who decides, as the audit records it (default: your OS user name)')
    .option('--url <url>', 'the router\'s A2A base URL (default http://127.0.0.1:<a2a.ports.router>)')
    .option('--json', 'print the structured result (data part) as JSON instead of the text')
    .option('--timeout <seconds>', 'give up on the outcome after this many seconds', '120')
    .action(async (taskId: string, opts: DecideOptions, cmd: Command) => {
      const config = configFromCommand(cmd);
      if (!TASK_ID.test(taskId)) throw new UserError(`"${taskId}" is not a task id`, 'pass the task id `k8s-experts ask` printed, e.g. k8s-experts approve 0b9e…');
      const reason = opts.reason?.trim();
      if (!approve && !reason) throw new UserError('--reason is empty', `say why, e.g. k8s-experts reject ${taskId} --reason "not during business hours"`);
      if (opts.by !== undefined && !opts.by.trim()) throw new UserError('--by is empty', 'give the name the audit should record, e.g. --by alice');
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserError(`--timeout must be a number of seconds, got "${opts.timeout}"`);
      const url = opts.url ?? localAgentUrl(config, 'router');
      const client = new PeerClient(config.a2a.token);
      const card = await client.card(url).catch((e: unknown) => {
        throw new UserError(`the router at ${url} does not answer (${errorMessage(e)})`, 'start the crew with `k8s-experts start` (or npm start), or pass --url');
      });
      const { approval } = await waitingApproval(card, taskId, url, config.a2a.token);
      const reply = approvalReply(approval, decision, reason || undefined, deciderName(opts.by?.trim()));
      process.stderr.write(`${approve ? 'Approving' : 'Rejecting'} proposal ${approval.proposalId}: ${approval.proposal.summary}\n`);
      const answer = await client.ask('router', card, reply, { timeoutMs: timeoutSeconds * 1000, onProgress: (text) => process.stderr.write(`… ${text}\n`) });
      if (answer.outcome === 'input-required') throw new UserError(`the router did not take the answer: ${answer.text}`, `check the task with \`k8s-experts ${decision} ${taskId}\` again, or ask anew`);
      if (answer.outcome !== 'completed') throw new UserError(`the router did not finish the task (${answer.outcome}${answer.error ? `: ${answer.error}` : ''})`, 'see the router\'s log; `k8s-experts audit` shows what was recorded');
      process.stdout.write(`${opts.json ? JSON.stringify({ text: answer.text, data: answer.data }, null, 2) : answer.text}\n`);
    });
}

/** `k8s-experts approve <taskId>` and `k8s-experts reject <taskId> --reason "…"`: answer a waiting approval from any shell. */
export function registerApprovalCommands(program: Command): void {
  registerDecision(program, 'approve');
  registerDecision(program, 'reject');
}
