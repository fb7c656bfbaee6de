#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { errorMessage, formatUserError, isUserError } from '../shared/errors.js';
import { VERSION } from '../shared/version.js';
import { registerAgentCommand } from './commands/agent.js';
import { registerApprovalCommands } from './commands/approve.js';
import { registerAskCommand } from './commands/ask.js';
import { registerAuditCommands } from './commands/audit.js';
import { registerBackupCommands } from './commands/backup.js';
import { registerCheckCommand } from './commands/check.js';
import { registerClusterCommands } from './commands/cluster.js';
import { registerDeprecationsCommand } from './commands/deprecations.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerPolicyCommands } from './commands/policy.js';
import { registerProposalsCommand } from './commands/proposals.js';
import { registerScanCommand } from './commands/scan.js';
import { registerStartCommand } from './commands/start.js';

export function buildProgram(): Command {
  const program = new Command('k8s-experts')
    .description('A crew of Kubernetes specialist agents, and the tools they use')
    .version(VERSION)
    .option('-c, --config <file>', 'config file (YAML or JSON); default $K8S_EXPERTS_CONFIG or ./k8s-experts.yaml')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStartCommand(program);
  registerAskCommand(program);
  registerApprovalCommands(program);
  registerAgentCommand(program);
  registerAuditCommands(program);
  registerBackupCommands(program);
  registerCheckCommand(program);
  registerClusterCommands(program);
  registerDeprecationsCommand(program);
  registerMcpCommand(program);
  registerPolicyCommands(program);
  registerProposalsCommand(program);
  registerScanCommand(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    if (isUserError(e)) {
      console.error(formatUserError(e));
      return e.exitCode;
    }
    // Anything else is our bug: say so briefly; the stack only when asked.
    console.error(`error: ${errorMessage(e)}`);
    if (process.env.K8S_EXPERTS_DEBUG) console.error(e instanceof Error ? e.stack : e);
    else console.error('  (set K8S_EXPERTS_DEBUG=1 for a stack trace, and please report it)');
    return 1;
  }
}

process.exitCode = await main(process.argv);
