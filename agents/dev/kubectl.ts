/**
 * The kubectl command for a plain request (pure): an argument array (no shell string), a
 * display line, and what it would change. Every name and namespace is checked (DNS-1123, no
 * leading "-"), and secret values never appear: `***` stands where the value goes.
 */
import { SECRET_PLACEHOLDER } from './generate.js';
import { DNS1123_SUBDOMAIN, isDnsLabel } from './names.js';
import { keyValues } from './request.js';

export type KubectlVerb = 'scale' | 'restart' | 'create-secret' | 'create-configmap' | 'create-namespace' | 'get' | 'describe' | 'logs' | 'delete';

export interface KubectlIntent {
  verb: KubectlVerb;
  /** kubectl's resource word: deployment, pods, secret, … */
  resource?: string;
  name?: string;
  namespace?: string;
  replicas?: number;
  /** Keys for create secret/configmap; configmap values are kept, secret values never. */
  keys?: string[];
  values?: Record<string, string>;
  previous?: boolean;
  follow?: boolean;
  container?: string;
}

export interface KubectlCommand {
  argv: string[];
  /** The argv joined for reading (arguments quoted where a shell would need it). */
  display: string;
  /** What running it would change; "nothing" for reads. */
  changes: string;
  readOnly: boolean;
  notes: string[];
}

const RESOURCES: Record<string, string> = {
  pod: 'pods', pods: 'pods', po: 'pods',
  deployment: 'deployments', deployments: 'deployments', deploy: 'deployments',
  service: 'services', services: 'services', svc: 'services',
  statefulset: 'statefulsets', statefulsets: 'statefulsets', sts: 'statefulsets',
  daemonset: 'daemonsets', daemonsets: 'daemonsets', ds: 'daemonsets',
  configmap: 'configmaps', configmaps: 'configmaps', cm: 'configmaps',
  secret: 'secrets', secrets: 'secrets',
  job: 'jobs', jobs: 'jobs', cronjob: 'cronjobs', cronjobs: 'cronjobs',
  node: 'nodes', nodes: 'nodes', namespace: 'namespaces', namespaces: 'namespaces', ns: 'namespaces',
  ingress: 'ingresses', ingresses: 'ingresses', event: 'events', events: 'events',
  pvc: 'persistentvolumeclaims', persistentvolumeclaim: 'persistentvolumeclaims', persistentvolumeclaims: 'persistentvolumeclaims',
  replicaset: 'replicasets', replicasets: 'replicasets', rs: 'replicasets',
};
const SINGULAR: Record<string, string> = { pods: 'pod', deployments: 'deployment', services: 'service', statefulsets: 'statefulset', daemonsets: 'daemonset', configmaps: 'configmap', secrets: 'secret', jobs: 'job', cronjobs: 'cronjob', nodes: 'node', namespaces: 'namespace', ingresses: 'ingress', events: 'event', persistentvolumeclaims: 'persistentvolumeclaim', replicasets: 'replicaset' };
const CLUSTER_SCOPED = new Set(['nodes', 'namespaces']);

const clean = (s: string | undefined) => s?.replace(/^["'`]|["'`.,;:!?]+$/g, '');

function namespaceOf(text: string): string | undefined {
  const m =
    /\b(?:in|from|of)\s+(?:the\s+)?(?:namespace|ns)\s+["'`]?([^\s"'`,?]+)/i.exec(text) ??
    /\b(?:in|from)\s+(?:the\s+)?["'`]?([^\s"'`,?]+)\s+namespace\b/i.exec(text) ??
    /(?:^|\s)(?:-n|--namespace)[\s=]+([^\s"'`,?]+)/.exec(text) ??
    // "… in shop?" at the end of the request
    /\b(?:in|from)\s+["'`]?([a-z0-9][-a-z0-9]*)["'`]?\s*[?.!]?\s*$/.exec(text);
  return clean(m?.[1]);
}

function resourceWord(word: string | undefined): string | undefined {
  return word ? RESOURCES[word.toLowerCase()] : undefined;
}

/** The intent of a request, or undefined when it names no kubectl task this knows. */
export function parseKubectlRequest(input: string): KubectlIntent | undefined {
  const text = typeof input === 'string' ? input.slice(0, 2000) : '';
  const namespace = namespaceOf(text);
  const ns = namespace ? { namespace } : {};

  const scale = /\bscale\s+(?:(?:the\s+)?(deployment|deploy|statefulset|sts|replicaset|rs)(?:\/|\s+))?["'`]?([\w.-]+?)["'`]?\s+(?:\S+\s+){0,3}?to\s+(\d+)/i.exec(text);
  if (scale) return { verb: 'scale', resource: resourceWord(scale[1]) ?? 'deployments', name: scale[2]!, replicas: Number(scale[3]), ...ns };

  const restart = /\b(?:rollout\s+)?restart\s+(?:the\s+)?(?:(deployment|deploy|statefulset|sts|daemonset|ds)(?:\/|\s+))?["'`]?([\w.-]+)/i.exec(text);
  if (restart && !/^(the|a|an|all|my)$/i.test(restart[2]!)) return { verb: 'restart', resource: resourceWord(restart[1]) ?? 'deployments', name: restart[2]!, ...ns };

  if (/\bsecrets?\b/i.test(text) && /\b(create|make|add|new|generate)\b/i.test(text)) {
    const named = /\b(?:named|called|name\b)\s*["'`]?([^\s"'`,?]+)/i.exec(text);
    const pairs = keyValues(text);
    const keys = pairs.map(([k]) => k);
    if (keys.length === 0) keys.push(/\bpassword\b/i.test(text) ? 'password' : /\btoken\b/i.test(text) ? 'token' : 'value');
    return { verb: 'create-secret', name: clean(named?.[1]) ?? 'app-secret', keys, ...ns };
  }
  if (/\bconfig\s*-?maps?\b/i.test(text) && /\b(create|make|add|new|generate)\b/i.test(text)) {
    const named = /\b(?:named|called|name\b)\s*["'`]?([^\s"'`,?]+)/i.exec(text);
    const values = Object.fromEntries(keyValues(text));
    return { verb: 'create-configmap', name: clean(named?.[1]) ?? 'app-config', keys: Object.keys(values), values, ...ns };
  }
  const createNs = /\b(?:create|make|add)\s+(?:a\s+)?(?:new\s+)?namespace\s+(?:named\s+|called\s+)?["'`]?([^\s"'`,?]+)/i.exec(text);
  if (createNs) return { verb: 'create-namespace', resource: 'namespaces', name: clean(createNs[1])! };

  const logs = /\blogs?\b/i.exec(text);
  if (logs) {
    const target = /\blogs?\s+(?:of|for|from)\s+(?:the\s+)?(?:(pod|deployment|deploy|job)(?:\/|\s+))?["'`]?([\w.-]+)/i.exec(text) ?? /\b(pod|deployment|deploy|job)(?:\/|\s+)["'`]?([\w.-]+)["'`]?.*\blogs?\b/i.exec(text) ?? /\bkubectl\s+logs\s+(?:(pod|deployment|deploy|job)\/)?([\w.-]+)/i.exec(text);
    if (target && !/^(the|a|an|all|my|pod|pods)$/i.test(target[2]!)) {
      return { verb: 'logs', resource: resourceWord(target[1]) ?? 'pods', name: target[2]!, previous: /\b(previous|crash|crashed|last run|before (it )?restart)/i.test(text), follow: /\b(follow|stream|tail -f|live)\b/i.test(text), ...ns };
    }
  }
  const describe = /\bdescribe\s+(?:the\s+)?(\w+)(?:\/|\s+)["'`]?([\w.-]+)/i.exec(text);
  if (describe && resourceWord(describe[1])) return { verb: 'describe', resource: resourceWord(describe[1])!, name: describe[2]!, ...ns };

  const del = /\b(?:delete|remove)\s+(?:the\s+)?(\w+)(?:\/|\s+)["'`]?([\w.-]+)/i.exec(text);
  if (del && resourceWord(del[1])) return { verb: 'delete', resource: resourceWord(del[1])!, name: del[2]!, ...ns };

  const get = /\b(?:get|list|show|see|view)\s+(?:all\s+|the\s+)?(\w+)(?:(?:\/|\s+)["'`]?([\w.-]+))?/i.exec(text);
  if (get && resourceWord(get[1])) {
    const name = get[2] && !/^(in|from|on|across|of|for|with|and|named)$/i.test(get[2]) ? get[2] : undefined;
    return { verb: 'get', resource: resourceWord(get[1])!, ...(name ? { name } : {}), ...ns };
  }
  return undefined;
}

/** Quotes an argument for display the way a POSIX shell would need it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export class KubectlArgumentError extends Error {}

function checkName(value: string | undefined, what: string, subdomain = true): string {
  if (!value) throw new KubectlArgumentError(`${what} is missing`);
  if (value.startsWith('-')) throw new KubectlArgumentError(`${what} "${value}" starts with "-": it would be read as a flag`);
  if (!(subdomain ? DNS1123_SUBDOMAIN.test(value) && value.length <= 253 : isDnsLabel(value))) {
    throw new KubectlArgumentError(`${what} "${value}" is not a valid Kubernetes name (lower-case letters, digits and "-")`);
  }
  return value;
}

/** The command for an intent; throws KubectlArgumentError for a name that is not one. */
export function kubectlCommand(intent: KubectlIntent): KubectlCommand {
  const notes: string[] = [];
  const nsArgs = (resource: string | undefined): string[] => {
    if (resource && CLUSTER_SCOPED.has(resource)) return [];
    return intent.namespace ? ['-n', checkName(intent.namespace, 'namespace', false)] : [];
  };
  const where = intent.namespace ? ` in namespace ${intent.namespace}` : ' in the current namespace';
  let argv: string[];
  let changes: string;
  let readOnly = false;
  switch (intent.verb) {
    case 'scale': {
      const replicas = intent.replicas ?? 1;
      if (!Number.isSafeInteger(replicas) || replicas < 0) throw new KubectlArgumentError(`replicas must be a whole number ≥ 0, not ${replicas}`);
      const kind = SINGULAR[intent.resource ?? 'deployments'] ?? 'deployment';
      argv = ['kubectl', 'scale', `${kind}/${checkName(intent.name, 'name')}`, `--replicas=${replicas}`, ...nsArgs(intent.resource)];
      changes = `sets spec.replicas of ${kind} ${intent.name}${where} to ${replicas}${replicas === 0 ? ': every pod of it stops (the guardian asks for approval)' : '; pods are added or removed to match'}`;
      break;
    }
    case 'restart': {
      const kind = SINGULAR[intent.resource ?? 'deployments'] ?? 'deployment';
      argv = ['kubectl', 'rollout', 'restart', `${kind}/${checkName(intent.name, 'name')}`, ...nsArgs(intent.resource)];
      changes = `adds a restartedAt annotation to the pod template of ${kind} ${intent.name}${where}, so every pod is replaced by a rolling update`;
      break;
    }
    case 'create-secret': {
      const keys = intent.keys?.length ? intent.keys : ['value'];
      for (const k of keys) if (!/^[-._a-zA-Z0-9]+$/.test(k)) throw new KubectlArgumentError(`secret key "${k}" may hold only letters, digits, "-", "_" and "."`);
      argv = ['kubectl', 'create', 'secret', 'generic', checkName(intent.name, 'secret name'), ...keys.map((k) => `--from-literal=${k}=${SECRET_PLACEHOLDER}`), ...nsArgs('secrets')];
      changes = `creates Secret ${intent.name}${where} with key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}; fails if it exists`;
      notes.push(
        `${SECRET_PLACEHOLDER} stands for the value, which is never echoed. Supply it without putting it in shell history: \`read -s VALUE\` and pass --from-literal=${keys[0]}="$VALUE", or --from-file=${keys[0]}=./value.txt.`,
      );
      break;
    }
    case 'create-configmap': {
      const values = intent.values ?? {};
      argv = ['kubectl', 'create', 'configmap', checkName(intent.name, 'configmap name'), ...Object.entries(values).map(([k, v]) => `--from-literal=${k}=${v}`), ...nsArgs('configmaps')];
      changes = `creates ConfigMap ${intent.name}${where}${Object.keys(values).length ? ` with ${Object.keys(values).join(', ')}` : ' (empty)'}; fails if it exists`;
      break;
    }
    case 'create-namespace':
      argv = ['kubectl', 'create', 'namespace', checkName(intent.name, 'namespace', false)];
      changes = `creates namespace ${intent.name}`;
      break;
    case 'get':
      argv = ['kubectl', 'get', intent.resource ?? 'pods', ...(intent.name ? [checkName(intent.name, 'name')] : []), ...nsArgs(intent.resource)];
      changes = 'nothing: it only reads';
      readOnly = true;
      break;
    case 'describe':
      argv = ['kubectl', 'describe', intent.resource ?? 'pods', checkName(intent.name, 'name'), ...nsArgs(intent.resource)];
      changes = 'nothing: it only reads';
      readOnly = true;
      break;
    case 'logs': {
      const target = intent.resource && intent.resource !== 'pods' ? `${SINGULAR[intent.resource] ?? 'pod'}/${checkName(intent.name, 'name')}` : checkName(intent.name, 'pod name');
      argv = ['kubectl', 'logs', target, ...nsArgs('pods'), ...(intent.previous ? ['--previous'] : []), ...(intent.follow ? ['-f'] : ['--tail=200'])];
      changes = 'nothing: it only reads';
      readOnly = true;
      if (intent.previous) notes.push('--previous shows the log of the container before its last restart (what a crash printed).');
      break;
    }
    case 'delete': {
      const kind = SINGULAR[intent.resource ?? 'pods'] ?? intent.resource ?? 'pod';
      argv = ['kubectl', 'delete', `${kind}/${checkName(intent.name, 'name')}`, ...nsArgs(intent.resource)];
      changes = `deletes ${kind} ${intent.name}${CLUSTER_SCOPED.has(intent.resource ?? '') ? '' : where}${kind === 'namespace' ? ' and everything in it' : ''}; this cannot be undone (a controller may recreate a pod it owns)`;
      notes.push('Deletes pass the guardian first: it decides allow, require-approval or deny.');
      break;
    }
  }
  return { argv, display: argv.map(shellQuote).join(' '), changes, readOnly, notes };
}
