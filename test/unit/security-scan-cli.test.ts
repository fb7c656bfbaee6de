import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerScanCommand } from '../../cli/commands/scan.js';
import { UserError } from '../../shared/errors.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const SEC = join(FIXTURES, 'security');
const CHARTS = join(FIXTURES, 'charts');

/** Runs `k8s-experts scan …` in process (the global --config option as main.ts has it): what it printed and the exit code it set. */
async function scan(args: string[]): Promise<{ out: string; exitCode: number }> {
  const program = new Command('k8s-experts').option('-c, --config <file>').exitOverride();
  registerScanCommand(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'k8s-experts', 'scan', ...args]);
    return { out: lines.join('\n'), exitCode: typeof process.exitCode === 'number' ? process.exitCode : 0 };
  } finally {
    process.exitCode = before;
    log.mockRestore();
  }
}

async function scanError(args: string[]): Promise<UserError> {
  const error = await scan(args).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return error as UserError;
}

interface JsonOut {
  sources: string[];
  objects: number;
  skippedDocuments: number;
  findings: Array<{ severity: string; check: string; object: { kind: string; name: string; namespace?: string }; evidence: string; remediation?: string }>;
  scores: Array<{ namespace: string; score: number }>;
}

afterEach(() => vi.restoreAllMocks());

describe('k8s-experts scan', () => {
  it('a directory: YAML and a JSON List, non-objects skipped; a table and scores', async () => {
    const { out, exitCode } = await scan([join(SEC, 'manifests')]);
    expect(exitCode).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^SEVERITY\s+CHECK\s+OBJECT\s+EVIDENCE$/);
    expect(lines[1]).toMatch(/^critical\s+pss-baseline-privileged\s+Deployment shop\/web\s+privileged: true on container web$/);
    expect(out).toMatch(/^high\s+rbac-wildcard\s+Role shop\/all\s+rule 1: verbs \* and resources \*/m);
    expect(out).toMatch(/^medium\s+rbac-default-service-account\s+RoleBinding shop\/all\s+/m);
    expect(out).toMatch(/^high\s+secret-env-literal\s+Deployment shop\/web\s+credential-named env var with a literal value: DB_PASSWORD/m);
    expect(out).not.toContain('fixture-secret-value');
    // 100 − 25·1 − 10·3 − 4·7 − 1·6 (info costs nothing)
    expect(out).toMatch(/^NAMESPACE\s+SCORE\s+CRITICAL\s+HIGH\s+MEDIUM\s+LOW\s+INFO\nshop\s+11\s+1\s+3\s+7\s+6\s+3$/m);
    expect(out).toMatch(/^medium\s+read-only-root-fs\s+Deployment shop\/web\s+readOnlyRootFilesystem not set/m);
    expect(out).toMatch(/^low\s+workload-single-replica\s+Deployment shop\/web\s+replicas: 1 \(unset, defaults to 1\)/m);
    expect(lines.at(-1)).toMatch(/^3 objects from 3 sources: \d+ findings — 1 critical, /);
  });

  it('--json: findings with remediation, scores, sources; --fail-on sets exit 1', async () => {
    const { out, exitCode } = await scan([join(SEC, 'manifests'), '--json', '--fail-on', 'high']);
    expect(exitCode).toBe(1);
    const data = JSON.parse(out) as JsonOut;
    expect(data.objects).toBe(3);
    expect(data.skippedDocuments).toBe(1);
    expect(data.sources.map((s) => s.slice(SEC.length + 1))).toEqual(['manifests/deployment.yaml', 'manifests/rbac.json', 'manifests/values.yaml']);
    expect(data.findings.find((f) => f.check === 'pss-baseline-host-namespaces')?.remediation).toContain('hostNetwork: false');
    expect(data.scores).toEqual([{ namespace: 'shop', score: 11, counts: { critical: 1, high: 3, medium: 7, low: 6, info: 3 } }]);
    expect(out).not.toContain('fixture-secret-value');
  });

  it('a clean multi-document file: no findings, exit 0 even with --fail-on info', async () => {
    const { out, exitCode } = await scan([join(SEC, 'multi.yaml'), '--fail-on', 'info']);
    expect(out).toBe('5 objects from 1 source: 0 findings — 0 critical, 0 high, 0 medium, 0 low, 0 info');
    expect(exitCode).toBe(0);
  });

  it('--allowed-registries turns on the registry check', async () => {
    const off = JSON.parse((await scan([join(SEC, 'multi.yaml'), '--json'])).out) as JsonOut;
    expect(off.findings).toEqual([]);
    const on = JSON.parse((await scan([join(SEC, 'multi.yaml'), '--json', '--allowed-registries', 'registry.example.com, quay.io'])).out) as JsonOut;
    expect(on.findings.map((f) => [f.check, f.object.name])).toEqual([['image-registry', 'api']]);
    expect(on.findings[0]!.evidence).toContain('registry ghcr.io');
  });

  it('--chart renders a local chart with helm and scans it; --values changes the rendering', async () => {
    const plain = JSON.parse((await scan(['--chart', join(CHARTS, 'webapp'), '--json'])).out) as JsonOut;
    expect(plain.sources).toEqual([`chart ${join(CHARTS, 'webapp')}`]);
    const web = (d: JsonOut) => d.findings.filter((f) => f.object.kind === 'Deployment' && f.object.name === 'scan-webapp').map((f) => f.check);
    expect(web(plain)).toEqual(expect.arrayContaining(['pss-restricted-run-as-non-root', 'pss-restricted-privilege-escalation', 'resource-limits', 'image-digest']));
    const hardened = JSON.parse((await scan(['--chart', join(CHARTS, 'webapp'), '--values', join(SEC, 'webapp-values.yaml'), '--json'])).out) as JsonOut;
    expect(web(hardened)).toEqual(['image-digest', 'priority-class-missing']);
    expect(web(plain)).toEqual(expect.arrayContaining(['read-only-root-fs', 'image-pull-policy', 'workload-single-replica']));
    // The chart's test hook Pod is scanned too.
    expect(hardened.findings.some((f) => f.object.kind === 'Pod' && f.check === 'image-tag')).toBe(true);
  });

  it('bad input is a UserError with exit code 2 naming the file, line or flag', async () => {
    const invalid = await scanError([join(SEC, 'invalid.yaml')]);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.message).toMatch(new RegExp(`^${join(SEC, 'invalid.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5: invalid YAML in document 1: `));
    const missing = await scanError([join(SEC, 'nope.yaml')]);
    expect(missing).toMatchObject({ exitCode: 2, message: `cannot read ${join(SEC, 'nope.yaml')}: no such file or directory` });
    expect(await scanError([])).toMatchObject({ exitCode: 2, message: 'nothing to scan' });
    expect(await scanError([join(SEC, 'multi.yaml'), '--fail-on', 'severe'])).toMatchObject({ exitCode: 2, message: '--fail-on "severe" is not a severity' });
    expect(await scanError([join(SEC, 'multi.yaml'), '--values', join(SEC, 'webapp-values.yaml')])).toMatchObject({ exitCode: 2, message: '--values needs --chart' });
    expect(await scanError(['--chart', SEC])).toMatchObject({ exitCode: 2, message: `${SEC} is not a chart: it has no Chart.yaml` });
    const empty = mkdtempSync(join(tmpdir(), 'k8sx-scan-'));
    expect(await scanError([empty])).toMatchObject({ exitCode: 2, message: `${empty} has no .yaml, .yml or .json files` });
    const broken = await scanError(['--chart', join(CHARTS, 'broken')]);
    expect(broken.exitCode).toBe(2);
    expect(broken.message).toMatch(new RegExp(`^chart ${join(CHARTS, 'broken')} does not render: .*cm\\.yaml`, 's'));
    const json = join(empty, 'bad.json');
    writeFileSync(json, '{\n  "kind": "ConfigMap",\n  "metadata": {\n}');
    expect((await scanError([json])).message).toMatch(/bad\.json:\d+: invalid YAML/);
  });
});
