/** Which of the security agent's skills a request asks for. Pure. */
import { yamlFromText } from './manifest.js';

export const SECURITY_SKILLS = ['posture-report', 'review-manifest'] as const;
export type SecuritySkill = (typeof SECURITY_SKILLS)[number];

function isSkill(x: unknown): x is SecuritySkill {
  return typeof x === 'string' && (SECURITY_SKILLS as readonly string[]).includes(x);
}

/** A data part `{ skill }` naming one of ours, when the caller (the router) picked it. */
export function requestedSkill(data: unknown[]): SecuritySkill | undefined {
  for (const d of data) {
    if (d && typeof d === 'object' && !Array.isArray(d) && isSkill((d as { skill?: unknown }).skill)) return (d as { skill: SecuritySkill }).skill;
  }
  return undefined;
}

function dataHasManifest(data: unknown[]): boolean {
  return data.some((d) => {
    if (!d || typeof d !== 'object' || Array.isArray(d)) return false;
    const o = d as Record<string, unknown>;
    return ['manifest', 'yaml', 'manifests', 'objects', 'object', 'kind'].some((k) => o[k] !== undefined);
  });
}

const POSTURE = /\b(secur\w*|posture|audit|complian\w*|harden\w*|cis|risk\w*|vulnerab\w*|root|privileged|escalat\w*|cluster-?admin|rbac|roles?|bindings?|permissions?|network ?polic\w*|netpol\w*|secrets?|passwords?|credentials?|latest|limits?|seccomp|capabilit\w*|host ?(network|pid|ipc|path)|pod security|pss)\b/i;
const REVIEW = /\b(review|manifest|yaml|safe to apply|before (i )?apply)/i;

/**
 * The skill for a request: a data part `{ skill }` wins; YAML in the text or a manifest in a
 * data part means a review; review words with no YAML too (the handler then asks for it);
 * security words mean a posture report; anything else is not ours (undefined).
 */
export function pickSkill(text: string, data: unknown[]): SecuritySkill | undefined {
  const requested = requestedSkill(data);
  if (requested) return requested;
  if (yamlFromText(text) !== undefined || dataHasManifest(data)) return 'review-manifest';
  if (REVIEW.test(text) && !/\b(cluster|namespace)\b/i.test(text)) return 'review-manifest';
  if (POSTURE.test(text)) return 'posture-report';
  return undefined;
}
