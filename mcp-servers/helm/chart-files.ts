/**
 * A chart given as its files instead of a path (`files`: relative path → content), so a client on
 * another machine or in another container — the dev agent validating a chart it generated — can
 * have it linted and rendered without a shared filesystem. The files go to a private temp dir
 * named after the chart (helm lint wants the two equal), deleted afterwards; the dir's path is
 * replaced by `.` in whatever the tool returns.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../../shared/errors.js';
import { fileSet } from '../../shared/file-set.js';
import { isRecord } from '../../shared/records.js';
import { localChart } from './inputs.js';

export const chartFilesInput = fileSet
  .refine((f) => 'Chart.yaml' in f, 'a chart needs its Chart.yaml')
  .describe('The chart as its files (path relative to the chart → content), instead of `chart`: for clients that do not share this server\'s filesystem');

/** The chart's directory name: its Chart.yaml name when it is a plain one. */
function chartName(files: Record<string, string>): string {
  try {
    const chart: unknown = parse(files['Chart.yaml'] ?? '');
    if (isRecord(chart) && typeof chart.name === 'string' && /^[a-z0-9][-a-z0-9_.]*$/i.test(chart.name)) return chart.name;
  } catch {
    // A Chart.yaml that does not parse: lint says so; the directory still needs a name.
  }
  return 'chart';
}

/** Runs `use` on the chart `args` names — a local path, or files written to a temp dir for the call. */
export async function withChartSource<T>(args: { chart?: string | undefined; files?: Record<string, string> | undefined }, use: (chart: string, scrub: (text: string) => string) => Promise<T>): Promise<T> {
  if ((args.chart === undefined) === (args.files === undefined)) throw new UserError('give the chart as `chart` (a local path) or as `files` (its files), one of the two', 'pass exactly one of chart and files');
  if (args.chart !== undefined) return use(localChart(args.chart), (text) => text);
  const root = await mkdtemp(join(tmpdir(), 'k8sx-helm-chart-'));
  try {
    const dir = join(root, chartName(args.files!));
    for (const [path, content] of Object.entries(args.files!)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content, { mode: 0o600 });
    }
    const scrub = (text: string) => text.replaceAll(dir, '.');
    try {
      return await use(dir, scrub);
    } catch (e) {
      // helm's own errors name the temp dir too.
      if (e instanceof UserError) throw new UserError(scrub(e.message), e.fix && scrub(e.fix), e.exitCode);
      throw e instanceof Error ? new Error(scrub(e.message)) : e;
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
