/** Small pure helpers the analyzers share: keys, selectors, events and lines of evidence. */
import { list } from '../kube-objects.js';
import type { Condition, LabelSelector, Meta, ObjectRef, Snapshot } from './types.js';

export { list };

type Named = { metadata?: Meta | null } | null | undefined;

export const nm = (o: Named): string => o?.metadata?.name ?? '';
export const nsOf = (o: Named): string => o?.metadata?.namespace ?? '';

/** `Kind/namespace/name` (or `Kind/name` when cluster-scoped): what `covers` holds. */
export const keyOf = (r: ObjectRef): string => (r.namespace ? `${r.kind}/${r.namespace}/${r.name}` : `${r.kind}/${r.name}`);
export const refOf = (kind: string, o: Named): ObjectRef => (nsOf(o) ? { kind, name: nm(o), namespace: nsOf(o) } : { kind, name: nm(o) });
/** "Deployment shop/cart" for a chain step or an evidence line. */
export const label = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/** Whether labels match a map selector (a Service's); an empty or missing selector matches nothing here. */
export function matchesMap(selector: Record<string, string> | null | undefined, labels: Record<string, string> | null | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}

/** Whether labels match a LabelSelector; `emptyMatchesAll` for NetworkPolicy/PDB semantics ({} selects every pod). */
export function matchesSelector(selector: LabelSelector | null | undefined, labels: Record<string, string> | null | undefined, emptyMatchesAll = true): boolean {
  if (!selector) return false;
  const ml = Object.entries(selector.matchLabels ?? {});
  const me = list(selector.matchExpressions);
  if (ml.length === 0 && me.length === 0) return emptyMatchesAll;
  if (!ml.every(([k, v]) => labels?.[k] === v)) return false;
  return me.every((e) => {
    const key = e?.key ?? '';
    const value = labels?.[key];
    const values = list(e?.values);
    switch (e?.operator) {
      case 'In':
        return value !== undefined && values.includes(value);
      case 'NotIn':
        return value === undefined || !values.includes(value);
      case 'Exists':
        return value !== undefined;
      case 'DoesNotExist':
        return value === undefined;
      default:
        return false;
    }
  });
}

/** "app=cart,tier=web" */
export const selectorText = (s: Record<string, string> | null | undefined): string =>
  Object.entries(s ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(',');

export const conditionOf = (conditions: Condition[] | null | undefined, type: string): Condition | undefined => list(conditions).find((c) => c?.type === type);
export const conditionLine = (c: Condition): string => `condition ${c.type ?? '?'}=${c.status ?? '?'}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;

/** The snapshot's events about one object, oldest first. */
export function rawEventsAbout(s: Snapshot, kind: string, name: string, namespace: string | undefined) {
  return list(s.events).filter((e) => e && e.object?.toLowerCase() === `${kind}/${name}`.toLowerCase() && (!namespace || !e.namespace || e.namespace === namespace));
}

/** The snapshot's events about one object as evidence lines. */
export const eventsAbout = (s: Snapshot, kind: string, name: string, namespace: string | undefined): string[] =>
  rawEventsAbout(s, kind, name, namespace).map((e) => `event ${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`.replace(/\s+/g, ' ').trim());

/** Whether the snapshot holds every object of a kind: an unreadable or cut kind must not look like "none exist". */
export const readable = (s: Snapshot, kind: keyof Snapshot): boolean => !list(s.unreadable).includes(kind) && !list(s.partial).includes(kind);

/** `namespace/name` of each object, for existence checks. */
export const namesIn = (xs: Named[] | null | undefined): Set<string> => new Set(list(xs).map((o) => `${nsOf(o)}/${nm(o)}`));
