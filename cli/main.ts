#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { errorMessage, formatUserError, isUserError } from '../shared/errors.js';
import { VERSION } from '../shared/version.js';
type Register = (program: Command) => void;

/**
 * Each top-level command and the module that defines it. Only the module of the command asked for
 * is loaded — `scan` need not load the A2A runtime, the MCP servers and the Kubernetes client —
 * and help (or a word that is no command) loads them all, in this order.
 */
const COMMANDS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['start'], load: async () => (await import('./commands/start.js')).registerStartCommand },
  { names: ['ask'], load: async () => (await import('./commands/ask.js')).registerAskCommand },
  { names: ['approve', 'reject'], load: async () => (await import('./commands/approve.js')).registerApprovalCommands },
  { names: ['agent'], load: async () => (await import('./commands/agent.js')).registerAgentCommand },
  { names: ['audit'], load: async () => (await import('./commands/audit.js')).registerAuditCommands },
  { names: ['backup'], load: async () => (await import('./commands/backup.js')).registerBackupCommands },
  { names: ['check'], load: async () => (await import('./commands/check.js')).registerCheckCommand },
  { names: ['cluster'], load: async () => (await import('./commands/cluster.js')).registerClusterCommands },
  { names: ['deprecations'], load: async () => (await import('./commands/deprecations.js')).registerDeprecationsCommand },
  { names: ['mcp'], load: async () => (await import('./commands/mcp.js')).registerMcpCommand },
  { names: ['policy'], load: async () => (await import('./commands/policy.js')).registerPolicyCommands },
  { names: ['proposals'], load: async () => (await import('./commands/proposals.js')).registerProposalsCommand },
  { names: ['scan'], load: async () => (await import('./commands/scan.js')).registerScanCommand },
];

/** Global options that take a value: the word after them is not the command. */
const VALUE_OPTIONS = new Set(['-c', '--config', '--context', '--log-level']);

/** The command word of a command line (`node main.js [options] <command> …`), if any. */
function commandWord(argv: readonly string[]): string | undefined {
  for (let i = 2; i < argv.length; i++) {
    const arg = argv[i]!;
    if (VALUE_OPTIONS.has(arg)) i++;
    else if (!arg.startsWith('-')) return arg;
  }
  return undefined;
}

export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('k8s-experts')
    .description('A crew of Kubernetes specialist agents, and the tools they use')
    .version(VERSION)
    .option('-c, --config <file>', 'config file (YAML or JSON); default $K8S_EXPERTS_CONFIG or ./k8s-experts.yaml')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--log-level <level>', 'trace|debug|info|warn|error|fatal|silent')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const word = commandWord(argv);
  const asked = COMMANDS.filter((c) => word !== undefined && c.names.includes(word));
  for (const command of asked.length ? asked : COMMANDS) (await command.load())(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
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
