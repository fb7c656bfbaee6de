/**
 * Which of ops' skills a request is for: a `{ skill }` data part (the router's choice, read by
 * requestedSkill in shared/a2a/agent.ts) wins;
 * otherwise simple rules over the text. Pure.
 */
export const OPS_SKILLS = ['cluster-query', 'diagnose-workload', 'service-connectivity', 'analyze-cluster'] as const;
export type OpsSkill = (typeof OPS_SKILLS)[number];

// A question that asks for one value stays a query even when it names endpoints or failures.
const VALUE_QUESTION = /^\s*(how many|what is the (status|state|value|image|port|host|schedule)|which (pods?|image|port|namespace)\b(?! back))/i;
const CONNECTIVITY = [
  /\b(no|zero|empty) endpoints?\b/i,
  /\bcan('t|not)? traffic reach\b/i,
  /\b(traffic|connectivity|unreachable|not reachable|can't reach|cannot reach|connection refused)\b/i,
  /\bwhich pods back\b/i,
  /\b(service|svc)\b.*\b(selector|endpoints?|route|routes|reach)\b/i,
  /\btrace\b.*\b(service|svc)\b/i,
];
// A sweep over a namespace or the cluster, not one named workload.
const ANALYZE = [
  /^\s*(analy[sz]e|scan)\b/i,
  /\b(analy[sz]e|scan|audit|health[- ]?check)\b.*\b(cluster|namespace|ns)\b/i,
  /\bwhat('s| is) (wrong|broken) in\b/i,
  /\b(problems|issues|misconfigurations?)\b.*\bin (the )?(cluster|namespace)\b/i,
  /\b(cluster|namespace)\b.*\bfor (problems|issues|misconfigurations?)\b/i,
];
const DIAGNOSE = [
  /^\s*(why|troubleshoot|diagnose|debug|investigate|explain why)\b/i,
  /\bwhat('s| is) (wrong|broken|the (problem|issue|root cause))\b/i,
  /\broot cause\b/i,
  /\bwhy (is|are|does|do|did|won't|isn't|aren't|can't)\b/i,
  /\b(keeps? (crashing|restarting|failing)|not starting|won't start|doesn't start)\b/i,
];

/** The ops skill for a free-text request. */
export function chooseOpsSkill(text: string): OpsSkill {
  if (VALUE_QUESTION.test(text)) return 'cluster-query';
  if (ANALYZE.some((r) => r.test(text))) return 'analyze-cluster';
  if (CONNECTIVITY.some((r) => r.test(text))) return 'service-connectivity';
  if (DIAGNOSE.some((r) => r.test(text))) return 'diagnose-workload';
  return 'cluster-query';
}

const STOP_WORDS = new Set(
  'a an the is are was were be been does do did why what whats which who how with of in on at to for from my our your its it this that these those pod pods service services svc namespace namespaces deployment deployments workload workloads failing failed crashing crash not starting start working broken wrong pending stuck there have has no any can traffic reach back endpoints endpoint troubleshoot diagnose debug investigate explain root cause error errors problem issue keeps cluster and or everything anything something all any today now happening going up down still again right me us please tell show find out'.split(' '),
);

/** The words of a request that could be object names (lower-case DNS-1123 tokens, stop words dropped), in order. */
export function candidateNames(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]([a-z0-9.-]*[a-z0-9])?/g) ?? [];
  return [...new Set(words.filter((w) => !STOP_WORDS.has(w) && w.length > 1))];
}
