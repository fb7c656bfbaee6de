import type { Command } from 'commander';
import { AUDIT_ACTIONS, type AuditAction, AuditLog } from '../../shared/audit/log.js';
import { UserError } from '../../shared/errors.js';
import { renderTable } from '../../shared/table.js';
import { configFromCommand } from '../options.js';

/** `k8s-experts audit list|verify`: read the tamper-evident audit trail, and check its hash chain. */
export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit trail of proposals, verdicts, approvals and executions');

  audit
    .command('list')
    .description('list audit entries, newest last')
    .option('--agent <name>', 'only this agent\'s entries')
    .option('--action <action>', `only one kind: ${AUDIT_ACTIONS.join(', ')}`)
    .option('--actor <who>', 'only this actor\'s entries')
    .option('--since <time>', 'only entries at or after this time (ISO 8601, e.g. 2026-11-22T10:00:00Z)')
    .option('--proposal <id>', 'only the entries of one proposal (proposal, verdict, approval, execution, result)')
    .option('--limit <n>', 'at most this many (the newest)', '50')
    .option('--json', 'print the entries as JSON')
    .action(async (opts: { agent?: string; action?: string; actor?: string; since?: string; proposal?: string; limit: string; json?: boolean }, command: Command) => {
      if (opts.proposal !== undefined && !/^[A-Za-z0-9-]{1,100}$/.test(opts.proposal)) throw new UserError(`--proposal must be a proposal id (letters, digits and "-"), got "${opts.proposal}"`, 'copy it from `k8s-experts proposals` or an approval request');
      if (opts.action && !(AUDIT_ACTIONS as readonly string[]).includes(opts.action)) throw new UserError(`--action must be one of ${AUDIT_ACTIONS.join(', ')}, got "${opts.action}"`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new UserError(`--limit must be a whole number from 1 to 100000, got "${opts.limit}"`);
      if (opts.since && Number.isNaN(Date.parse(opts.since))) throw new UserError(`--since must be a time such as 2026-11-22T10:00:00Z, got "${opts.since}"`);
      const log = await AuditLog.open(configFromCommand(command));
      try {
        const entries = await log.list({ agent: opts.agent, action: opts.action as AuditAction | undefined, actor: opts.actor, since: opts.since ? new Date(opts.since).toISOString() : undefined, proposalId: opts.proposal, limit });
        if (opts.json) console.log(JSON.stringify(entries, null, 2));
        else console.log(entries.length ? renderTable(['Seq', 'At', 'Actor', 'Agent', 'Action', 'Subject', 'Outcome'], entries.map((e) => [e.seq, e.at, e.actor, e.agent, e.action, e.subject, e.outcome])) : 'No audit entries.');
      } finally {
        await log.close();
      }
    });

  audit
    .command('verify')
    .description('check the whole hash chain; names the first entry that was edited, removed or inserted')
    .action(async (_opts: unknown, command: Command) => {
      const log = await AuditLog.open(configFromCommand(command));
      try {
        const result = await log.verify();
        if (result.ok) {
          console.log(`audit log OK: ${result.entries} entries, hash chain intact (${log.location})`);
          return;
        }
        throw new UserError(`audit log BROKEN at entry ${result.broken!.seq} of ${result.entries}: ${result.broken!.problem}`, `entries from ${result.broken!.seq} on cannot be trusted; compare ${log.location} with a backup`);
      } finally {
        await log.close();
      }
    });
}
