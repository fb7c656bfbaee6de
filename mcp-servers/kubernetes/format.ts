/**
 * Pure formatting for the kubernetes MCP server: kubectl-like tables, YAML without noise, and
 * the small helpers every tool shares. No I/O here, so it is tested without a cluster.
 */
import { maskSecretValues } from '../../shared/redact.js';
import { type Cell, renderTable } from '../../shared/table.js';

export { type Cell, renderTable } from '../../shared/table.js';
export { toYaml } from '../../shared/yaml.js';

/** A server-side Table (the format kubectl prints), as the API returns it. */
export interface ServerTable {
  columnDefinitions: Array<{ name: string; type: string; priority?: number }>;
  rows: Array<{ cells: Cell[]; object?: { metadata?: { namespace?: string; name?: string } } }>;
  metadata?: { continue?: string; remainingItemCount?: number };
}

export interface TableView {
  columns: string[];
  items: Array<Record<string, Cell>>;
  text: string;
}

/** A server Table cut to the columns kubectl shows (all of them with `wide`), NAMESPACE first when listing across namespaces. */
export function viewTable(table: ServerTable, options: { wide: boolean; withNamespace: boolean }): TableView {
  const keep = table.columnDefinitions.map((c, i) => ({ ...c, i })).filter((c) => options.wide || (c.priority ?? 0) === 0);
  const columns = [...(options.withNamespace ? ['Namespace'] : []), ...keep.map((c) => c.name)];
  const rows = table.rows.map((row) => [...(options.withNamespace ? [row.object?.metadata?.namespace ?? null] : []), ...keep.map((c) => row.cells[c.i] ?? null)]);
  const keys = columns.map(fieldName);
  const items = rows.map((r) => Object.fromEntries(r.map((cell, i) => [keys[i]!, cell])));
  return { columns, items, text: rows.length ? renderTable(columns, rows) : '' };
}

/** `Nominated Node` → `nominatedNode`: a JSON-friendly key for a column. */
export function fieldName(column: string): string {
  const words = column.split(/[^A-Za-z0-9]+/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('') || 'value';
}

type KubeObject = { kind?: string; metadata?: Record<string, unknown>; [k: string]: unknown };

/** Drops managedFields (noise) and masks Secret values, the form every tool returns objects in. */
export function cleanObject<T extends KubeObject>(object: T): T {
  const metadata = object.metadata ? { ...object.metadata } : undefined;
  if (metadata) delete metadata.managedFields;
  return maskSecretValues({ ...object, ...(metadata ? { metadata } : {}) } as Parameters<typeof maskSecretValues>[0]) as unknown as T;
}


/** "3m", "2h", "5d" like kubectl's AGE column. */
export function age(timestamp: string | Date | undefined, now = Date.now()): string {
  if (!timestamp) return '<unknown>';
  const seconds = Math.max(0, Math.floor((now - new Date(timestamp).getTime()) / 1000));
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Cuts text to a budget, on a line boundary, and says what was left out. */
export function budgetText(text: string, maxChars: number, hint: string): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const cut = text.lastIndexOf('\n', maxChars);
  const kept = text.slice(0, cut > 0 ? cut : maxChars);
  const dropped = text.slice(kept.length).split('\n').filter(Boolean).length;
  return { text: `${kept}\n… ${dropped} more lines not shown — ${hint}`, truncated: true };
}
