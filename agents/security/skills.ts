/** Which of the security agent's skills a request asks for. Pure. */
import { requestedSkill } from '../../shared/a2a/agent.js';
import { yamlFromText } from './manifest.js';

export const SECURITY_SKILLS = ['posture-report', 'review-manifest'] as const;
export type SecuritySkill = (typeof SECURITY_SKILLS)[number];

function dataHasManifest(data: unknown[]): boolean {
  return data.some((d) => {
    if (!d || typeof d !== 'object' || Array.isArray(d)) return false;
    const o = d as Record<string, unknown>;
    return ['manifest', 'yaml', 'manifests', 'objects', 'object', 'kind'].some((k) => o[k] !== undefined);
  });
}

const POSTURE = /\b(secur\w*|posture|audit|complian\w*|harden\w*|cis|risk\w*|vulnerab\w*|root|privileged|escalat\w*|cluster-?admin|rbac|roles?|bindings?|permissions?|network ?polic\w*|netpol\w*|secrets?|passwords?|credentials?|latest|limits?|seccomp|capabilit\w*|host ?(network|pid|ipc|path|ports?)|pod security|pss|apparmor|selinux|sysctls?|default.?deny|impersonat\w*|pod ?disruption ?budgets?|pdbs?|read-?only root\w*|pull ?polic\w*|automount\w*|anti-?affinity|topology spread|priority ?class\w*|single replicas?|hygiene)\b/i;
const REVIEW = /\b(review|manifest|yaml|safe to apply|before (i )?apply)/i;

/**
 * The skill for a request: a data part `{ skill }` wins; YAML in the text or a manifest in a
 * data part means a review; review words with no YAML too (the handler then asks for it);
 * security words mean a posture report; anything else is not ours (undefined).
 */
export function pickSkill(text: string, data: unknown[]): SecuritySkill | undefined {
  // A skill named that is not ours leaves the choice to the wording.
  const requested = requestedSkill(data, SECURITY_SKILLS);
  if (requested && 'skill' in requested) return requested.skill;
  if (yamlFromText(text) !== undefined || dataHasManifest(data)) return 'review-manifest';
  if (REVIEW.test(text) && !/\b(cluster|namespace)\b/i.test(text)) return 'review-manifest';
  if (POSTURE.test(text)) return 'posture-report';
  return undefined;
}
