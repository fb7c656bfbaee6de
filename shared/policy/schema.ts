/**
 * The guardian policy as a file (`apiVersion: k8s-experts.io/v1`, `kind: GuardianPolicy`): the
 * zod schema of every rule type, and the parse that turns YAML text into rules or into errors
 * that name the rule (index and id), the field, the line and the fix. Unknown fields are errors:
 * a misspelt scope field would otherwise widen a rule silently.
 */
import { LineCounter, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { WRITE_VERBS } from './vocabulary.js';
import { isRecord } from '../records.js';

export const POLICY_API_VERSION = 'k8s-experts.io/v1';
export const POLICY_KIND = 'GuardianPolicy';
export const EFFECTS = ['deny', 'require-approval'] as const;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * What an rbac-escalation rule looks for. `public-subjects`: bindings to anonymous,
 * unauthenticated or all authenticated users; `admin-binding`: ClusterRoleBindings to admin/edit;
 * the rest are grants in the rules of a Role or ClusterRole.
 */
export const RBAC_CHECKS = ['wildcard', 'escalate-bind-impersonate', 'secrets-read', 'pod-exec', 'nodes-proxy', 'token-create', 'rbac-write', 'public-subjects', 'admin-binding'] as const;
export type RbacCheck = (typeof RBAC_CHECKS)[number];

const RULE_ID = z
  .string({ error: 'expected an id such as "no-deletes"' })
  .max(63, 'an id has at most 63 characters')
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected an id of lower-case letters, digits and "-", such as "no-deletes"');
const NAMESPACE = z
  .string({ error: 'expected a namespace name' })
  .max(63)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a namespace name (lower-case letters, digits, "-")');
/** A name, namespace or kind, where `*` matches any run of characters. */
const PATTERN = z
  .string({ error: 'expected a name or a pattern with *' })
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.*:_-]+$/, 'expected a name or a pattern with * (letters, digits, ".", "-", "_", ":")');
const KIND = z
  .string({ error: 'expected a kind such as Deployment' })
  .max(100)
  .regex(/^[A-Za-z][A-Za-z0-9.-]*$/, 'expected a kind such as Deployment or Secret');
// Typed as string (code builds rules with plain string lists); checked against the known writes.
const VERB = z.string({ error: 'expected a verb' }).refine((v) => (WRITE_VERBS as readonly string[]).includes(v), `expected a write verb: ${WRITE_VERBS.join(', ')} (reads are never judged)`);
const LABEL_KEY = z
  .string({ error: 'expected a label key' })
  .max(316)
  .regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'expected a label key such as environment or pod-security.kubernetes.io/enforce');
const LABEL_VALUE = z
  .string({ error: 'expected a label value (quote numbers and true/false in YAML)' })
  .max(63)
  .regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/, 'expected a label value (letters, digits, "-", "_", ".")');
const TIME_FORMAT = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;
const TIME = z.string({ error: 'expected a time "HH:MM" (24-hour; quote it in YAML)' }).regex(TIME_FORMAT, 'expected a time "HH:MM" from 00:00 to 24:00, such as "09:00"');
const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
const isCalendarDate = (d: string) => DATE_FORMAT.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d);
const DATE = z
  .string({ error: 'expected a date "YYYY-MM-DD" (quote it in YAML)' })
  .regex(DATE_FORMAT, 'expected a date "YYYY-MM-DD", such as "2026-12-20"')
  .refine((d) => !DATE_FORMAT.test(d) || isCalendarDate(d), 'not a calendar date');
const TIMEZONE = z.string({ error: 'expected an IANA time zone such as Europe/Berlin or UTC' }).refine(isTimeZone, {
  error: (issue) => `unknown time zone ${JSON.stringify(issue.input)}: expected an IANA name such as Europe/Berlin, America/New_York or UTC`,
});

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const list = <T extends z.ZodType>(item: T, what: string) => z.array(item, { error: `expected a list of ${what}` }).min(1, `list at least one ${what.replace(/s$/, '')}`);

/** A Kubernetes label selector on a namespace: matchLabels and/or matchExpressions. */
export const labelSelectorSchema = z
  .object({
    matchLabels: z.record(LABEL_KEY, LABEL_VALUE).optional(),
    matchExpressions: z
      .array(
        z
          .object({
            key: LABEL_KEY,
            operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist'], { error: 'expected In, NotIn, Exists or DoesNotExist' }),
            values: z.array(LABEL_VALUE).optional(),
          })
          .strict()
          .superRefine((e, ctx) => {
            const needsValues = e.operator === 'In' || e.operator === 'NotIn';
            if (needsValues && !e.values?.length) ctx.addIssue({ code: 'custom', path: ['values'], message: `${e.operator} needs a list of values` });
            if (!needsValues && e.values?.length) ctx.addIssue({ code: 'custom', path: ['values'], message: `${e.operator} takes no values` });
          }),
      )
      .optional(),
  })
  .strict()
  .refine((s) => Object.keys(s.matchLabels ?? {}).length > 0 || (s.matchExpressions?.length ?? 0) > 0, 'give matchLabels or matchExpressions');
export type LabelSelector = z.output<typeof labelSelectorSchema>;

const base = {
  id: RULE_ID,
  effect: z.enum(EFFECTS, { error: 'expected deny or require-approval' }),
  description: z.string({ error: 'expected a description a person can read' }).min(1, 'describe the rule').max(500),
};

const windowSchema = z
  .object({ days: list(z.enum(WEEKDAYS, { error: `expected a day: ${WEEKDAYS.join(', ')}` }), 'days'), from: TIME, to: TIME })
  .strict()
  .refine((w) => !TIME_FORMAT.test(String(w.from)) || !TIME_FORMAT.test(String(w.to)) || w.from < w.to, { path: ['to'], message: 'must be after from; for a window across midnight write two windows (e.g. 22:00–24:00, then 00:00–06:00 on the next days)' });

/** Each rule type's schema, by its `type`. */
export const RULE_SCHEMAS = {
  'protected-namespace': z.object({ ...base, type: z.literal('protected-namespace'), namespaces: list(NAMESPACE, 'namespaces') }).strict(),
  'forbidden-delete': z.object({ ...base, type: z.literal('forbidden-delete'), kinds: list(KIND, 'kinds') }).strict(),
  'cluster-role-binding': z.object({ ...base, type: z.literal('cluster-role-binding'), roles: list(z.string().min(1).max(253), 'roles') }).strict(),
  'privileged-pod': z
    .object({
      ...base,
      type: z.literal('privileged-pod'),
      /** Only in these namespaces, and in those whose labels match `namespaceLabels` (the union); everywhere when neither is given. */
      namespaces: list(NAMESPACE, 'namespaces').optional(),
      namespaceLabels: labelSelectorSchema.optional(),
    })
    .strict(),
  verb: z.object({ ...base, type: z.literal('verb'), verbs: list(VERB, 'verbs') }).strict(),
  'scale-to-zero': z.object({ ...base, type: z.literal('scale-to-zero') }).strict(),
  'replica-change': z
    .object({
      ...base,
      type: z.literal('replica-change'),
      /** Scales that change replicas by more than this share of the current count (0.5 = 50%). */
      maxChangeRatio: z.number({ error: 'expected a number such as 0.5 (50%)' }).positive().max(100).optional(),
      /** Scales (or manifests) to more replicas than this. */
      maxReplicas: z.number({ error: 'expected a whole number' }).int().min(0).max(100_000).optional(),
    })
    .strict()
    .refine((r) => r.maxChangeRatio !== undefined || r.maxReplicas !== undefined, { path: ['maxChangeRatio'], message: 'give maxChangeRatio, maxReplicas or both' }),
  'object-count': z.object({ ...base, type: z.literal('object-count'), max: z.number({ error: 'expected a whole number' }).int().min(1).max(100_000) }).strict(),
  'namespace-labels': z
    .object({ ...base, type: z.literal('namespace-labels'), labels: z.record(LABEL_KEY, LABEL_VALUE).refine((l) => Object.keys(l).length > 0, 'list at least one label') })
    .strict(),
  'unknown-write': z.object({ ...base, type: z.literal('unknown-write') }).strict(),
  'rbac-escalation': z.object({ ...base, type: z.literal('rbac-escalation'), checks: list(z.enum(RBAC_CHECKS, { error: `expected a check: ${RBAC_CHECKS.join(', ')}` }), 'checks') }).strict(),
  'time-window': z
    .object({
      ...base,
      type: z.literal('time-window'),
      timezone: TIMEZONE,
      /** The rule matches when the time is inside the period, or outside it. */
      when: z.enum(['inside', 'outside'], { error: 'expected inside or outside' }),
      /** Weekly windows; with `dates`, the period is the windows within those dates. */
      windows: list(windowSchema, 'windows').optional(),
      /** A date range, both days included (a change freeze). */
      dates: z
        .object({ from: DATE, to: DATE })
        .strict()
        .refine((d) => !isCalendarDate(String(d.from)) || !isCalendarDate(String(d.to)) || d.from <= d.to, { path: ['to'], message: 'must not be before from' })
        .optional(),
      verbs: list(VERB, 'verbs').optional(),
      namespaces: list(PATTERN, 'namespaces').optional(),
    })
    .strict()
    .refine((r) => r.windows !== undefined || r.dates !== undefined, { path: ['windows'], message: 'give windows, dates or both' }),
  match: z
    .object({ ...base, type: z.literal('match'), verbs: list(VERB, 'verbs').optional(), kinds: list(PATTERN, 'kinds').optional(), namespaces: list(PATTERN, 'namespaces').optional(), names: list(PATTERN, 'names').optional() })
    .strict(),
} as const;

export type RuleType = keyof typeof RULE_SCHEMAS;
export const RULE_TYPES = Object.keys(RULE_SCHEMAS) as RuleType[];

export const ruleSchema = z.discriminatedUnion('type', Object.values(RULE_SCHEMAS) as unknown as [(typeof RULE_SCHEMAS)[RuleType], ...Array<(typeof RULE_SCHEMAS)[RuleType]>]);
export type Rule = { [T in RuleType]: z.output<(typeof RULE_SCHEMAS)[T]> }[RuleType];
export type Effect = (typeof EFFECTS)[number];

export interface Policy {
  rules: Rule[];
}

export const policyDocumentSchema = z
  .object({
    apiVersion: z.literal(POLICY_API_VERSION, { error: `expected apiVersion: ${POLICY_API_VERSION}` }),
    kind: z.literal(POLICY_KIND, { error: `expected kind: ${POLICY_KIND}` }),
    rules: z.array(ruleSchema, { error: 'expected a list of rules' }).max(1000),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const first = new Map<string, number>();
    doc.rules.forEach((rule, i) => {
      const seen = first.get(rule.id);
      if (seen === undefined) first.set(rule.id, i);
      else ctx.addIssue({ code: 'custom', path: ['rules', i, 'id'], message: `duplicate id "${rule.id}" (rules[${seen}] has it too): give each rule its own id` });
    });
  });

/** A policy as the file that would hold it. */
export function policyDocument(policy: Policy): { apiVersion: string; kind: string; rules: Rule[] } {
  return { apiVersion: POLICY_API_VERSION, kind: POLICY_KIND, rules: policy.rules };
}

export type PolicyParse = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/** `windows.0.from` → `windows[0].from`. */
const fieldPath = (path: readonly PropertyKey[]) => path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${String(p)}` : String(p)), '');

/** Parses a policy file's text; errors name the line, the rule (index and id) and the field. Never throws. */
export function parsePolicyText(text: string): PolicyParse {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const at = e.linePos ? `line ${e.linePos[0].line}: ` : '';
    return { ok: false, errors: [`${at}not valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`] };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  if (!isRecord(data)) {
    return { ok: false, errors: [`expected a mapping with apiVersion: ${POLICY_API_VERSION}, kind: ${POLICY_KIND} and rules, got ${data === null || data === undefined ? 'an empty file' : Array.isArray(data) ? 'a list' : typeof data}`] };
  }
  const parsed = policyDocumentSchema.safeParse(data);
  if (parsed.success) return { ok: true, policy: { rules: parsed.data.rules } };
  const lineOf = (path: readonly PropertyKey[]): string => {
    // The deepest node the path reaches (a missing field points at its rule).
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n) as unknown[], true) as YamlNode | undefined;
      if (node && typeof node === 'object' && 'range' in node && node.range) return `line ${lines.linePos(node.range[0]).line}: `;
    }
    return '';
  };
  const rules = Array.isArray(data.rules) ? (data.rules as unknown[]) : [];
  const errors = parsed.error.issues.map((issue) => {
    const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const path = issue.path;
    const at = lineOf(unknownKeys.length ? [...path, unknownKeys[0]!] : path);
    if (path[0] === 'rules' && typeof path[1] === 'number') {
      const index = path[1];
      const raw = rules[index];
      const id = isRecord(raw) && typeof raw.id === 'string' ? raw.id : undefined;
      const type = isRecord(raw) && typeof raw.type === 'string' ? raw.type : undefined;
      const rule = `rules[${index}]${id ? ` (id "${id}")` : ''}`;
      const field = fieldPath(path.slice(2));
      if (issue.code === 'invalid_union' && field === 'type') {
        return `${at}${rule}: ${type === undefined ? 'type is missing' : `unknown rule type "${type}"`}: expected one of ${RULE_TYPES.join(', ')}`;
      }
      if (path.length === 2 && issue.code === 'invalid_type') return `${at}${rule}: expected a rule: a mapping with id, type, effect, description and the fields of its type`;
      if (unknownKeys.length) {
        const known = type && type in RULE_SCHEMAS ? Object.keys(RULE_SCHEMAS[type as RuleType].shape) : [];
        const fields = unknownKeys.map((k) => `"${[field, k].filter(Boolean).join('.')}"`).join(', ');
        return `${at}${rule}: unknown field${unknownKeys.length > 1 ? 's' : ''} ${fields}${known.length && !field ? `; a ${type} rule has: ${known.join(', ')}` : ''}`;
      }
      return `${at}${rule}: ${field ? `field ${field}: ` : ''}${issue.message}`;
    }
    if (unknownKeys.length) return `${at}unknown field${unknownKeys.length > 1 ? 's' : ''} ${unknownKeys.map((k) => `"${[fieldPath(path), k].filter(Boolean).join('.')}"`).join(', ')}: a policy has apiVersion, kind and rules`;
    return `${at}${path.length ? `field ${fieldPath(path)}: ` : ''}${issue.message}`;
  });
  return { ok: false, errors };
}
