/** The observability agent's card: cards/observability.json is the single source of its skills. */
import { type AgentCardSpec, loadCardSpec } from '../../shared/a2a/card.js';

export const AGENT = 'observability' as const;

export function observabilityCard(): AgentCardSpec {
  return loadCardSpec(AGENT);
}
