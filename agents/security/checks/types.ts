/** The shape every security check returns, and small safe readers for untyped Kubernetes objects. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

export interface Finding {
  severity: Severity;
  /** Stable id of the check, e.g. pss-baseline-privileged (pss-<level>-<control> for the Pod Security Standards). */
  check: string;
  /** The Pod Security Standards level the check belongs to, when it is one. */
  pss?: 'baseline' | 'restricted';
  object: ObjectRef;
  /** What was seen (names only — never a Secret's or env var's value). */
  evidence: string;
  fix: string;
  /** The fields to set, as a YAML snippet a person can paste (where a few fields fix it). */
  remediation?: string;
}

export type Obj = Record<string, unknown>;

export function rec(x: unknown): Obj {
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {};
}

export function arr(x: unknown): unknown[] {
  return Array.isArray(x) ? x : [];
}

export function str(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

export function refOf(obj: unknown): ObjectRef {
  const o = rec(obj);
  const meta = rec(o.metadata);
  const ns = str(meta.namespace);
  return { kind: str(o.kind) ?? 'Object', name: str(meta.name) ?? '(unnamed)', ...(ns ? { namespace: ns } : {}) };
}

export function refText(ref: ObjectRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** One collator for every comparison: the order of String#localeCompare at a fraction of its cost per call. */
const collator = new Intl.Collator();

/** Findings ordered by severity, then object, then check (keys computed once: thousands of findings sort in a few ms). */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f) => ({ f, rank: severityRank(f.severity), ref: refText(f.object) }))
    .sort((a, b) => a.rank - b.rank || collator.compare(a.ref, b.ref) || collator.compare(a.f.check, b.f.check))
    .map((k) => k.f);
}

export function countBySeverity(findings: Finding[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) counts[f.severity]++;
  return counts;
}
