import type { Config } from '../config.js';
import { UserError } from '../errors.js';

export type McpPolicyConfig = Pick<Config['mcp'], 'allowWrites' | 'allowTools' | 'denyTools' | 'deniedKinds' | 'protectedNamespaces'> & Partial<Pick<Config['mcp'], 'confirmDestructive'>>;

/**
 * What the MCP servers may do. Checked when a tool is *called*, not only when tools are listed:
 * a client that remembers a tool name from elsewhere gets the same answer.
 */
export class ToolPolicy {
  private readonly deniedKinds: Set<string>;

  constructor(readonly config: McpPolicyConfig) {
    this.deniedKinds = new Set(config.deniedKinds.map((k) => k.toLowerCase()));
  }

  /** Whether a tool is registered at all (write tools only when writes are enabled). */
  exposes(tool: string, kind: 'read' | 'write'): boolean {
    if (kind === 'write' && !this.config.allowWrites) return false;
    if (this.config.allowTools && !this.config.allowTools.includes(tool)) return false;
    return !this.config.denyTools.includes(tool);
  }

  assertTool(tool: string, kind: 'read' | 'write'): void {
    if (kind === 'write' && !this.config.allowWrites) {
      throw new UserError(`${tool} changes the cluster, and this server is read-only`, 'an operator can enable writes with mcp.allowWrites / K8S_EXPERTS_ALLOW_WRITES=true');
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
