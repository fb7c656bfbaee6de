import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Finding, namespaceScores, refText, renderScores, SEVERITIES, type Severity, severityRank } from '../../agents/security/checks/index.js';
import { parseManifestText } from '../../agents/security/files.js';
import { summaryLine } from '../../agents/security/report.js';
import { scanObjects } from '../../agents/security/scan.js';
import { securitySettings } from '../../agents/security/settings.js';
import { errorMessage, UserError } from '../../shared/errors.js';
import { renderTable } from '../../shared/table.js';
import { HelmRunner } from '../../mcp-servers/helm/runner.js';
import { configFromCommand } from '../options.js';
import { helmBinary } from '../helm-binary.js';
import { badInput, manifestFiles, readManifestText } from '../manifest-files.js';

export interface ScanCliOptions {
  chart?: string;
  values?: string;
  json?: boolean;
  failOn?: string;
  allowedRegistries?: string;
}

/** `helm template` of a local chart (argument array, no shell), as YAML text. */
async function renderChart(command: Command, chart: string, values: string | undefined): Promise<string> {
  if (!existsSync(join(chart, 'Chart.yaml'))) throw badInput(`${chart} is not a chart: it has no Chart.yaml`, 'pass the directory that holds Chart.yaml to --chart');
  if (values && !existsSync(values)) throw badInput(`values file ${values} does not exist`, 'pass an existing file to --values');
  const config = configFromCommand(command);
  const helm = new HelmRunner({ binary: helmBinary(config), timeoutMs: config.helm.timeoutMs });
  try {
    return await helm.run(['template', 'scan', chart, ...(values ? ['--values', values] : [])], { positional: [chart, ...(values ? [values] : [])] });
  } catch (e) {
    if (e instanceof UserError && /not installed/.test(e.message)) throw e;
    throw badInput(`chart ${chart} does not render: ${errorMessage(e).replace(/^helm template failed: /, '')}`, 'fix the chart or its values (run `helm template` on it to see the whole error)');
  }
}

function parseFailOn(value: string | undefined): Severity | undefined {
  if (value === undefined || value === 'none') return undefined;
  if ((SEVERITIES as readonly string[]).includes(value)) return value as Severity;
  throw badInput(`--fail-on "${value}" is not a severity`, `use one of ${SEVERITIES.join(', ')} or none`);
}

export interface ScanResult {
  sources: string[];
  objects: number;
  skippedDocuments: number;
  findings: Finding[];
}

/** Reads, renders and scans; throws UserErrors (exit 2) for bad input. */
export async function runScan(paths: string[], opts: ScanCliOptions, command: Command): Promise<ScanResult> {
  if (!paths.length && !opts.chart) throw badInput('nothing to scan', 'pass manifest files or directories, or --chart <dir>');
  if (opts.values && !opts.chart) throw badInput('--values needs --chart', 'pass --chart <dir> with --values, or leave --values out');
  // The flag wins; without it, the config's security.allowedRegistries (the agent's live scan uses the same).
  const allowedRegistries = opts.allowedRegistries !== undefined ? opts.allowedRegistries.split(',').map((r) => r.trim()).filter(Boolean) : securitySettings(configFromCommand(command)).allowedRegistries;
  const objects: Record<string, unknown>[] = [];
  const sources: string[] = [];
  let skipped = 0;
  const add = (text: string, source: string) => {
    const parsed = parseManifestText(text, source);
    objects.push(...parsed.objects);
    skipped += parsed.skipped;
    sources.push(source);
  };
  for (const path of paths.map((p) => resolve(p))) {
    const files = manifestFiles(path);
    if (!files.length) throw badInput(`${path} has no .yaml, .yml or .json files`, 'pass a directory of manifests, or the files themselves');
    for (const file of files) add(readManifestText(file), file);
  }
  if (opts.chart) {
    const chart = resolve(opts.chart);
    add(await renderChart(command, chart, opts.values ? resolve(opts.values) : undefined), `chart ${chart}`);
  }
  return { sources, objects: objects.length, skippedDocuments: skipped, findings: scanObjects(objects, { allowedRegistries }) };
}

/** `k8s-experts scan`: the security agent's checks on manifest files, directories or a rendered chart, for people and CI. */
export function registerScanCommand(program: Command): void {
  program
    .command('scan')
    .description('security-scan manifests (YAML/JSON files or directories, multi-document, Lists) or a local Helm chart with the security agent\'s checks')
    .argument('[paths...]', 'manifest files or directories')
    .option('--chart <dir>', 'render this local chart with helm template and scan the result')
    .option('--values <file>', 'values file for --chart')
    .option('--json', 'print findings and scores as JSON')
    .option('--fail-on <severity>', `exit 1 when a finding at or above this severity exists (${SEVERITIES.join(', ')}, none)`, 'none')
    .option('--allowed-registries <list>', 'comma-separated registries images may come from (e.g. ghcr.io,registry.example.com); default: config security.allowedRegistries, else no registry check')
    .action(async (paths: string[], opts: ScanCliOptions, command: Command) => {
      const failOn = parseFailOn(opts.failOn);
      const result = await runScan(paths, opts, command);
      const { findings } = result;
      const scores = namespaceScores(findings);
      if (opts.json) {
        console.log(JSON.stringify({ ...result, summary: summaryLine(findings), scores }, null, 2));
      } else {
        if (findings.length) {
          console.log(renderTable(['severity', 'check', 'object', 'evidence'], findings.map((f) => [f.severity, f.check, refText(f.object), f.evidence])));
          console.log(`\n${renderScores(scores)}\n`);
        }
        console.log(`${result.objects} object${result.objects === 1 ? '' : 's'} from ${result.sources.length} source${result.sources.length === 1 ? '' : 's'}: ${summaryLine(findings)}`);
      }
      if (failOn && findings.some((f) => severityRank(f.severity) <= severityRank(failOn))) process.exitCode = 1;
    });
}
