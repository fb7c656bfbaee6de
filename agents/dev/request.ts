/**
 * A plain request ("Create a deployment of nginx with 2 replicas and a service") parsed into a
 * plan of what to generate (pure; odd input gives an empty plan, never an exception).
 *
 * Secret values are read only to notice that one was given: the plan keeps the keys, never the
 * values, so nothing downstream can echo them.
 */
import { keyValues } from '../../shared/secret-literals.js';
import { isImageReference } from './names.js';

// Found in the shared module, which masks them in task history and logs as well.
export { keyValues, secretValuesIn } from '../../shared/secret-literals.js';

export type PlannedKind = 'Deployment' | 'Service' | 'ConfigMap' | 'Secret' | 'Job' | 'CronJob';

export interface ManifestPlan {
  /** What to generate, in order. Empty: the request was not understood. */
  kinds: PlannedKind[];
  image?: string;
  replicas?: number;
  /** As the user wrote it (validated and, if need be, fixed later). */
  name?: string;
  namespace?: string;
  ports: number[];
  serviceType?: 'ClusterIP' | 'NodePort' | 'LoadBalancer';
  /** Cron expression. */
  schedule?: string;
  /** The phrase the schedule came from ("every hour"). */
  scheduleText?: string;
  /** A shell command for Jobs/CronJobs. */
  command?: string;
  /** ConfigMap data. */
  data: Record<string, string>;
  /** Secret keys (values are never kept). */
  secretKeys: string[];
  /** A secret value was given in the request (and withheld). */
  secretValueGiven: boolean;
  /** Things the parser noticed that the answer should mention. */
  notes: string[];
}

const STOP = new Set(['a', 'an', 'the', 'with', 'and', 'that', 'which', 'in', 'to', 'for', 'of', 'image', 'container', 'replica', 'replicas', 'service', 'every', 'named', 'called', 'namespace', 'on', 'port', 'it', 'my', 'new', 'one', 'two', 'three', 'deployment', 'cronjob', 'job', 'pod', 'pods', 'app', 'application']);

const NUMBER_WORDS: Record<string, number> = { zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12 };

function toNumber(word: string | undefined): number | undefined {
  if (word === undefined) return undefined;
  const n = /^\d+$/.test(word) ? Number(word) : NUMBER_WORDS[word.toLowerCase()];
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}

const unquote = (s: string) => s.replace(/^["'`]|["'`.,;:!?]+$/g, '');

const DAYS: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

/** "every hour" → "0 * * * *", "every 5 minutes" → "*\/5 * * * *", "daily at 3:30" → "30 3 * * *"; undefined when none. */
export function scheduleFromText(text: string): { cron: string; phrase: string } | undefined {
  const t = text.toLowerCase();
  const explicit = /["'`]((?:[\d*/,-]+\s+){4}[\d*/,-]+)["'`]/.exec(text) ?? /\bschedule\s+((?:[\d*/,-]+\s+){4}[\d*/,-]+)/i.exec(text);
  if (explicit) return { cron: explicit[1]!.trim().replace(/\s+/g, ' '), phrase: explicit[1]!.trim() };
  const at = /\bat\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?\b/.exec(t) ?? /\bat\s+(midnight|noon)\b/.exec(t);
  let hour = 0;
  let minute = 0;
  if (at) {
    if (at[1] === 'midnight') hour = 0;
    else if (at[1] === 'noon') hour = 12;
    else {
      hour = Number(at[1]) % 24;
      minute = Math.min(59, Number(at[2] ?? 0));
      if (at[3] === 'pm' && hour < 12) hour += 12;
      if (at[3] === 'am' && hour === 12) hour = 0;
    }
  }
  const everyN = /\bevery\s+(\d+|[a-z]+)\s+(minute|hour|day)s?\b/.exec(t);
  if (everyN) {
    const n = toNumber(everyN[1]);
    if (n !== undefined && n > 0) {
      if (everyN[2] === 'minute' && n < 60) return { cron: n === 1 ? '* * * * *' : `*/${n} * * * *`, phrase: everyN[0] };
      if (everyN[2] === 'hour' && n < 24) return { cron: n === 1 ? '0 * * * *' : `0 */${n} * * *`, phrase: everyN[0] };
      if (everyN[2] === 'day' && n < 32) return { cron: `${minute} ${hour} ${n === 1 ? '*' : `*/${n}`} * *`, phrase: everyN[0] };
    }
  }
  const m = /\b(every\s+minute|every\s+hour|hourly|every\s+day|daily|nightly|every\s+night|every\s+week|weekly|every\s+month|monthly|every\s+(sunday|monday|tuesday|wednesday|thursday|friday|saturday)|every\s+weekday)\b/.exec(t);
  if (!m) return at ? { cron: `${minute} ${hour} * * *`, phrase: at[0] } : undefined;
  const phrase = at ? `${m[0]} ${at[0]}` : m[0];
  if (/minute/.test(m[1]!)) return { cron: '* * * * *', phrase };
  if (/hour/.test(m[1]!)) return { cron: '0 * * * *', phrase };
  if (/day|daily|night/.test(m[1]!) && !m[2] && !/weekday/.test(m[1]!)) return { cron: `${minute} ${hour} * * *`, phrase };
  if (/weekday/.test(m[1]!)) return { cron: `${minute} ${hour} * * 1-5`, phrase };
  if (m[2]) return { cron: `${minute} ${hour} * * ${DAYS[m[2]]}`, phrase };
  if (/week/.test(m[1]!)) return { cron: `${minute} ${hour} * * 0`, phrase };
  return { cron: `${minute} ${hour} 1 * *`, phrase };
}

export function findImage(text: string): string | undefined {
  const patterns = [
    /\bimage\s+["'`]?([^\s"'`,]+)/i,
    /\busing\s+(?:the\s+)?(?:image\s+)?["'`]?([^\s"'`,]+)/i,
    /\bruns?\s+["'`]?([^\s"'`,]+)/i,
    /\brunning\s+["'`]?([^\s"'`,]+)/i,
    /\b(?:deployment|deploy|job|cronjob|cron\s+job|pod)\s+(?:of|for|with)\s+["'`]?([^\s"'`,]+)/i,
    /\b(?:deploy)\s+["'`]?([^\s"'`,]+)/i,
  ];
  for (const p of patterns) {
    const m = p.exec(text);
    const candidate = m ? unquote(m[1]!) : undefined;
    if (candidate && !STOP.has(candidate.toLowerCase()) && !/^\d+$/.test(candidate) && isImageReference(candidate.toLowerCase() === candidate ? candidate : candidate.toLowerCase())) {
      return candidate.toLowerCase() === candidate ? candidate : candidate.toLowerCase();
    }
  }
  return undefined;
}

export function parseManifestRequest(input: string): ManifestPlan {
  const text = typeof input === 'string' ? input.slice(0, 4000) : '';
  const t = text.toLowerCase();
  const plan: ManifestPlan = { kinds: [], ports: [], data: {}, secretKeys: [], secretValueGiven: false, notes: [] };

  const schedule = scheduleFromText(text);
  const wantsCron = /\bcron\s*jobs?\b/.test(t) || (schedule !== undefined && !/\bconfig\s*map|\bsecret\b/.test(t));
  const wantsJob = !wantsCron && /\bjobs?\b/.test(t);
  const wantsDeployment = /\bdeploy(ment)?s?\b/.test(t);
  const wantsConfigMap = /\bconfig\s*-?maps?\b/.test(t);
  const wantsSecret = /\bsecrets?\b/.test(t);
  const wantsService = /\b(services?|svc)\b/.test(t) || /\bexpose[sd]?\b/.test(t);

  if (wantsCron) plan.kinds.push('CronJob');
  if (wantsJob) plan.kinds.push('Job');
  if (wantsConfigMap) plan.kinds.push('ConfigMap');
  if (wantsSecret) plan.kinds.push('Secret');
  const image = findImage(text);
  if (image) plan.image = image;
  // A workload: a deployment asked for, or an image to run with nothing else that runs it.
  if (wantsDeployment || (image && !wantsCron && !wantsJob && !wantsConfigMap && !wantsSecret)) plan.kinds.unshift('Deployment');
  if (wantsService && (plan.kinds.includes('Deployment') || plan.kinds.length === 0)) plan.kinds.push('Service');

  const replicas = /\b(\d+|[a-z]+)\s+(?:replicas?|instances?|copies|pods)\b/i.exec(text) ?? /\breplicas?\s*(?:[:=]|of|to)?\s*(\d+)\b/i.exec(text);
  const n = toNumber(replicas?.[1]);
  if (n !== undefined) {
    if (n > 1000) plan.notes.push(`${n} replicas is more than this generator writes; using 1000`);
    plan.replicas = Math.min(n, 1000);
  }

  const name = /\b(?:named|called|name\b)\s*[:=]?\s*["'`]?([^\s"'`,]+)/i.exec(text);
  if (name) {
    const value = unquote(name[1]!);
    if (value && value.length <= 253) plan.name = value;
  }

  const ns =
    /\b(?:in|into|to|for)\s+(?:the\s+)?(?:namespace|ns)\s*[:=]?\s*["'`]?([^\s"'`,]+)/i.exec(text) ??
    /\bnamespace\s*[:=]\s*["'`]?([^\s"'`,]+)/i.exec(text) ??
    /\b(?:in|into)\s+(?:the\s+)?["'`]?([^\s"'`,]+)\s+namespace\b/i.exec(text) ??
    /(?:^|\s)(?:-n|--namespace)[\s=]+([^\s"'`,]+)/.exec(text) ??
    /\b(?:in|into)\s+["'`]?([a-z0-9][-a-z0-9]*)["'`]?\s*[?.!]?\s*$/.exec(text);
  if (ns && !/^(it|one|there|here)$/i.test(ns[1]!)) {
    const value = unquote(ns[1]!);
    if (value) plan.namespace = value.toLowerCase() === value ? value : value.toLowerCase();
  }

  for (const m of text.matchAll(/\bports?\s*[:=]?\s*(\d{1,5}(?:\s*(?:,|and|&)\s*\d{1,5})*)/gi)) {
    for (const p of m[1]!.split(/\s*(?:,|and|&)\s*/)) {
      const port = Number(p);
      if (port >= 1 && port <= 65535 && !plan.ports.includes(port)) plan.ports.push(port);
      else if (!(port >= 1 && port <= 65535)) plan.notes.push(`port ${p} is outside 1-65535 and was left out`);
    }
  }
  const listening = /\b(?:listens?|listening|exposes?|exposing)\s+(?:on\s+)?(?:port\s+)?(\d{1,5})\b/i.exec(text);
  if (listening) {
    const port = Number(listening[1]);
    if (port >= 1 && port <= 65535 && !plan.ports.includes(port)) plan.ports.push(port);
  }
  if (/\bnode\s*port\b/.test(t)) plan.serviceType = 'NodePort';
  else if (/\bload\s*balancer\b/.test(t)) plan.serviceType = 'LoadBalancer';

  if (schedule && (wantsCron || wantsJob)) {
    plan.schedule = schedule.cron;
    plan.scheduleText = schedule.phrase;
  }
  const command = /\b(?:command|cmd|executes?|that\s+(?:runs|does))\s+["'`](.+?)["'`]/i.exec(text);
  if (command) plan.command = command[1]!;

  const pairs = keyValues(text).filter(([k]) => !/^(replicas|namespace|name|image|port)$/i.test(k));
  if (wantsSecret) {
    for (const [k] of pairs) if (!plan.secretKeys.includes(k)) plan.secretKeys.push(k);
    if (pairs.length > 0) plan.secretValueGiven = true;
    const value = /\b(?:value|password|token|key)\s+(?:of\s+|is\s+|=\s*)?["'`]?[^\s"'`]+/i.exec(text);
    if (value && pairs.length === 0) {
      plan.secretValueGiven = true;
      const key = /\b(password|token)\b/i.exec(value[0])?.[1]?.toLowerCase() ?? 'value';
      plan.secretKeys.push(key);
    }
    if (plan.secretKeys.length === 0) plan.secretKeys.push('value');
  } else {
    for (const [k, v] of pairs) plan.data[k] = v;
  }
  // Nothing runs an image: a word taken for one may be a secret value ("using hunter22").
  if (!plan.kinds.some((k) => k === 'Deployment' || k === 'Job' || k === 'CronJob')) delete plan.image;
  return plan;
}
