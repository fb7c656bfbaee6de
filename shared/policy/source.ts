/**
 * Where the guardian's policy comes from: the file config names (guardian.policyFile), re-read
 * when it changes, or the built-in default. A bad file at start is a UserError naming the file,
 * rule and field; a bad edit later keeps the last good policy, is logged and shows in status().
 * Nothing here throws once the source is open: a typo in a policy must not stop the guardian.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Config } from '../config.js';
import { errorMessage, UserError } from '../errors.js';
import type { Logger } from '../logger.js';
import { defaultPolicy } from './default.js';
import { parsePolicyText, type Policy } from './schema.js';
import { policyWarnings } from './warnings.js';

export const BUILT_IN_VERSION = 'built-in';
/** A policy file larger than this is a mistake, not a policy. */
const MAX_POLICY_BYTES = 1_000_000;

export interface LoadedPolicy {
  policy: Policy;
  /** The file it was read from; absent for the built-in default. */
  file?: string;
  /** sha256 of the file's bytes, or "built-in". */
  version: string;
  loadedAt: string;
}

export interface PolicyStatus {
  file?: string;
  loadedAt: string;
  version: string;
  /** Why the last edit of the file was not applied; cleared by the next good one. */
  lastError?: string;
}

export interface PolicySource {
  current(): LoadedPolicy;
  status(): PolicyStatus;
  close(): void;
}

export interface PolicySourceOptions {
  /** How often the file is polled for changes, in milliseconds. */
  intervalMs?: number;
}

type PolicyConfig = { guardian: Pick<Config['guardian'], 'policyFile' | 'crewNamespace'>; mcp: Pick<Config['mcp'], 'protectedNamespaces'> };

const HOW_TO_FIX = 'correct the named rule and field (`k8s-experts policy check FILE` lists every problem; examples/guardian-policy.yaml shows each rule type), or unset guardian.policyFile / K8S_EXPERTS_POLICY_FILE to use the built-in policy';

/** The built-in default for this config: its protected namespaces and crew namespace. */
export function builtInPolicy(config: PolicyConfig): LoadedPolicy {
  return { policy: defaultPolicy({ protectedNamespaces: config.mcp.protectedNamespaces, crewNamespace: config.guardian.crewNamespace }), version: BUILT_IN_VERSION, loadedAt: new Date().toISOString() };
}

/** The bytes of a policy file; a UserError when it is missing, unreadable or far too large. */
export function readPolicyBytes(file: string): Buffer {
  try {
    if (statSync(file).size > MAX_POLICY_BYTES) throw new UserError(`guardian policy file ${file} is larger than ${MAX_POLICY_BYTES} bytes`, 'a policy is a short list of rules: point guardian.policyFile at the right file');
    return readFileSync(file);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read: ${errorMessage(e)}`;
    throw new UserError(`guardian policy file ${file} ${why}`, 'create it (`k8s-experts policy show` prints the built-in policy to start from), or unset guardian.policyFile / K8S_EXPERTS_POLICY_FILE to use the built-in policy');
  }
}

/** The version of a policy file: the sha256 of its bytes. */
export const policyVersion = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Reads and checks a policy file; a UserError names what is wrong and where. */
export function readPolicyFile(file: string): LoadedPolicy {
  const bytes = readPolicyBytes(file);
  const parsed = parsePolicyText(bytes.toString('utf8'));
  if (!parsed.ok) throw new UserError(`guardian policy ${file} is not valid: ${parsed.errors.join('; ')}`, HOW_TO_FIX);
  return { policy: parsed.policy, file, version: policyVersion(bytes), loadedAt: new Date().toISOString() };
}

/** A source that never changes (tests, or a policy given in code). */
export function staticPolicySource(policy: Policy, version = 'static'): PolicySource {
  const loaded: LoadedPolicy = { policy, version, loadedAt: new Date().toISOString() };
  return { current: () => loaded, status: () => ({ loadedAt: loaded.loadedAt, version }), close: () => undefined };
}

/**
 * The policy config names, watched for changes; the built-in default when none is named.
 * Throws a UserError when the named file is missing or invalid at start.
 */
export function openPolicySource(config: PolicyConfig, logger: Logger, options: PolicySourceOptions = {}): PolicySource {
  const file = config.guardian.policyFile;
  const warn = (loaded: LoadedPolicy) => {
    for (const w of policyWarnings(loaded.policy, { crewNamespace: config.guardian.crewNamespace })) logger.warn({ file: loaded.file, version: loaded.version }, `guardian policy: ${w}`);
  };
  if (!file) {
    const loaded = builtInPolicy(config);
    return { current: () => loaded, status: () => ({ loadedAt: loaded.loadedAt, version: loaded.version }), close: () => undefined };
  }

  // The file's identity before the first read: an edit made any time after it is seen at the next poll.
  const fingerprint = (): string => {
    try {
      const st = statSync(file);
      return `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`;
    } catch {
      return 'missing';
    }
  };
  let seen = fingerprint();
  let loaded = readPolicyFile(file);
  let lastError: string | undefined;
  let closed = false;
  logger.info({ file, version: loaded.version, rules: loaded.policy.rules.length }, 'guardian policy loaded');
  warn(loaded);

  const reload = () => {
    if (closed) return;
    try {
      const next = readPolicyFile(file);
      if (next.version === loaded.version) {
        if (lastError) logger.info({ file, version: loaded.version }, 'guardian policy file is back to the policy in force');
        lastError = undefined;
        return;
      }
      loaded = next;
      lastError = undefined;
      logger.info({ file, version: loaded.version, rules: loaded.policy.rules.length }, 'guardian policy reloaded');
      warn(loaded);
    } catch (e) {
      lastError = errorMessage(e);
      logger.error({ file, version: loaded.version, error: lastError }, 'guardian policy edit not applied: keeping the last good policy');
    }
  };
  // Polling by path survives editors that replace the file (rename) and files that vanish for a moment.
  // Our own stat, not fs.watchFile: its first stat is taken later, so an edit right after the load was missed.
  const poller = setInterval(() => {
    const now = fingerprint();
    if (now === seen) return;
    seen = now;
    reload();
  }, options.intervalMs ?? 1000);
  poller.unref();

  return {
    current: () => loaded,
    status: () => ({ file, loadedAt: loaded.loadedAt, version: loaded.version, ...(lastError ? { lastError } : {}) }),
    close: () => {
      if (closed) return;
      closed = true;
      clearInterval(poller);
    },
  };
}
