import { UserError } from '../../shared/errors.js';

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86_400, w: 604_800, y: 31_536_000 };

/** "90s", "5m", "1h30m", "2d" → seconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/g)];
  if (!parts.length || parts.map((p) => p[0]).join('') !== text) return undefined;
  return parts.reduce((sum, p) => sum + Number(p[1]) * UNITS[p[2]!]!, 0);
}

/**
 * A time for the Prometheus API, in unix seconds: RFC 3339, unix seconds, `now`, or
 * relative like `now-1h` / `-30m` / `1h` (meaning that long ago).
 */
export function parseTime(input: string, now = Date.now() / 1000): number {
  const text = input.trim();
  if (text === 'now') return now;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const relative = /^(?:now)?-?(.+)$/.exec(text);
  const ago = relative && !text.includes('T') ? parseDuration(relative[1]!) : undefined;
  if (ago !== undefined) return now - ago;
  const parsed = Date.parse(text);
  if (!Number.isNaN(parsed)) return parsed / 1000;
  throw new UserError(`"${input}" is not a time`, 'use RFC 3339 (2026-11-22T10:00:00Z), unix seconds, now, or a relative time such as now-1h or 30m');
}

/** A step in seconds from "30s", "1m" or a number of seconds. */
export function parseStep(input: string | number): number {
  const seconds = typeof input === 'number' ? input : /^\d+(\.\d+)?$/.test(input) ? Number(input) : parseDuration(input);
  if (seconds === undefined || !(seconds > 0)) throw new UserError(`step "${input}" is not a positive duration`, 'use e.g. 15s, 1m, 5m or a number of seconds');
  return seconds;
}
