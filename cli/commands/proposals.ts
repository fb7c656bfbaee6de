import type { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import type { ProposalState } from '../../shared/execution/proposal.js';
import { ProposalStore } from '../../shared/execution/store.js';
import { renderTable } from '../../shared/table.js';
import { configFromCommand } from '../options.js';

const STATES: readonly ProposalState[] = ['pending', 'approved', 'executing', 'executed', 'failed', 'interrupted', 'proposed', 'denied', 'rejected', 'expired'];

/** `k8s-experts proposals`: what the crew proposed, what waits for approval (and on which task), what ran. */
export function registerProposalsCommand(program: Command): void {
  program
    .command('proposals')
    .description('list the crew\'s change proposals, newest first: state, what, the A2A task to approve on, expiry')
    .option('--state <state>', `only proposals in one state: ${STATES.join(', ')}`)
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print them as JSON (the whole proposal: steps, dry run, blast radius, undo, verdict)')
    .action(async (opts: { state?: string; limit: string; json?: boolean }, command: Command) => {
      if (opts.state !== undefined && !(STATES as readonly string[]).includes(opts.state)) throw new UserError(`--state must be one of ${STATES.join(', ')}, got "${opts.state}"`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UserError(`--limit must be a whole number from 1 to 1000, got "${opts.limit}"`);
      const store = await ProposalStore.open(configFromCommand(command));
      try {
        const found = opts.state ? (await store.inState(opts.state as ProposalState)).reverse().slice(0, limit) : await store.list(limit);
        if (opts.json) {
          console.log(JSON.stringify(found, null, 2));
          return;
        }
        if (found.length === 0) {
          console.log(opts.state ? `No ${opts.state} proposals.` : 'No proposals yet (the crew proposes changes in execution modes propose and execute).');
          return;
        }
        console.log(renderTable(['Proposal', 'State', 'Verdict', 'What', 'Task', 'Expires'], found.map((p) => [p.proposal.id, p.state, p.verdict.verdict, p.proposal.summary, p.taskId || '-', p.state === 'pending' ? p.proposal.expiresAt : '-'])));
        if (found.some((p) => p.state === 'pending')) console.log('\nApprove with `k8s-experts approve <task>`, reject with `k8s-experts reject <task> --reason "…"`.');
      } finally {
        await store.close();
      }
    });
}
