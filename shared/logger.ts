import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { MASK, maskCredentialPatterns } from './redact.js';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { scrubSecretLiterals } from './secret-literals.js';
import { isRecord } from './records.js';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: Config['log']['level'];
  /** Where the console stream goes. stdio MCP servers must use 'stderr': stdout carries the protocol. */
  console?: 'stdout' | 'stderr' | 'none';
  /** Also append JSON lines to this file (`agent.log`). */
  file?: string;
  name?: string;
}

// Paths pino blanks out wherever they appear in a log record, so a token handed to a logger
// by mistake never reaches a terminal or agent.log.
const REDACT_PATHS = [
  'authorization',
  'token',
  'password',
  '*.authorization',
  '*.token',
  '*.password',
  '*.bearerToken',
  'apiKey',
  '*.apiKey',
  'databaseUrl',
  '*.databaseUrl',
  'headers.authorization',
  'req.headers.authorization',
  '*.headers.authorization',
];

/** A pino JSON logger with a console stream and an optional file sink. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (level === 'silent') return pino({ level, enabled: false });
  const streams: pino.StreamEntry[] = [];
  const consoleTarget = options.console ?? 'stdout';
  if (consoleTarget !== 'none') {
    streams.push({ level, stream: pino.destination({ fd: consoleTarget === 'stderr' ? 2 : 1, sync: true }) });
  }
  if (options.file) {
    mkdirSync(dirname(options.file), { recursive: true });
    streams.push({ level, stream: pino.destination({ dest: options.file, append: true, sync: true }) });
  }
  const base = { level, redact: { paths: REDACT_PATHS, censor: '[REDACTED]' }, ...(options.name ? { name: options.name } : {}) };
  if (streams.length === 0) return pino({ ...base, enabled: false });
  return pino(base, pino.multistream(streams));
}

/** The logger a command should use, from the loaded config. */
export function loggerFromConfig(config: Config, options: Omit<LoggerOptions, 'level' | 'file'> = {}): Logger {
  return createLogger({ ...options, level: config.log.level, ...(config.log.file ? { file: config.log.file } : {}) });
}

const MAX_LOGGED_STRING = 200;

/** The value of kubectl's `--from-literal k=v` given as two arguments, masked ("k=***"). */
const maskLiteralArgument = (arg: unknown) => (typeof arg === 'string' && arg.includes('=') ? `${arg.slice(0, arg.indexOf('='))}=${MASK}` : arg);

/** Every value of a map masked, whatever its type (a model may write numbers or objects there). */
const maskAll = (values: unknown) => (isRecord(values) ? Object.fromEntries(Object.keys(values).map((k) => [k, MASK])) : values);

/**
 * Tool arguments as they may be logged: credential-shaped text and secret values a text gives
 * ("with value x", `--from-literal=k=v`, a short Secret manifest) masked, Secret objects' data and
 * stringData masked, long strings (a manifest, a PromQL file, values) replaced by their length —
 * a Secret's stringData never reaches agent.log.
 */
export function argsForLog(args: unknown): unknown {
  if (typeof args === 'string') return args.length > MAX_LOGGED_STRING ? `<${args.length} characters>` : scrubSecretLiterals(maskCredentialPatterns(args));
  if (Array.isArray(args)) return args.map((arg, i) => argsForLog(args[i - 1] === '--from-literal' ? maskLiteralArgument(arg) : arg));
  if (isRecord(args)) {
    const masked = args.kind === 'Secret' ? { ...args, data: maskAll(args.data), stringData: maskAll(args.stringData) } : args;
    return Object.fromEntries(Object.entries(masked).map(([k, v]) => [k, argsForLog(v)]));
  }
  return args;
}
