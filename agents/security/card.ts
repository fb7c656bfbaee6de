/** The security agent's card: cards/security.json is the single source of its skills. */
import { type AgentCardSpec, loadCardSpec } from '../../shared/a2a/card.js';

export const AGENT = 'security' as const;

export function securityCard(): AgentCardSpec {
  return loadCardSpec(AGENT);
}
