import type { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import { PeerClient } from '../../agents/router/peer-client.js';
import { localAgentUrl } from '../crew.js';
import { configFromCommand } from '../options.js';

/** `k8s-experts ask "…"`: one question to the router over A2A, progress on stderr, the answer on stdout. */
export function registerAskCommand(program: Command): void {
  program
    .command('ask')
    .description('ask the crew a question (through the router of a running `k8s-experts start`)')
    .argument('<question...>', 'the question, e.g. "How many pods are in the default namespace?"')
    .option('--url <url>', 'the router\'s A2A base URL (default http://127.0.0.1:<a2a.ports.router>)')
    .option('--json', 'print the structured result (data part) as JSON instead of the text')
    .option('--timeout <seconds>', 'give up after this many seconds', '120')
    .action(async (words: string[], opts: { url?: string; json?: boolean; timeout: string }, command: Command) => {
      const config = configFromCommand(command);
      const question = words.join(' ').trim();
      if (!question) throw new UserError('the question is empty', 'k8s-experts ask "How many pods are in the default namespace?"');
      const timeoutSeconds = Number(opts.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new UserError(`--timeout must be a number of seconds, got "${opts.timeout}"`);
      const url = opts.url ?? localAgentUrl(config, 'router');
      const client = new PeerClient(config.a2a.token);
      const card = await client.card(url).catch((e: unknown) => {
        throw new UserError(`the router at ${url} does not answer (${e instanceof Error ? e.message : String(e)})`, 'start the crew with `k8s-experts start` (or npm start), or pass --url');
      });
      const interactive = process.stderr.isTTY;
      const answer = await client.ask('router', card, { text: question }, { timeoutMs: timeoutSeconds * 1000, onProgress: (text) => process.stderr.write(`${interactive ? '\u001b[2m' : ''}… ${text}${interactive ? '\u001b[0m' : ''}\n`) });
      if (answer.outcome !== 'completed') throw new UserError(`the router did not answer (${answer.outcome}${answer.error ? `: ${answer.error}` : ''})`);
      process.stdout.write(`${opts.json ? JSON.stringify({ text: answer.text, data: answer.data }, null, 2) : answer.text}\n`);
    });
}
