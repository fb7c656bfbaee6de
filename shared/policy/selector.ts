/** Matching for policy scopes (pure): Kubernetes label selectors and simple `*` globs. */
import type { LabelSelector } from './schema.js';

/** Whether labels satisfy a selector, as the API server decides it (every term must hold). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (!has(k) || labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    const ok =
      e.operator === 'In' ? has(e.key) && values.includes(labels[e.key]!)
      : e.operator === 'NotIn' ? !has(e.key) || !values.includes(labels[e.key]!)
      : e.operator === 'Exists' ? has(e.key)
      : !has(e.key);
    if (!ok) return false;
  }
  return true;
}

/** A selector as kubectl writes it: `a=b,key in (x,y),!gone`. */
export function selectorText(selector: LabelSelector): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') terms.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else terms.push(`!${e.key}`);
  }
  return terms.join(',');
}

/** Whether `value` matches `pattern`, where `*` stands for any run of characters. */
export function globMatches(pattern: string, value: string, options: { ignoreCase?: boolean } = {}): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'i' : '').test(value);
}
