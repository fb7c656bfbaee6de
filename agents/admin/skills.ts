/** Which of admin's skills a request is for: a `{ skill }` data part wins; otherwise rules over the text. Pure. */
export const ADMIN_SKILLS = ['cluster-versions', 'node-health', 'upgrade-readiness'] as const;
export type AdminSkill = (typeof ADMIN_SKILLS)[number];

function skillsIn(data: readonly unknown[]): string[] {
  return data.flatMap((d) => (d && typeof d === 'object' && typeof (d as { skill?: unknown }).skill === 'string' ? [(d as { skill: string }).skill] : []));
}

/** The admin skill a data part names; `unknown` when it names one admin does not have. */
export function requestedAdminSkill(data: readonly unknown[]): { skill: AdminSkill } | { unknown: string } | undefined {
  const named = skillsIn(data)[0];
  if (named === undefined) return undefined;
  return (ADMIN_SKILLS as readonly string[]).includes(named) ? { skill: named as AdminSkill } : { unknown: named };
}

const RULES: Array<[AdminSkill, RegExp]> = [
  ['upgrade-readiness', /\b(upgrade|upgrading|upgradable|deprecat\w*|removed apis?|apis? (that are )?removed|pdbs?|poddisruptionbudgets?|disruption|drain\w*)\b/i],
  ['cluster-versions', /\b(versions?|kubelets?|skew|release)\b/i],
  ['node-health', /\b(nodes?|capacity|allocatable|taints?|tainted|cordon(ed)?|maintenance|pressure|healthy|health|not ready|schedulable)\b/i],
];

/** The admin skill for a free-text request, or undefined when none fits. */
export function chooseAdminSkill(text: string): AdminSkill | undefined {
  return RULES.find(([, re]) => re.test(text))?.[0];
}
