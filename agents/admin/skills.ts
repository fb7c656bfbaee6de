/** Which of admin's skills a request is for: a `{ skill }` data part wins; otherwise rules over the text. Pure. */
export const ADMIN_SKILLS = ['cluster-versions', 'node-health', 'upgrade-readiness', 'certificates', 'etcd-backup', 'node-maintenance', 'namespace-backup'] as const;
export type AdminSkill = (typeof ADMIN_SKILLS)[number];

const RULES: Array<[AdminSkill, RegExp]> = [
  ['etcd-backup', /\b(etcd|etcdctl|snapshots?)\b/i],
  ['namespace-backup', /\b(back ?up|backups?|restore|export)\b.*\bnamespaces?\b|\bnamespaces?\b.*\b(back ?up|backups?|restore)\b/i],
  // Before upgrade-readiness (which also knows "drain" and "pdb"): a plan for taking nodes down.
  ['node-maintenance', /\b(drain|drains|draining|maintenance plan|maintain|node maintenance|rolling (node )?(upgrade|restart)|reboot)\b|\bcordon\b(?!ed)|\btake \S+ (down|offline)\b/i],
  ['certificates', /\b(certs?|certificates?|expir\w*|tls|x509)\b/i],
  ['upgrade-readiness', /\b(upgrade|upgrading|upgradable|deprecat\w*|removed apis?|apis? (that are )?removed|pdbs?|poddisruptionbudgets?|disruption|drain\w*)\b/i],
  ['cluster-versions', /\b(versions?|kubelets?|skew|release)\b/i],
  ['node-health', /\b(nodes?|capacity|allocatable|taints?|tainted|cordon(ed)?|maintenance|pressure|healthy|health|not ready|schedulable)\b/i],
];

/** The admin skill for a free-text request, or undefined when none fits. */
export function chooseAdminSkill(text: string): AdminSkill | undefined {
  return RULES.find(([, re]) => re.test(text))?.[0];
}
