/**
 * Which specialist's skill fits a request, scored against the skills the peers' cards publish
 * (tags, examples, descriptions) plus a few cues a tag cannot carry. Pure logic: the router
 * re-reads cards, this only ranks.
 */

export interface IndexedSkill {
  agent: string;
  skill: string;
  name: string;
  description: string;
  tags: string[];
  examples: string[];
}

export interface SkillMatch {
  agent: string;
  skill: string;
  score: number;
  /** Why it scored: the tags and cues that matched, for the reply's data part. */
  because: string[];
}

const STOPWORDS = new Set(
  'a an the is are was were be been am do does did of in on at to for from by with and or not no what which who whom whose when where why how this that these those it its my our your their i me we you they there here any all some many much can could should would will shall may might must me please tell show give get'.split(' '),
);

export function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9][a-z0-9-]*/g) ?? []).filter((w) => !STOPWORDS.has(w));
}

/** Cues for what tags alone miss: the shape of a question, not its nouns. */
const CUES: Array<{ pattern: RegExp; agent: string; skill: string; weight: number; label: string }> = [
  { pattern: /^\s*(how many|what is the (status|state|image|port|namespace|schedule|host|type)|get (the )?logs)/i, agent: 'ops', skill: 'cluster-query', weight: 2, label: 'asks for one value' },
  // A limit or request is a value in the spec; "when will it reach its limit" is a forecast.
  { pattern: /^\s*what (is|are) the (memory|cpu) (limits?|requests?)\b/i, agent: 'ops', skill: 'cluster-query', weight: 4, label: 'asks for a configured limit' },
  { pattern: /\bhelm charts?\b|\b(create|generate|write|make|scaffold|package)\b.*\bcharts?\b/i, agent: 'dev', skill: 'generate-chart', weight: 5, label: 'asks for a Helm chart' },
  { pattern: /^\s*(describe|show|list|get)\b|\b(annotations?|labels?)\b/i, agent: 'ops', skill: 'cluster-query', weight: 1.5, label: 'asks to see objects' },
  { pattern: /^\s*(analy[sz]e|scan)\b|\b(analy[sz]e|scan|health[- ]?check)\b.*\b(cluster|namespace|ns)\b|\bwhat('s| is) (wrong|broken) in\b|\b(problems|issues|misconfigurations?)\b.*\bin (the )?(cluster|namespace)\b|\b(cluster|namespace)\b.*\bfor (problems|issues|misconfigurations?)\b/i, agent: 'ops', skill: 'analyze-cluster', weight: 4, label: 'asks for a sweep of a namespace or the cluster' },
  { pattern: /\bwhy\b|\bwhat('s| is) wrong\b|\bnot (working|starting|running|ready)\b|\bkeeps? (crashing|restarting)\b|\bfix\b/i, agent: 'ops', skill: 'diagnose-workload', weight: 3, label: 'asks for a cause' },
  { pattern: /\b(cpu|memory|ram)\b.*\b(use|uses|usage|using|consum)|\b(usage|utili[sz]ation)\b|\buse the most\b|\bheaviest\b/i, agent: 'observability', skill: 'metrics-query', weight: 3, label: 'asks for resource usage' },
  { pattern: /^\s*(create|generate|write|make|scaffold|add)\b|\bgive me (a|the) (yaml|manifest)\b/i, agent: 'dev', skill: 'generate-manifest', weight: 3, label: 'asks for something new' },
  { pattern: /\bkubectl\b|\bhow (do|can) i\b|\bcommand\b/i, agent: 'dev', skill: 'kubectl-command', weight: 2.5, label: 'asks for a command' },
  { pattern: /^\s*(please\s+)?(scale|restart|rollout restart|delete|remove)\b/i, agent: 'dev', skill: 'kubectl-command', weight: 3.5, label: 'asks for a change to something that exists' },
  { pattern: /\b(may|can|should) i\b.*\b(delete|remove|scale|drain|apply|deploy|restart|patch)\b|\bis it safe\b|\ballowed to\b/i, agent: 'guardian', skill: 'verdict', weight: 4, label: 'asks for permission' },
  { pattern: /\b(the watch|watch (loop|findings?|report|results?))\b/i, agent: 'observability', skill: 'watch', weight: 3, label: 'asks what the watch found' },
  { pattern: /\bupgrade\b/i, agent: 'admin', skill: 'upgrade-readiness', weight: 3, label: 'mentions an upgrade' },
  { pattern: /\b(deprecated|removed)\b.*\bapi ?(versions?|groups?|s)?\b|\bapi ?(versions?|s)\b.*\b(deprecated|removed)\b/i, agent: 'admin', skill: 'upgrade-readiness', weight: 3, label: 'asks about deprecated or removed APIs' },
  { pattern: /\b(secure|security|vulnerab|hardening|run(s)? as root|cluster-admin|network ?polic)/i, agent: 'security', skill: 'posture-report', weight: 3, label: 'asks about security' },
  { pattern: /\breview\b.*\b(yaml|manifest|this)\b|\b(this|my) (yaml|manifest)\b.*\b(safe|secure|security)\b/i, agent: 'security', skill: 'review-manifest', weight: 4, label: 'brings a manifest to review' },
];

function phraseIn(phrase: string, text: string): boolean {
  return new RegExp(`(^|[^a-z0-9-])${phrase.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^a-z0-9-])`).test(text);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let both = 0;
  for (const w of a) if (b.has(w)) both++;
  return both === 0 ? 0 : both / (a.size + b.size - both);
}

/** Every skill scored for a request, best first; ties keep card order. */
export function rankSkills(request: string, skills: IndexedSkill[]): SkillMatch[] {
  const text = request.toLowerCase();
  const asked = new Set(words(request));
  return skills
    .map((s) => {
      const because: string[] = [];
      let score = 0;
      for (const tag of s.tags) {
        if (phraseIn(tag, text)) {
          score += tag.includes(' ') ? 2 : 1.5;
          because.push(`tag "${tag}"`);
        }
      }
      const example = Math.max(0, ...s.examples.map((e) => jaccard(asked, new Set(words(e)))));
      if (example > 0) {
        score += example * 4;
        if (example >= 0.3) because.push('like an example');
      }
      const description = new Set(words(`${s.name} ${s.description}`));
      score += [...asked].filter((w) => description.has(w)).length * 0.25;
      for (const cue of CUES) {
        if (cue.agent === s.agent && cue.skill === s.skill && cue.pattern.test(request)) {
          score += cue.weight;
          because.push(cue.label);
        }
      }
      return { agent: s.agent, skill: s.skill, score: Math.round(score * 100) / 100, because };
    })
    .sort((a, b) => b.score - a.score);
}

/** A create request goes through a plan: dev drafts, security reviews, guardian rules. */
export function needsChangePlan(best: SkillMatch | undefined): boolean {
  return best?.agent === 'dev' && best.skill === 'generate-manifest';
}
