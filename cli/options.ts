import type { Command } from 'commander';
import { type Config, loadConfig } from '../shared/config.js';

export interface GlobalOptions {
  config?: string;
  context?: string;
  logLevel?: string;
}

/** The config with the global command-line options laid over it (flags beat env beat file). */
export function configFromCommand(command: Command): Config {
  const opts = command.optsWithGlobals<GlobalOptions>();
  const env = { ...process.env };
  if (opts.context) env.K8S_EXPERTS_CONTEXT = opts.context;
  if (opts.logLevel) env.K8S_EXPERTS_LOG_LEVEL = opts.logLevel;
  return loadConfig({ ...(opts.config ? { file: opts.config } : {}), env });
}
