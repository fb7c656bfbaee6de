import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Config } from './config.js';
import { createKubeClient, type KubeClient } from './kube.js';
import { ResourceCatalog } from './kube-discovery.js';
import { kubeRequest } from './kube-http.js';
import type { ToolPolicy } from './mcp/policy.js';
import { SecretRedactor } from './redact.js';
import type { Logger } from './logger.js';

const CATALOG_TTL_MS = 60_000;
const REDACTOR_TTL_MS = 15_000;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

/** Everything the kubernetes tools share: clients per context, discovery, secret scrubbing, policy. */
export class ClusterAccess {
  private readonly clients = new Map<string, KubeClient>();
  private readonly catalogs = new Map<string, Cached<ResourceCatalog>>();
  private readonly redactors = new Map<string, Cached<SecretRedactor>>();

  constructor(
    readonly config: Config['kubernetes'],
    readonly policy: ToolPolicy,
    readonly logger: Logger,
  ) {}

  client(context?: string): KubeClient {
    const key = context ?? '';
    let client = this.clients.get(key);
    if (!client) {
      client = createKubeClient({ ...this.config, ...(context ? { context } : {}) });
      this.clients.set(key, client);
    }
    return client;
  }

  catalog(client: KubeClient): Promise<ResourceCatalog> {
    return cached(this.catalogs, client.context, CATALOG_TTL_MS, () => ResourceCatalog.load(client));
  }

  /**
   * A redactor that knows every Secret value in the namespace (all namespaces when undefined),
   * for text the cluster hands back that could echo one: logs, events, messages. Without the
   * right to list Secrets it still scrubs credential-shaped text.
   */
  redactor(client: KubeClient, namespace?: string): Promise<SecretRedactor> {
    return cached(this.redactors, `${client.context}/${namespace ?? '*'}`, REDACTOR_TTL_MS, async () => {
      const redactor = new SecretRedactor();
      try {
        const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets` : '/api/v1/secrets';
        const list = (await kubeRequest(client, { path })).json as { items?: Array<{ data?: Record<string, string> }> };
        for (const secret of list.items ?? []) redactor.addSecret(secret);
      } catch (e) {
        this.logger.debug({ err: e }, 'cannot list secrets for redaction; falling back to patterns');
      }
      return redactor;
    });
  }
}

/**
 * One scrubber for every kubernetes tool: whatever a tool returns — text, structured
 * content or an error — is scrubbed of the Secret values of the namespace it asked about (all
 * namespaces when it named none), so a new tool cannot leak one by forgetting to.
 */
export function scrubSecretValues(access: ClusterAccess) {
  return async (result: CallToolResult, args: { namespace?: string | undefined; context?: string | undefined }): Promise<CallToolResult> => {
    const redactor = await access.redactor(access.client(args.context), args.namespace);
    return redactor.redactDeep(result);
  };
}

function cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
  const hit = map.get(key);
  if (hit && Date.now() - hit.at < ttl) return hit.value;
  const value = load();
  map.set(key, { at: Date.now(), value });
  value.catch(() => map.delete(key));
  return value;
}
