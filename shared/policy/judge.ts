/**
 * The guardian's policy judged (pure): one function that checks a proposed action against the
 * rules of a policy (their schema: ./schema.ts; the built-in ones: ./default.ts).
 *
 * Verdict: deny if any deny rule matches, else require-approval if any approval rule matches,
 * else allow. Every matching rule gives a reason a person can read, with its rule id. Facts
 * that are missing (labels that could not be read, current replicas) count against the action.
 */
import { ADMIN_ROLES, judgesGrants, RBAC_KINDS, rbacDangers } from './rbac.js';
import type { Effect, Policy, Rule } from './schema.js';
import { globMatches, selectorMatches, selectorText } from './selector.js';
import { clockIn, insidePeriod, periodText } from './time-window.js';
import { canonicalKind, CLUSTER_SCOPED, isReadVerb, WRITE_VERBS } from './vocabulary.js';

export type { Effect, Policy, Rule } from './schema.js';
export { canonicalKind, isReadVerb, READ_VERBS, WRITE_VERBS } from './vocabulary.js';
export { DEFAULT_PROTECTED_NAMESPACES, defaultPolicy } from './default.js';

export type Verdict = 'allow' | Effect;

/** A proposed action, as callers send it (`{ action: {...} }`) or as parsed from text. */
export interface ProposedAction {
  verb: string;
  kind?: string | undefined;
  name?: string | undefined;
  namespace?: string | undefined;
  /** The objects a manifest holds (create/apply), already parsed. */
  objects?: ManifestLike[] | undefined;
  /** Target replicas of a scale. */
  replicas?: number | undefined;
  /** Flags a text request states without a manifest ("a privileged pod", "bind cluster-admin"). */
  privileged?: boolean | undefined;
  clusterRole?: string | undefined;
}

export interface ManifestLike {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; [k: string]: unknown } | undefined;
  [k: string]: unknown;
}

/** What the cluster says, looked up by the agent (or given by a test); absent facts are unknown. */
export interface ClusterFacts {
  /** Labels per namespace; `null`: the namespace does not exist. A namespace missing from the map: unknown. */
  namespaceLabels?: Record<string, Record<string, string> | null>;
  /** Replicas the scaled object has now. */
  currentReplicas?: number | undefined;
  /** The time the action is judged at (time-window rules); now when absent. */
  now?: Date | undefined;
}

export interface Finding {
  rule: string;
  effect: Effect;
  reason: string;
}

export interface Judgement {
  verdict: Verdict;
  reasons: string[];
  /** The ids of the rules that matched (none for an allow). */
  rules: string[];
  findings: Finding[];
}

const lower = (v: unknown) => (typeof v === 'string' ? v.toLowerCase() : '');
const asRecord = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);

interface Target {
  kind: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
}

function targetOf(o: ManifestLike, fallbackNamespace: string | undefined): Target {
  const kind = typeof o.kind === 'string' ? o.kind : undefined;
  const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : fallbackNamespace;
  return { kind, name: typeof o.metadata?.name === 'string' ? o.metadata.name : undefined, namespace: kind && CLUSTER_SCOPED.has(kind) ? undefined : ns };
}

/** The objects an action touches: those of its manifest, else the one it names. */
export function targetsOf(action: ProposedAction): Target[] {
  if (action.objects && action.objects.length > 0) return action.objects.map((o) => targetOf(o, action.namespace));
  const kind = canonicalKind(action.kind);
  return [{ kind, name: action.name, namespace: kind && CLUSTER_SCOPED.has(kind) ? undefined : action.namespace }];
}

/** Every pod spec in an object (Pod, workload templates, CronJob job templates). */
export function podSpecsOf(object: ManifestLike): Array<Record<string, unknown>> {
  const specs: Array<Record<string, unknown>> = [];
  const spec = asRecord(object.spec);
  if (!spec) return specs;
  if (object.kind === 'Pod') specs.push(spec);
  const template = asRecord(asRecord(spec.template)?.spec);
  if (template) specs.push(template);
  const jobTemplate = asRecord(asRecord(asRecord(asRecord(spec.jobTemplate)?.spec)?.template)?.spec);
  if (jobTemplate) specs.push(jobTemplate);
  return specs;
}

function isPrivileged(object: ManifestLike): boolean {
  return podSpecsOf(object).some((spec) => {
    const containers = [spec.containers, spec.initContainers, spec.ephemeralContainers].flatMap((c) => (Array.isArray(c) ? c : []));
    return containers.some((c) => {
      const sc = (c as { securityContext?: { privileged?: unknown; capabilities?: { add?: unknown } } } | null)?.securityContext;
      const add = Array.isArray(sc?.capabilities?.add) ? (sc.capabilities.add as unknown[]).map((a) => String(a).toUpperCase()) : [];
      return sc?.privileged === true || add.includes('SYS_ADMIN') || add.includes('ALL');
    });
  });
}

/** The objects (or the named target) that would run privileged containers. */
function privilegedTargets(action: ProposedAction, targets: Target[]): Target[] {
  const fromObjects = (action.objects ?? []).filter(isPrivileged).map((o) => targetOf(o, action.namespace));
  return action.privileged === true ? [...fromObjects, ...targets] : fromObjects;
}

function boundRole(object: ManifestLike): string | undefined {
  if (object.kind !== 'ClusterRoleBinding' && object.kind !== 'RoleBinding') return undefined;
  const ref = object.roleRef as { name?: unknown } | undefined;
  return typeof ref?.name === 'string' ? ref.name : undefined;
}

const where = (t: Target) => (t.namespace ? ` in namespace ${t.namespace}` : '');
const what = (t: Target) => `${t.kind ?? 'object'}${t.name ? ` ${t.name}` : ''}`;
const consequence = (effect: Effect) => (effect === 'deny' ? 'forbidden' : 'a person must approve it');
const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const IRREVERSIBLE: Record<string, string> = { delete: 'Deleting', drain: 'Draining', evict: 'Evicting' };
const PRIVILEGED = 'A privileged container (privileged: true, or SYS_ADMIN/ALL capabilities) can take over its node';

/** Judges one action against a policy, with what is known about the cluster. Never throws. */
export function judge(action: ProposedAction, policy: Policy, facts: ClusterFacts = {}): Judgement {
  const verb = lower(action.verb) || 'unknown';
  const read = isReadVerb(verb);
  const targets = targetsOf(action);
  const objects = action.objects ?? [];
  const findings: Finding[] = [];
  const add = (rule: Rule, reason: string) => findings.push({ rule: rule.id, effect: rule.effect, reason });

  // A namespace the manifest itself creates has the labels the manifest gives it.
  const created = new Map<string, Record<string, string>>();
  for (const o of objects) {
    if (o.kind === 'Namespace' && typeof o.metadata?.name === 'string') created.set(o.metadata.name, (asRecord(o.metadata.labels) ?? {}) as Record<string, string>);
  }
  /** Labels of a namespace; `null`: it does not exist; `undefined`: unknown. */
  const labelsOf = (ns: string): Record<string, string> | null | undefined => {
    const known = facts.namespaceLabels && Object.prototype.hasOwnProperty.call(facts.namespaceLabels, ns) ? facts.namespaceLabels[ns] : undefined;
    return known === null && created.has(ns) ? created.get(ns)! : known;
  };

  if (!read) {
    for (const rule of policy.rules) {
      const c = consequence(rule.effect);
      switch (rule.type) {
        case 'protected-namespace': {
          const hits = new Set<string>();
          for (const t of targets) {
            if (t.namespace && rule.namespaces.includes(t.namespace)) hits.add(`${what(t)} is in protected namespace ${t.namespace}`);
            if (t.kind === 'Namespace' && t.name && rule.namespaces.includes(t.name)) hits.add(`namespace ${t.name} is protected`);
          }
          if (hits.size) add(rule, `${[...hits].join('; ')}: ${rule.effect === 'deny' ? `no ${verb} there` : `a person must approve a ${verb} there`} (${rule.description.toLowerCase()}).`);
          break;
        }
        case 'forbidden-delete':
          if (verb === 'delete') {
            for (const t of targets) {
              if (t.kind && rule.kinds.includes(t.kind)) add(rule, `Deleting ${what(t)} ${rule.effect === 'deny' ? 'is forbidden' : 'needs a person\'s approval'}: ${t.kind === 'Namespace' ? 'it deletes everything in the namespace, irreversibly' : t.kind === 'PersistentVolume' ? 'the data on it may be lost for good' : t.kind === 'CustomResourceDefinition' ? 'every custom resource of it is deleted with it' : rule.description.toLowerCase()}.`);
            }
          }
          break;
        case 'cluster-role-binding': {
          const roles = [...objects.map(boundRole), action.clusterRole].filter((r): r is string => typeof r === 'string');
          const bad = roles.filter((r) => rule.roles.includes(r));
          if (bad.length && verb !== 'delete') add(rule, `Binding ${bad[0]} ${bad[0] === 'cluster-admin' ? 'grants full control of the cluster' : `grants everything ClusterRole ${bad[0]} allows`}: ${c}.`);
          break;
        }
        case 'privileged-pod': {
          const privileged = verb === 'delete' ? [] : privilegedTargets(action, targets);
          if (!privileged.length) break;
          if (!rule.namespaces && !rule.namespaceLabels) {
            add(rule, `${PRIVILEGED}: ${c}.`);
            break;
          }
          const why = new Set<string>();
          for (const ns of new Set(privileged.map((t) => t.namespace))) {
            if (!ns) why.add('its namespace is not known, so it is treated as restricted');
            else if (rule.namespaces?.includes(ns)) why.add(`namespace ${ns} is restricted (listed in rule ${rule.id})`);
            else if (rule.namespaceLabels) {
              const labels = labelsOf(ns);
              const selector = selectorText(rule.namespaceLabels);
              if (labels === undefined) why.add(`the labels of namespace ${ns} could not be read, so it is treated as restricted (${selector})`);
              else if (selectorMatches(rule.namespaceLabels, labels ?? {})) {
                const keys = [...Object.keys(rule.namespaceLabels.matchLabels ?? {}), ...(rule.namespaceLabels.matchExpressions ?? []).map((e) => e.key)];
                const shown = [...new Set(keys)].filter((k) => labels && k in labels).map((k) => `${k}=${labels![k]}`);
                why.add(`namespace ${ns} is restricted (${shown.length ? `labelled ${shown.join(',')}` : `matches ${selector}`})`);
              }
            }
          }
          if (why.size) add(rule, `${PRIVILEGED}, and ${[...why].join('; ')}: ${c}.`);
          break;
        }
        case 'verb':
          if (rule.verbs.includes(verb)) {
            const list = `${targets.map(what).join(', ')}${where(targets[0]!)}`;
            add(rule, IRREVERSIBLE[verb] ? `${IRREVERSIBLE[verb]} ${list} cannot be undone: ${c}.` : `${capital(verb)} ${list} falls under "${rule.description}": ${c}.`);
          }
          break;
        case 'scale-to-zero':
          if (verb === 'scale' && action.replicas === 0) add(rule, `Scaling ${what(targets[0]!)}${where(targets[0]!)} to 0 stops every pod of it: ${c}.`);
          break;
        case 'replica-change': {
          const t = targets[0]!;
          if (verb === 'scale' && action.replicas !== undefined) {
            if (rule.maxReplicas !== undefined && action.replicas > rule.maxReplicas) add(rule, `Scaling ${what(t)} to ${action.replicas} replicas goes past the limit of ${rule.maxReplicas}: ${c}.`);
            if (rule.maxChangeRatio !== undefined && action.replicas > 0) {
              const now = facts.currentReplicas;
              if (now === undefined) add(rule, `The current replicas of ${what(t)} are unknown, so the size of the change cannot be checked: ${c}.`);
              else if (now === 0) add(rule, `Scaling ${what(t)} up from 0 to ${action.replicas} starts a stopped workload: ${c}.`);
              else if (Math.abs(action.replicas - now) / now > rule.maxChangeRatio) {
                add(rule, `Scaling ${what(t)} from ${now} to ${action.replicas} changes replicas by ${Math.round((Math.abs(action.replicas - now) / now) * 100)}%, more than ${Math.round(rule.maxChangeRatio * 100)}%: ${c}.`);
              }
            }
          }
          if (rule.maxReplicas !== undefined && verb !== 'delete') {
            for (const o of objects) {
              const n = asRecord(o.spec)?.replicas;
              if (typeof n === 'number' && n > rule.maxReplicas) add(rule, `${what(targetOf(o, action.namespace))} asks for ${n} replicas, more than the limit of ${rule.maxReplicas}: ${c}.`);
            }
          }
          break;
        }
        case 'object-count':
          if (targets.length > rule.max) add(rule, `The action touches ${targets.length} objects, more than ${rule.max}: ${c}.`);
          break;
        case 'namespace-labels': {
          const namespaces = [...new Set(targets.map((t) => t.namespace).filter((n): n is string => !!n))];
          const selector = Object.entries(rule.labels).map(([k, v]) => `${k}=${v}`).join(',');
          for (const ns of namespaces) {
            const labels = labelsOf(ns);
            if (labels === undefined) add(rule, `The labels of namespace ${ns} could not be read, so it may be labelled ${selector}: ${c}.`);
            else if (labels && Object.entries(rule.labels).every(([k, v]) => labels[k] === v)) add(rule, `Namespace ${ns} is labelled ${selector}: any write there ${rule.effect === 'deny' ? 'is forbidden' : 'needs a person\'s approval'}.`);
          }
          break;
        }
        case 'unknown-write':
          if (!(WRITE_VERBS as readonly string[]).includes(verb) || verb === 'exec') add(rule, `"${verb}" is not an action the policy knows as safe: ${c}.`);
          break;
        case 'rbac-escalation': {
          if (verb === 'delete') break;
          const rbacObjects = objects.filter((o) => typeof o.kind === 'string' && RBAC_KINDS.has(o.kind));
          for (const o of rbacObjects) for (const danger of rbacDangers(o, rule.checks)) add(rule, `${danger}: ${c}.`);
          const t = targets[0]!;
          if (!objects.length && t.kind && RBAC_KINDS.has(t.kind)) {
            const role = action.clusterRole;
            if (role !== undefined) {
              if (rule.checks.includes('admin-binding') && t.kind === 'ClusterRoleBinding' && ADMIN_ROLES[role]) add(rule, `${what(t)}: binds ClusterRole ${role} cluster-wide: ${ADMIN_ROLES[role]}: ${c}.`);
            } else if (judgesGrants(rule.checks)) {
              // Denying every RBAC edit whose manifest is not shown would be too much; flagging it is not.
              add(rule, `What this ${verb} of ${what(t)}${where(t)} grants cannot be seen without its manifest, so it counts as a powerful grant: ${c}.`);
            }
          }
          break;
        }
        case 'time-window': {
          if (rule.verbs && !rule.verbs.includes(verb)) break;
          if (rule.namespaces && !targets.some((t) => t.namespace !== undefined && rule.namespaces!.some((p) => globMatches(p, t.namespace!)))) break;
          const clock = clockIn(facts.now ?? new Date(), rule.timezone);
          const inside = insidePeriod(rule, clock);
          if (inside === (rule.when === 'inside')) add(rule, `It is ${clock.text} ${rule.timezone}, ${inside ? 'inside' : 'outside'} ${periodText(rule)}. ${rule.description}: ${c}.`);
          break;
        }
        case 'match': {
          if (rule.verbs && !rule.verbs.includes(verb)) break;
          const hits: string[] = [];
          for (const t of targets) {
            const unknown: string[] = [];
            const kindOk = !rule.kinds || (t.kind === undefined ? (unknown.push('kind not given'), true) : rule.kinds.some((k) => globMatches(k.includes('*') ? k : (canonicalKind(k) ?? k), t.kind!, { ignoreCase: true })));
            const namespaced = !t.kind || !CLUSTER_SCOPED.has(t.kind);
            const nsOk = !rule.namespaces || (t.namespace !== undefined ? rule.namespaces.some((p) => globMatches(p, t.namespace!)) : namespaced && (unknown.push('namespace not given'), true));
            const nameOk = !rule.names || (t.name === undefined ? (unknown.push('name not given'), true) : rule.names.some((p) => globMatches(p, t.name!)));
            if (kindOk && nsOk && nameOk) hits.push(`${what(t)}${where(t)}${unknown.length ? ` (${unknown.join(', ')}: counted as matching)` : ''}`);
          }
          if (hits.length) add(rule, `${capital(verb)} ${hits.join(', ')} matches "${rule.description}": ${c}.`);
          break;
        }
      }
    }
  }

  const deny = findings.filter((f) => f.effect === 'deny');
  const approve = findings.filter((f) => f.effect === 'require-approval');
  const verdict: Verdict = deny.length ? 'deny' : approve.length ? 'require-approval' : 'allow';
  // A deny settles it: approval reasons would only confuse (they stay in findings).
  const shown = deny.length ? deny : approve;
  const reasons = shown.map((f) => f.reason);
  if (verdict === 'allow') {
    const t = targets[0]!;
    reasons.push(
      read
        ? `A ${verb} only reads: allowed.`
        : verb === 'create'
          ? `Creating ${targets.length > 1 ? `${targets.length} objects` : what(t)}${where(t)} only adds: no protected or production namespace, nothing privileged, within limits — allowed.`
          : `${verb} of ${what(t)}${where(t)} matches no deny or approval rule (not protected, not production, within limits): allowed.`,
    );
  }
  return { verdict, reasons, rules: [...new Set(shown.map((f) => f.rule))], findings };
}
