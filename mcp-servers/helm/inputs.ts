import { existsSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../../shared/errors.js';

export const releaseInput = z
  .string()
  .min(1)
  .max(53)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'expected a release name (lower-case letters, digits and -, at most 53, e.g. web-frontend)')
  .describe('Release name');

export const chartInput = z
  .string()
  .min(1)
  .max(4096)
  .regex(/^[^-\s][^\0\n]*$/, 'expected a path to a local chart directory or .tgz (not starting with - or a space)')
  .describe('Path to a local chart (directory or .tgz)');

export const revisionInput = z.number().int().min(1).max(1_000_000);

/** Values go to helm as a YAML/JSON file (-f), never through --set strings. */
export const valuesInput = z.record(z.string(), z.unknown()).describe('Values to override, as an object (like a values.yaml)');

/** The chart path made absolute, after checking it exists (so helm never goes to a repository). */
export function localChart(path: string, cwd = process.cwd()): string {
  const abs = isAbsolute(path) ? path : resolve(cwd, path);
  if (!existsSync(abs)) throw new UserError(`chart ${abs} does not exist`, 'give the path to a local chart directory (with Chart.yaml) or a packaged .tgz');
  const stat = statSync(abs);
  if (stat.isDirectory() && !existsSync(resolve(abs, 'Chart.yaml'))) throw new UserError(`${abs} is a directory without Chart.yaml`, 'point at the chart\'s own directory');
  if (!stat.isDirectory() && !abs.endsWith('.tgz')) throw new UserError(`${abs} is neither a chart directory nor a .tgz`);
  return abs;
}
