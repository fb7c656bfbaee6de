/**
 * The router's peers: base URLs (configured, the local crew, or Kubernetes Services labelled
 * k8s-experts.io/agent=true), each card read and its skills indexed, re-read on an interval; a
 * peer whose card stops answering is marked down and left out of routing until it answers again.
 */
import type { AgentCard } from '@a2a-js/sdk';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { buildAgentCard, loadCardSpec } from '../../shared/a2a/card.js';
import { errorMessage } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import type { IndexedSkill } from './classify.js';
import type { PeerClient } from './peer-client.js';

export interface PeerSource {
  url: string;
  /** The agent's name when the source knows it (the local crew); else derived from its card. */
  agent?: string;
}

export interface Peer {
  agent: string;
  url: string;
  up: boolean;
  card: AgentCard | undefined;
  lastError: string | undefined;
  checkedAt: number;
}

export const AGENT_LABEL = 'k8s-experts.io/agent';
export const URL_ANNOTATION = 'k8s-experts.io/url';

/** One of the crew's own cards from cards/, for a peer that has not answered yet. */
function crewCard(agent: string, url: string): AgentCard | undefined {
  try {
    return buildAgentCard(loadCardSpec(agent), { baseUrl: url });
  } catch {
    return undefined;
  }
}

/** "k8s-experts ops" → ops; another platform's "Cost Analyst" → cost-analyst. */
export function agentKey(card: AgentCard): string {
  const name = card.name.replace(/^k8s-experts\s*/i, '').trim();
  return name ? name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') : 'router';
}

export class PeerDirectory {
  private readonly peers = new Map<string, Peer>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly client: PeerClient,
    private readonly sources: () => Promise<PeerSource[]>,
    private readonly logger: Logger,
    private readonly self = 'router',
  ) {}

  /** Reads every source's card now; a card that fails marks its peer down. */
  async refresh(): Promise<Peer[]> {
    let sources: PeerSource[];
    try {
      sources = await this.sources();
    } catch (e) {
      this.logger.warn({ err: e }, 'peer discovery failed; keeping the peers known so far');
      sources = [...this.peers.values()].map((p) => ({ url: p.url, agent: p.agent }));
    }
    await Promise.all(
      sources.map(async (source) => {
        const known = [...this.peers.values()].find((p) => p.url === source.url);
        try {
          const card = await this.client.card(source.url);
          const agent = source.agent ?? agentKey(card);
          if (agent === this.self) return;
          if (known && known.agent !== agent) this.peers.delete(known.agent);
          if (!this.peers.get(agent)?.up) this.logger.info({ agent, url: source.url }, 'peer up');
          this.peers.set(agent, { agent, url: source.url, up: true, card, lastError: undefined, checkedAt: Date.now() });
        } catch (e) {
          const agent = source.agent ?? known?.agent ?? source.url;
          if (this.peers.get(agent)?.up !== false) this.logger.warn({ agent, url: source.url, err: errorMessage(e) }, 'peer down: its card does not answer');
          // A down peer keeps its last card (or, for the crew's own agents, the card in cards/): a
          // request it fits best is then answered "that agent is down", not by a poorer match.
          const card = this.peers.get(agent)?.card ?? (source.agent ? crewCard(source.agent, source.url) : undefined);
          this.peers.set(agent, { agent, url: source.url, up: false, card, lastError: errorMessage(e), checkedAt: Date.now() });
        }
      }),
    );
    return this.list();
  }

  /** Re-reads cards every `intervalMs` until stop(). */
  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  list(): Peer[] {
    return [...this.peers.values()].sort((a, b) => a.agent.localeCompare(b.agent));
  }

  get(agent: string): Peer | undefined {
    return this.peers.get(agent);
  }

  markDown(agent: string, reason: string): void {
    const peer = this.peers.get(agent);
    if (peer) this.peers.set(agent, { ...peer, up: false, lastError: reason, checkedAt: Date.now() });
  }

  /** The skills of every peer with a card, up or down: routing to a down one answers that it is down. */
  skills(): IndexedSkill[] {
    return this.list()
      .filter((p) => p.card)
      .flatMap((p) => p.card!.skills.map((s) => ({ agent: p.agent, skill: s.id, name: s.name, description: s.description, tags: s.tags, examples: s.examples })));
  }
}

/**
 * Peers published as Kubernetes Services labelled k8s-experts.io/agent=true: the URL from the
 * k8s-experts.io/url annotation, else the Service's in-cluster DNS name and first port.
 */
export async function kubernetesServicePeers(kubernetes: Client): Promise<PeerSource[]> {
  const list = await kubernetes.callTool({ name: 'k8s_list', arguments: { kind: 'services', labelSelector: `${AGENT_LABEL}=true`, view: 'rows' } });
  if (list.isError) throw new Error(`listing agent Services failed: ${JSON.stringify(list.content).slice(0, 200)}`);
  const items = ((list.structuredContent as { items?: Array<{ name?: unknown; namespace?: unknown }> } | undefined)?.items ?? []).map((i) => ({ name: String(i.name), namespace: String(i.namespace) }));
  return Promise.all(
    items.map(async ({ name, namespace }) => {
      const got = await kubernetes.callTool({ name: 'k8s_get', arguments: { kind: 'services', name, namespace, output: 'json' } });
      const svc = (got.structuredContent as { object?: { metadata?: { annotations?: Record<string, string> }; spec?: { ports?: Array<{ port: number }> } } } | undefined)?.object;
      const url = svc?.metadata?.annotations?.[URL_ANNOTATION] ?? `http://${name}.${namespace}.svc.cluster.local:${svc?.spec?.ports?.[0]?.port ?? 80}`;
      return { url };
    }),
  );
}
