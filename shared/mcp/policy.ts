import type { AuditLog } from '../audit/log.js';
import type { Config, ExecutionMode } from '../config.js';
import { UserError } from '../errors.js';
import { defaultPolicy, type Policy } from '../policy/judge.js';
import { CONFIRM_TIMEOUT_MS } from './confirm.js';

export type McpPolicyConfig = Pick<Config['mcp'], 'allowWrites' | 'allowTools' | 'denyTools' | 'deniedKinds' | 'protectedNamespaces'> & Partial<Pick<Config['mcp'], 'confirmDestructive'>>;

/** How write calls run: the execution mode, the guardian's policy, who records them, how long a person may take. */
export interface ExecutionSettings {
  /** read-only: no write tool; propose: every write is a dry run; execute: writes run once the guardian lets them. */
  mode: ExecutionMode;
  /** The guardian's policy as it is now (read on every call, so a reloaded policy applies at once). */
  guardianPolicy: () => Policy;
  /** Where non-dry-run writes are recorded; none: not recorded. */
  audit: AuditLog | undefined;
  /** How audit entries name this server: "mcp-kubernetes". */
  agent: string;
  /** How long a person has to answer an approval or confirmation. */
  approvalTimeoutMs: number;
}

/** What a server factory may be given for its writes: the audit log, and the guardian's (hot-reloaded) policy. */
export interface WriteDeps {
  audit?: AuditLog | undefined;
  /** The guardian's policy as it is now; default: the built-in policy with mcp.protectedNamespaces. */
  policy?: (() => Policy) | undefined;
}

/** A server's execution settings from config and what its factory was given. */
export function executionSettings(config: Pick<Config, 'execution' | 'guardian'> & { mcp: Pick<Config['mcp'], 'protectedNamespaces'> }, agent: string, deps: WriteDeps = {}): Partial<ExecutionSettings> {
  return {
    mode: config.execution.mode,
    approvalTimeoutMs: config.execution.approvalTimeoutSeconds * 1000,
    agent,
    audit: deps.audit,
    guardianPolicy: deps.policy ?? builtInGuardianPolicy(config.mcp.protectedNamespaces, config.guardian.crewNamespace),
  };
}

/**
 * What the MCP servers may do. Checked when a tool is *called*, not only when tools are listed:
 * a client that remembers a tool name from elsewhere gets the same answer.
 */
export class ToolPolicy {
  private readonly deniedKinds: Set<string>;
  readonly execution: ExecutionSettings;

  constructor(
    readonly config: McpPolicyConfig,
    execution: Partial<ExecutionSettings> = {},
  ) {
    this.deniedKinds = new Set(config.deniedKinds.map((k) => k.toLowerCase()));
    this.execution = {
      // As loadConfig resolves an unset execution.mode: allowWrites alone means execute.
      mode: execution.mode ?? (config.allowWrites ? 'execute' : 'read-only'),
      guardianPolicy: execution.guardianPolicy ?? builtInGuardianPolicy(config.protectedNamespaces),
      audit: execution.audit,
      agent: execution.agent ?? 'mcp',
      approvalTimeoutMs: execution.approvalTimeoutMs ?? CONFIRM_TIMEOUT_MS,
    };
  }

  /** Whether a tool is registered at all (write tools only when writes are enabled and the mode is not read-only). */
  exposes(tool: string, kind: 'read' | 'write'): boolean {
    if (kind === 'write' && (!this.config.allowWrites || this.execution.mode === 'read-only')) return false;
    if (this.config.allowTools && !this.config.allowTools.includes(tool)) return false;
    return !this.config.denyTools.includes(tool);
  }

  assertTool(tool: string, kind: 'read' | 'write'): void {
    if (kind === 'write' && !this.config.allowWrites) {
      throw new UserError(`${tool} changes the cluster, and this server is read-only`, 'an operator can enable writes with mcp.allowWrites / K8S_EXPERTS_ALLOW_WRITES=true');
    }
    if (kind === 'write' && this.execution.mode === 'read-only') {
      throw new UserError(
        `${tool} changes the cluster, and this server runs in execution mode read-only: no write tool is offered`,
        'an operator sets execution.mode to propose (dry runs and proposals only) or execute (K8S_EXPERTS_EXECUTION_MODE=propose|execute)',
      );
    }
    if (!this.exposes(tool, kind)) throw new UserError(`tool ${tool} is disabled by policy (mcp.allowTools / mcp.denyTools)`);
  }

  /** Throws when any of a kind's names (plural, singular, Kind) is denied. */
  assertKind(names: { plural: string; singular: string; kind: string }): void {
    if ([names.plural, names.singular, names.kind.toLowerCase()].some((n) => this.deniedKinds.has(n))) {
      throw new UserError(`access to ${names.plural} is denied by policy (mcp.deniedKinds)`);
    }
  }

  /** Whether destructive writes must be confirmed by the client (on unless an operator turned it off). */
  get confirmDestructive(): boolean {
    return this.config.confirmDestructive ?? true;
  }

  assertWritableNamespace(namespace: string | undefined): void {
    if (namespace && this.config.protectedNamespaces.includes(namespace)) {
      throw new UserError(`namespace ${namespace} is protected (mcp.protectedNamespaces): no write tool may change it`, 'work in another namespace, or an operator removes it from mcp.protectedNamespaces');
    }
  }

  /** A write target: its kind must be allowed, and neither its namespace nor (for a Namespace object) itself protected. */
  assertWritable(target: { resource: { plural: string; singular: string; kind: string }; namespace?: string | undefined; name?: string | undefined }): void {
    this.assertKind(target.resource);
    this.assertWritableNamespace(target.namespace);
    if (target.resource.kind === 'Namespace') this.assertWritableNamespace(target.name);
  }
}

/** The guardian's built-in policy (no policy file): the configured protected namespaces and the crew's own added. */
function builtInGuardianPolicy(protectedNamespaces: readonly string[], crewNamespace?: string): () => Policy {
  const policy = defaultPolicy({ protectedNamespaces, ...(crewNamespace ? { crewNamespace } : {}) });
  return () => policy;
}
