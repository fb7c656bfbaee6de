/**
 * Object names the API refuses (not DNS-1123; a Service's not DNS-1035), normalized in every chart
 * file that writes them literally — templates, values.yaml, Chart.yaml — so labels, selectors and
 * references that repeat the name stay consistent (pure). A name computed from parts none of
 * which is written literally is left alone (and reported).
 */
import { DNS1123_SUBDOMAIN, normalizeName } from '../../names.js';

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export function isValidObjectName(kind: string, name: string): boolean {
  if (kind === 'Service') return name.length <= 63 && DNS1035_LABEL.test(name);
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Literal spellings that could have produced `name`: the whole name, then its invalid dash-separated parts. */
function candidates(name: string): string[] {
  return [name, ...name.split('-').filter((p) => p && !/^[a-z0-9]+$/.test(p))];
}

export interface Renaming {
  from: string;
  to: string;
  files: string[];
}

/** The files with the literal spelling of an invalid `name` replaced; undefined when it is written nowhere. */
export function renameInFiles(files: Record<string, string>, name: string): { files: Record<string, string>; renaming: Renaming } | undefined {
  for (const from of candidates(name)) {
    const to = normalizeName(from);
    if (to === from) continue;
    // Whole tokens only: "My_App" (also after a "-" prefix) but not inside "My_AppServer".
    const re = new RegExp(`(?<![\\w.])${escape(from)}(?![\\w.])`, 'g');
    const touched = Object.keys(files).filter((p) => !p.endsWith('.md') && re.test(files[p]!));
    if (touched.length === 0) continue;
    const out = { ...files };
    for (const p of touched) out[p] = out[p]!.replace(re, to);
    return { files: out, renaming: { from, to, files: touched } };
  }
  return undefined;
}
