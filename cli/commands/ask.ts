import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import { approvalRequestIn } from '../../shared/execution/approval.js';
import { renderProposal } from '../../shared/execution/proposal.js';
import { answerCommands, approvalReply, expiryText, TERMINAL_REJECT_REASON } from '../../agents/router/approval-client.js';
import { type PeerAnswer, PeerClient, type PeerRequest } from '../../agents/router/peer-client.js';
import { localAgentUrl } from '../crew.js';
import { configFromCommand } from '../options.js';
import { type LinePrompter, linePrompter } from '../prompt.js';

/** The router waits for a person (an approval, an answer) and nobody could be asked here. */
export const EXIT_WAITING = 3;
/** A task that keeps asking is a loop, not a conversation. */
const MAX_TURNS = 5;

interface AskOptions {
  url?: string;
  json?: boolean;
  timeout: string;
  prompt?: boolean;
  by?: string;
}

/** Who approves, for the audit: --by, else the OS user (a container may have no passwd entry). */
export function deciderName(by: string | undefined): string | undefined {
  if (by !== undefined) return by;
  try {
    return userInfo().username || undefined;
  } catch {
    return process.env.USER || undefined;
  }
}

const isYes = (line: string | undefined) => /^\s*(y|yes)\s*$/i.test(line ?? '');

/**
 * The next message on a task the router left `input-required`, asked of the person at `prompter`;
 * undefined when nobody can be asked (then it says, on stderr, how to answer later).
 */
async function nextTurn(answer: PeerAnswer, prompter: LinePrompter | undefined, by: string | undefined, urlOption: string): Promise<PeerRequest | undefined> {
  const approval = approvalRequestIn(answer.data);
  const taskId = answer.taskId ?? approval?.taskId;
  const contextId = answer.contextId ?? approval?.contextId;
  if (!taskId) throw new UserError('the router asks for input but names no task to answer on', 'report this: the router must send the task id with input-required');
  const err = process.stderr;
  if (approval) {
    const request = { proposalId: approval.proposalId, taskId, contextId: contextId ?? approval.contextId };
    err.write(`\n${renderProposal(approval.proposal, approval.verdict)}\n\nNothing runs without an approval; this request ${expiryText(approval)}.\n`);
    if (!prompter) {
      err.write(`No terminal to ask on (pass --prompt to read the answer from stdin). Answer it with:\n${answerCommands(taskId, urlOption).map((c) => `  ${c}\n`).join('')}`);
      return undefined;
    }
    const yes = isYes(await prompter.ask('Approve this change? [y/N] '));
    const reason = (await prompter.ask(yes ? 'Reason (optional): ' : 'Reason: '))?.trim();
    return approvalReply(request, yes ? 'approve' : 'reject', reason || (yes ? undefined : TERMINAL_REJECT_REASON), by);
  }
  err.write(`\nThe router asks: ${answer.text}\n`);
  if (!prompter) {
    err.write(`No terminal to ask on (pass --prompt to read the answer from stdin). Task ${taskId} waits for an answer: send it with any A2A client on that task (context ${contextId ?? 'unknown'}).\n`);
    return undefined;
  }
  const said = (await prompter.ask('Answer: '))?.trim();
  if (!said) {
    err.write(`No answer given; task ${taskId} still waits for one.\n`);
    return undefined;
  }
  return { text: said, taskId, contextId };
}

/** `k8s-experts ask "…"`: one question to the router over A2A, progress on stderr, the answer on stdout. */
export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('ask the crew a question (through the router of a running `k8s-experts start`)')
    .argument('<question...>', 'the question, e.g. "How many pods are in the default namespace?"')
    .option('--url <url>', 'the router\'s A2A base URL (default http://127.0.0.1:<a2a.ports.router>)')
    .option('--json', 'print the structured result (data part) as JSON instead of the text')
    .option('--timeout <seconds>', 'give up on an answer after this many seconds (time spent deciding is not counted)', '120')
    .option('--prompt', 'ask for approvals and answers on stdin even when it is not a terminal (one answer a line, for scripts)')
    .option('--by <name>', 'who approves, as the audit records it (default: your OS user name)')
    .addHelpText(
      'after',
      `
A change that needs a person's approval is shown (the dry run, the blast radius, the undo, the
guardian's verdict) and asked about: "Approve this change? [y/N]". Anything but y/yes, an
empty line, end of input or Ctrl-C rejects it. Without a terminal (and without --prompt)
nothing is asked: it prints how to answer later and exits with code ${EXIT_WAITING}.

Exit codes: 0 answered, 1 error, ${EXIT_WAITING} the router waits for an approval or an answer
(answer with \`k8s-experts approve <taskId>\` or \`k8s-experts reject <taskId> --reason "…"\`).`,
    )
    .action(async (words: string[], opts: AskOptions, command: Command) => {
      const config = configFromCommand(command);
      const question = words.join(' ').trim();
      if (!question) throw new UserError('the question is empty', 'k8s-experts ask "How many pods are in the default namespace?"');
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserError(`--timeout must be a number of seconds, got "${opts.timeout}"`);
      if (opts.by !== undefined && !opts.by.trim()) throw new UserError('--by is empty', 'give the name the audit should record, e.g. --by alice');
      const url = opts.url ?? localAgentUrl(config, 'router');
      const client = new PeerClient(config.a2a.token);
      const card = await client.card(url).catch((e: unknown) => {
        throw new UserError(`the router at ${url} does not answer (${e instanceof Error ? e.message : String(e)})`, 'start the crew with `k8s-experts start` (or npm start), or pass --url');
      });
      const interactive = process.stderr.isTTY;
      const turn = (request: PeerRequest) =>
        client.ask('router', card, request, { timeoutMs: timeoutSeconds * 1000, onProgress: (text) => process.stderr.write(`${interactive ? '\u001b[2m' : ''}… ${text}${interactive ? '\u001b[0m' : ''}\n`) });
      // Opened only when the router asks: a script that pipes nothing in is never read from.
      let prompter: LinePrompter | undefined;
      let answer = await turn({ text: question });
      try {
        for (let turns = 0; answer.outcome === 'input-required'; turns++) {
          if (turns === MAX_TURNS) throw new UserError(`the router asked ${MAX_TURNS} times and did not take an answer: ${answer.text}`, 'answer with `k8s-experts approve|reject <taskId>`, or ask again');
          if (!prompter && (process.stdin.isTTY || opts.prompt)) prompter = linePrompter(process.stdin, process.stderr);
          const next = await nextTurn(answer, prompter, deciderName(opts.by?.trim()), opts.url ? ` --url ${opts.url}` : '');
          if (!next) {
            if (opts.json) process.stdout.write(`${JSON.stringify({ outcome: answer.outcome, taskId: answer.taskId, contextId: answer.contextId, text: answer.text, data: answer.data }, null, 2)}\n`);
            process.exitCode = EXIT_WAITING;
            return;
          }
          answer = await turn(next);
        }
      } finally {
        prompter?.close();
      }
      if (answer.outcome !== 'completed') throw new UserError(`the router did not answer (${answer.outcome}${answer.error ? `: ${answer.error}` : ''})`);
      process.stdout.write(`${opts.json ? JSON.stringify({ text: answer.text, data: answer.data }, null, 2) : answer.text}\n`);
    });
}
