/**
 * A question parsed against the live cluster's vocabulary: what is asked (a count, a status,
 * an image …) and about what (a kind, a namespace, one named object, a status filter). Pure
 * logic and rules, no model: what it cannot place it says so, and the engine answers honestly.
 */
import type { KindWords, NamedObject, Vocabulary } from './vocabulary.js';

export type Ask =
  | 'logs'
  | 'count'
  | 'restarts'
  | 'replicas'
  | 'containers'
  | 'endpoints'
  | 'spawned'
  | 'image'
  | 'probe'
  | 'port'
  | 'node'
  | 'ip'
  | 'namespace-of'
  | 'service-type'
  | 'schedule'
  | 'host'
  | 'env'
  | 'version'
  | 'capacity'
  | 'list'
  | 'status';

/** Which pods (or objects) a question narrows to by their state. */
export type StatusFilter = { kind: 'is'; status: string } | { kind: 'unhealthy' };

export interface ParsedQuestion {
  ask: Ask;
  /** Kinds the question names, in the order it names them ("how many pods does deployment x run": pods, deployment). */
  kinds: KindWords[];
  namespace: string | undefined;
  /** "across all namespaces", "in the cluster": no namespace on purpose. */
  allNamespaces: boolean;
  target: NamedObject | undefined;
  status: StatusFilter | undefined;
  probe: 'readiness' | 'liveness' | 'startup' | undefined;
  envVar: string | undefined;
  tail: number | undefined;
  previous: boolean;
  resource: 'cpu' | 'memory' | 'pods' | undefined;
}

export type Parse = ParsedQuestion | { ask: 'unknown'; reason: string };

// kubectl's short names that are also English words are left out: "no" (nodes), "ev", "ep".
const SHORT_NAMES = new Set(['po', 'svc', 'deploy', 'sts', 'ds', 'rs', 'cm', 'ns', 'pvc', 'pv', 'ing', 'cj', 'sa', 'hpa', 'netpol', 'pdb', 'crd', 'crds']);

const SPACED_KINDS: Array<[RegExp, string]> = [
  [/\bstateful ?sets?\b/g, 'statefulsets'],
  [/\bdaemon ?sets?\b/g, 'daemonsets'],
  [/\breplica ?sets?\b/g, 'replicasets'],
  [/\bcron ?jobs?\b/g, 'cronjobs'],
  [/\bconfig ?maps?\b/g, 'configmaps'],
  [/\bservice ?accounts?\b/g, 'serviceaccounts'],
  [/\bpersistent ?volume ?claims?\b/g, 'persistentvolumeclaims'],
  [/\bingress(es)?\b/g, 'ingresses'],
];

const STATUS_WORDS: Array<[RegExp, StatusFilter]> = [
  [/\b(crash ?loop(ing|backoff)?|crash-looping|crashing)\b/, { kind: 'is', status: 'CrashLoopBackOff' }],
  [/\b(image ?pull ?back ?off|err ?image ?pull|can(no|')t pull)\b/, { kind: 'is', status: 'ImagePullBackOff' }],
  [/\bnot (running|ready|healthy)|\b(failing|failed|broken|unhealthy|in trouble|having (problems|issues)|erroring)\b/, { kind: 'unhealthy' }],
  [/\bpending\b/, { kind: 'is', status: 'Pending' }],
  [/\b(completed|succeeded|finished)\b/, { kind: 'is', status: 'Completed' }],
  [/\brunning\b/, { kind: 'is', status: 'Running' }],
];

/** Kinds a question asks about when it names an object but not its kind, per ask. */
export const PREFERRED_KINDS: Record<Ask, string[]> = {
  logs: ['Pod'],
  restarts: ['Pod'],
  node: ['Pod'],
  ip: ['Pod', 'Service'],
  status: ['Pod', 'Node', 'Job', 'Deployment', 'StatefulSet', 'Namespace'],
  containers: ['Pod', 'Deployment', 'StatefulSet'],
  count: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'Service'],
  replicas: ['Deployment', 'StatefulSet', 'ReplicaSet'],
  spawned: ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet'],
  image: ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'CronJob', 'Job'],
  probe: ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod'],
  env: ['Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'CronJob', 'Job'],
  port: ['Deployment', 'StatefulSet', 'Service', 'Pod'],
  endpoints: ['Service'],
  'service-type': ['Service'],
  schedule: ['CronJob'],
  host: ['Ingress'],
  'namespace-of': ['Deployment', 'StatefulSet', 'Service', 'Pod', 'CronJob', 'Job', 'Ingress', 'ConfigMap', 'Secret', 'DaemonSet'],
  capacity: ['Node'],
  version: ['Node'],
  list: [],
};

function normalize(question: string): string {
  let q = question.toLowerCase().replace(/[“”"'`?!,;()]/g, ' ').replace(/\.(\s|$)/g, ' ');
  for (const [pattern, word] of SPACED_KINDS) q = q.replace(pattern, word);
  return q.replace(/\s+/g, ' ').trim();
}

function tokensOf(q: string): string[] {
  return q.match(/[a-z0-9][a-z0-9._/:-]*[a-z0-9]|[a-z0-9]/g) ?? [];
}

function kindOf(token: string, kinds: KindWords[]): KindWords | undefined {
  return kinds.find((k) => k.plural === token || k.singular === token || k.kind.toLowerCase() === token || (SHORT_NAMES.has(token) && k.shortNames.includes(token)));
}

/** What is asked, from the question's wording (first rule that fits wins). */
function askOf(q: string): Ask | undefined {
  const rules: Array<[RegExp, Ask]> = [
    [/\blogs?\b|\blog output\b|\bprinted\b|\bwrote to (stdout|the console)\b/, 'logs'],
    [/\brestart/, 'restarts'],
    [/\b(kubernetes|cluster|server|kubelet|api ?server|control plane) version\b|\bversion of (kubernetes|the cluster|the api ?server|the kubelet)\b|\bwhat version\b/, 'version'],
    [/\b(readiness|liveness|startup) ?probe\b|\bhealth ?check\b/, 'probe'],
    [/\b(environment variables?|env vars?|env)\b/, 'env'],
    [/\breplicas?\b|\bdesired (pods|instances)\b|\bhow many (instances|copies)\b/, 'replicas'],
    [/\bhow many containers\b|\bcontainers? (are )?(in|does)\b/, 'containers'],
    [/\bendpoints?\b|\bbackends?\b/, 'endpoints'],
    [/\bspawn|\bcreated? by\b|\bbelongs? to\b|\bmanaged by\b|\bowned by\b|\bcontrolled by\b|\bpods? (of|for|from|behind)\b|\bwhich pods? (does|do|did|is|are)\b.*\b(run|create|start|manage)/, 'spawned'],
    [/\bimages?\b/, 'image'],
    [/\bports?\b/, 'port'],
    [/\b(which|what) node\b|\bon which node\b|\bnode .*(run|scheduled|placed)|\b(running|scheduled|placed) on\b/, 'node'],
    [/\bip( address)?\b|\bcluster ?ip\b|\baddress\b/, 'ip'],
    [/\b(which|what) namespace\b|\bnamespace (is|does|are|do) .*\b(in|live|run|deployed)\b|\bdeployed (in|to|into)\b.*\bnamespace\b/, 'namespace-of'],
    [/\b(service )?type\b/, 'service-type'],
    [/\bschedule\b|\bwhen does .* run\b|\bhow often\b/, 'schedule'],
    [/\bhosts?(name)?s?\b|\bdomain\b|\burl\b/, 'host'],
    [/\b(cpu|memory|pods?) (capacity|allocatable)\b|\b(capacity|allocatable)\b|\bhow (much|many) (cpu|memory|cores)\b/, 'capacity'],
    [/\bhow many\b|\bnumber of\b|\bcount\b/, 'count'],
    [/\bstatus\b|\bstate\b|\bphase\b|\bhealthy\b|\bis .* (running|ready|up|ok|healthy|working)\b/, 'status'],
    [/^(list|show|which|what|name|get|give|are there|is there)\b/, 'list'],
  ];
  return rules.find(([pattern]) => pattern.test(q))?.[1];
}

/** A pod's name without the suffixes its controller generated: frontend-785f8f59cf-ltdkp → frontend. */
export function bareName(pod: string, workloads: string[]): string {
  const owner = workloads
    .filter((w) => pod.startsWith(`${w}-`) && /^([a-z0-9]{5,10}-)?[a-z0-9]{5}$/.test(pod.slice(w.length + 1)))
    .sort((a, b) => b.length - a.length)[0];
  return owner ?? pod;
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicaSet', 'CronJob']);

/** The object a question names: by exact name, or a pod by its bare name; narrowed by kind words and namespace. */
function targetOf(tokens: string[], vocab: Vocabulary, kinds: KindWords[], namespace: string | undefined, ask: Ask): NamedObject | undefined {
  const workloads = vocab.objects.filter((o) => WORKLOAD_KINDS.has(o.kind)).map((o) => o.name);
  const inNamespace = (o: NamedObject) => !namespace || o.namespace === namespace || o.namespace === null;
  const candidates = vocab.objects.filter((o) => inNamespace(o) && tokens.some((t) => t === o.name || (o.kind === 'Pod' && t === bareName(o.name, workloads))));
  if (candidates.length === 0) return undefined;
  // The kind named right before or after the name wins ("pod named redis", "the redis service").
  const wanted = [...kinds.map((k) => k.kind), ...PREFERRED_KINDS[ask]];
  const ranked = [...candidates].sort((a, b) => {
    const rank = (o: NamedObject) => {
      const i = wanted.indexOf(o.kind);
      return i === -1 ? wanted.length : i;
    };
    // An exact name beats a bare pod name; a longer name beats a shorter one (payments-api over payments).
    return rank(a) - rank(b) || Number(tokens.includes(b.name)) - Number(tokens.includes(a.name)) || b.name.length - a.name.length;
  });
  return ranked[0];
}

export function parseQuestion(question: string, vocab: Vocabulary): Parse {
  const q = normalize(question);
  if (!q) return { ask: 'unknown', reason: 'the question is empty' };
  const tokens = tokensOf(q);
  const kinds = tokens.map((t) => kindOf(t, vocab.kinds)).filter((k): k is KindWords => Boolean(k));
  const allNamespaces = /\b(all|every|any|across) namespaces?\b|\bin the (whole )?cluster\b|\bcluster-wide\b|\bacross the cluster\b/.test(q);
  // A name ends where a name character stops ("-" included): "exec-crew" is not in "exec-crew-b".
  const namespace = allNamespaces ? undefined : vocab.namespaces.find((ns) => new RegExp(`\\b(namespace|ns|in|from|of) ${escape(ns)}(?![\\w-]|\\.\\w)|(?<![\\w.-])${escape(ns)} (namespace|ns)\\b`).test(q));
  // An upper-case name with an underscore (REDIS_ADDR) is an environment variable.
  const envVar = /\b([A-Z][A-Z0-9]*_[A-Z0-9_]+|[A-Z]{3,}[0-9]*)\b/.exec(question.replace(/\b(IP|CPU|API|URL|DNS|TLS|HTTPS?|ID|OK|RAM)\b/g, ''))?.[1];
  let ask = askOf(q);
  if (envVar && /\bvalue\b|\bset to\b/.test(q) && (ask === undefined || ask === 'status' || ask === 'list')) ask = 'env';
  if (!ask) return { ask: 'unknown', reason: 'no question word or verb this engine knows' };
  const status = STATUS_WORDS.find(([pattern]) => pattern.test(q))?.[1];
  const target = targetOf(
    tokens.filter((t) => !kinds.some((k) => k.plural === t || k.singular === t) && t !== namespace),
    vocab,
    kinds.filter((k) => ask !== 'count' || k !== kinds[0]),
    namespace,
    ask,
  );
  // "list/which pods are failing" with no object named is a list; with one named, a status.
  if (ask === 'list' && target && !status && kinds.every((k) => k.kind === target.kind)) ask = 'status';
  if (ask === 'status' && !target && (kinds.length > 0 || status)) ask = 'list';
  return {
    ask,
    kinds,
    namespace,
    allNamespaces,
    target,
    status,
    probe: /\breadiness\b/.test(q) ? 'readiness' : /\bliveness\b|\bhealth ?check\b/.test(q) ? 'liveness' : /\bstartup\b/.test(q) ? 'startup' : undefined,
    envVar,
    tail: Number(/\b(?:last|tail|final) (\d{1,5}) (?:lines?|entries)\b/.exec(q)?.[1] ?? NaN) || undefined,
    previous: /\bprevious\b|\bbefore (it|the) (crash|restart)|\blast (crash|run|restart)\b|\bcrashed\b/.test(q),
    resource: /\bcpu|cores\b/.test(q) ? 'cpu' : /\bmemory|ram\b/.test(q) ? 'memory' : /\bpods\b/.test(q) && ask === 'capacity' ? 'pods' : undefined,
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
