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
  columnDefinitions: Array<{ name: string; type: string; priority?: number }> | null;
  rows: Array<{ cells: Cell[]; object?: { metadata?: { namespace?: string; name?: string } } }> | null;
  metadata?: { continue?: string; remainingItemCount?: number };
}

/** A server Table cut to the columns shown: one array of cells per row, in `columns` order. */
export interface TableCut {
  columns: string[];
  rows: Cell[][];
  /** Each row's object name (the Name cell, else the object's metadata), for views that group rows. */
  names: string[];
}

export interface TableView {
  columns: string[];
  items: Array<Record<string, Cell>>;
  text: string;
}

/** Rows that agree on every shown column but Name: one entry, its column values, how many and which. */
export type RowGroup = Record<string, Cell | string[]> & { count: number; names: string[] };

export interface GroupedView {
  /** The columns the groups share (the cut's columns without Name). */
  columns: string[];
  groups: RowGroup[];
  text: string;
}

export type ListView = 'rows' | 'grouped' | 'auto';

/** Pages of at most this many rows are listed row by row under `auto` (the tool's default page size). */
export const GROUPED_VIEW_MIN_ROWS = 100;

/** The keys a group adds; a column whose key collides gets a `Column` suffix. */
const GROUP_KEYS = new Set(['count', 'names']);

/** A server Table cut to the columns kubectl shows (all of them with `wide`), NAMESPACE first when listing across namespaces. */
export function cutTable(served: ServerTable, options: { wide: boolean; withNamespace: boolean }): TableCut {
  // Some kinds' empty Tables come back with `rows: null` (Roles in a namespace without any).
  const table = { ...served, columnDefinitions: served.columnDefinitions ?? [], rows: served.rows ?? [] };
  const keep = table.columnDefinitions.map((c, i) => ({ ...c, i })).filter((c) => options.wide || (c.priority ?? 0) === 0);
  const columns = [...(options.withNamespace ? ['Namespace'] : []), ...keep.map((c) => c.name)];
  const rows = table.rows.map((row) => [...(options.withNamespace ? [row.object?.metadata?.namespace ?? null] : []), ...keep.map((c) => row.cells[c.i] ?? null)]);
  const nameColumn = table.columnDefinitions.findIndex((c) => c.name === 'Name');
  const names = table.rows.map((row) => {
    const cell = nameColumn >= 0 ? row.cells[nameColumn] : undefined;
    return cell !== undefined && cell !== null ? String(cell) : (row.object?.metadata?.name ?? '');
  });
  return { columns, rows, names };
}

/** One object per row keyed by column (see `fieldName`), and kubectl's table as text. */
export function rowsView(cut: TableCut): TableView {
  const keys = cut.columns.map(fieldName);
  const items = cut.rows.map((r) => Object.fromEntries(r.map((cell, i) => [keys[i]!, cell])));
  return { columns: cut.columns, items, text: cut.rows.length ? renderTable(cut.columns, cut.rows) : '' };
}

/** A server Table as kubectl prints it, one row per object. */
export function viewTable(table: ServerTable, options: { wide: boolean; withNamespace: boolean }): TableView {
  return rowsView(cutTable(table, options));
}

/**
 * Rows that agree on every column except Name share one line: the shared values, COUNT and the
 * NAMES. Within a namespace (NAMESPACE is a column when listing across namespaces), in the order
 * the rows came. Cells are compared as printed — AGE included, whose kubectl form ("5m", "3h")
 * already buckets time coarser as objects get older — so no value is ever changed or merged away.
 */
export function groupRows(cut: TableCut): GroupedView {
  const shared = cut.columns.map((c, i) => ({ column: c, i })).filter(({ column }) => column !== 'Name');
  const keys = shared.map(({ column }) => {
    const key = fieldName(column);
    return GROUP_KEYS.has(key) ? `${key}Column` : key;
  });
  const byValues = new Map<string, { values: Cell[]; names: string[] }>();
  cut.rows.forEach((row, r) => {
    const values = shared.map(({ i }) => row[i] ?? null);
    const id = JSON.stringify(values);
    let group = byValues.get(id);
    if (!group) byValues.set(id, (group = { values, names: [] }));
    group.names.push(cut.names[r]!);
  });
  const found = [...byValues.values()];
  const groups = found.map(({ values, names }) => ({ ...Object.fromEntries(values.map((v, i) => [keys[i]!, v])), count: names.length, names }) as RowGroup);
  const columns = shared.map(({ column }) => column);
  const text = found.length ? renderTable([...columns, 'Count', 'Names'], found.map(({ values, names }) => [...values, names.length, names.join(' ')])) : '';
  return { columns, groups, text };
}

/**
 * The view a page is shown in. `auto` groups a page of more than GROUPED_VIEW_MIN_ROWS rows
 * when grouping at least halves its lines; when nearly every row differs (wide pod lists, where
 * each pod has its own IP) groups would only add COUNT and NAMES to every row.
 */
export function viewPage(cut: TableCut, view: ListView): ({ view: 'rows' } & TableView) | ({ view: 'grouped' } & GroupedView) {
  if (view === 'rows' || (view === 'auto' && cut.rows.length <= GROUPED_VIEW_MIN_ROWS)) return { view: 'rows', ...rowsView(cut) };
  const grouped = groupRows(cut);
  if (view === 'auto' && grouped.groups.length * 2 > cut.rows.length) return { view: 'rows', ...rowsView(cut) };
  return { view: 'grouped', ...grouped };
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


/** Who last wrote an object and through which apiVersion: managedFields without fieldsV1, and only the apiVersion of the last-applied annotation. */
export interface ObjectWriters {
  /** metadata.creationTimestamp: with the managers' times, tells an edit from the creation. */
  createdAt: string | null;
  managedFields: Array<{ manager: string; operation: string; apiVersion: string; time: string | null }>;
  /** apiVersion in kubectl.kubernetes.io/last-applied-configuration; null without one. */
  lastAppliedApiVersion: string | null;
}

/**
 * An object's writers from its metadata. Only these four fields of each managedFields entry and
 * the apiVersion of the last-applied annotation leave — the annotation itself can hold a Secret's
 * data, so it is parsed here and dropped.
 */
export function writersOf(metadata: Record<string, unknown> | undefined): ObjectWriters {
  const entries = Array.isArray(metadata?.managedFields) ? (metadata.managedFields as unknown[]) : [];
  const managedFields = entries
    .filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null)
    .map((e) => ({ manager: String(e.manager ?? ''), operation: String(e.operation ?? ''), apiVersion: String(e.apiVersion ?? ''), time: typeof e.time === 'string' ? e.time : null }));
  const annotations = metadata?.annotations as Record<string, unknown> | undefined;
  const lastApplied = annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  let lastAppliedApiVersion: string | null = null;
  if (typeof lastApplied === 'string') {
    try {
      const parsed = JSON.parse(lastApplied) as { apiVersion?: unknown };
      lastAppliedApiVersion = typeof parsed.apiVersion === 'string' ? parsed.apiVersion : null;
    } catch {
      lastAppliedApiVersion = null;
    }
  }
  const created = metadata?.creationTimestamp;
  return { createdAt: typeof created === 'string' ? created : null, managedFields, lastAppliedApiVersion };
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
