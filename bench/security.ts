/**
 * The same 1,000 manifests (bench/security-manifests.ts, seeded) scanned by us — in process
 * (`scanObjects`) and as `k8s-experts scan --json` — by Polaris (`polaris audit --audit-path`)
 * and by kube-score (`kube-score score -o json`). Prints objects flagged per control family, each
 * tool's objects per second (median of --runs), and whether ours meets the goal: Polaris's
 * control families or more, at its throughput or better. Nothing touches a cluster: the peers get
 * files and a kubeconfig path that does not exist. A tool that cannot be built or run is reported
 * and the others go on.
 *   npm run bench:security [-- --count 1000 --runs 3 --seed 42]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { z } from 'zod';
import { scanObjects } from '../agents/security/scan.js';
import { renderTable } from '../shared/table.js';
import { CONTROLS, controlsOf, polarisConfig, type ToolKey } from './security-controls.js';
import { FAMILIES, type Family, generateManifests } from './security-manifests.js';
import { ensureKubeScore, ensurePolaris, type PeerTool } from './security-tools.js';

const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, runs: { type: 'string', default: '3' }, seed: { type: 'string', default: '42' } } });
const COUNT = Number(values.count);
const RUNS = Number(values.runs);
const SEED = Number(values.seed);
if (!Number.isInteger(COUNT) || COUNT < 20 || COUNT > 20000 || !Number.isInteger(RUNS) || RUNS < 1 || RUNS > 20 || !Number.isInteger(SEED)) {
  console.error('--count takes 20–20000, --runs 1–20, --seed an integer');
  process.exit(2);
}
const cli = join(import.meta.dirname, '..', 'cli', 'main.js');

/** Our check ids → family. Checks not listed (image-digest, secrets in ConfigMaps/annotations …) are "other". */
const OURS: [RegExp, Family][] = [
  [/^pss-baseline-privileged$/, 'privileged'],
  [/^pss-baseline-host-namespaces$/, 'host-namespaces'],
  [/^pss-baseline-host-path$|^pss-restricted-volume-types$/, 'host-path'],
  [/^pss-baseline-host-ports$/, 'host-ports'],
  [/^pss-(baseline|restricted)-capabilities$/, 'capabilities'],
  [/^pss-restricted-run-as-(non-root|user)$/, 'run-as-non-root'],
  [/^pss-restricted-privilege-escalation$/, 'privilege-escalation'],
  [/^pss-(baseline|restricted)-seccomp$/, 'seccomp'],
  [/^resource-requests$/, 'resource-requests'],
  [/^resource-limits$/, 'resource-limits'],
  [/^image-tag$/, 'image-tag'],
  [/^secret-env-literal$/, 'secret-in-env'],
  [/^rbac-/, 'rbac'],
  [/^network-/, 'network-policy'],
  [/^read-only-root-fs$/, 'read-only-root-fs'],
  [/^probe-(liveness|readiness)-missing$/, 'probes'],
  [/^image-pull-policy$/, 'pull-policy'],
  [/^workload-single-replica$/, 'replicas'],
  [/^service-account-token-automount$/, 'service-account-token'],
];
/** Polaris check ids → family (its defaults; ids of later versions included where known). */
const POLARIS: [RegExp, Family][] = [
  [/^runAsPrivileged$/, 'privileged'],
  [/^host(IPC|PID|Network)Set$/, 'host-namespaces'],
  [/^hostPathSet$/, 'host-path'],
  [/^hostPortSet$/, 'host-ports'],
  [/^(dangerous|insecure)Capabilities$/, 'capabilities'],
  [/^runAsRootAllowed$/, 'run-as-non-root'],
  [/^notReadOnlyRootFilesystem$/, 'read-only-root-fs'],
  [/^privilegeEscalationAllowed$/, 'privilege-escalation'],
  [/^(cpu|memory)RequestsMissing$/, 'resource-requests'],
  [/^(cpu|memory)LimitsMissing$/, 'resource-limits'],
  [/^(liveness|readiness)ProbeMissing$/, 'probes'],
  [/^tagNotSpecified$/, 'image-tag'],
  [/^pullPolicyNotAlways$/, 'pull-policy'],
  [/^sensitiveContainerEnvVar$/, 'secret-in-env'],
  [/^(cluster)?role(binding)?[A-Z]/, 'rbac'],
  [/^missingNetworkPolicy$/, 'network-policy'],
  [/^deploymentMissingReplicas$/, 'replicas'],
  [/^automountServiceAccountToken$/, 'service-account-token'],
];
/** kube-score check ids → family; container-resources is split by its comment (limit or request). */
const KUBE_SCORE: [RegExp, Family][] = [
  [/^container-security-context-privileged$/, 'privileged'],
  [/^container-security-context-user-group-id$/, 'run-as-non-root'],
  [/^container-security-context-readonlyrootfilesystem$/, 'read-only-root-fs'],
  [/^container-seccomp-profile$/, 'seccomp'],
  [/^container-resources:.*request/i, 'resource-requests'],
  [/^container-resources:.*limit/i, 'resource-limits'],
  [/^pod-probes$/, 'probes'],
  [/^container-image-tag$/, 'image-tag'],
  [/^container-image-pull-policy$/, 'pull-policy'],
  [/^pod-networkpolicy$/, 'network-policy'],
  [/^deployment-replicas$/, 'replicas'],
];

const familyOf = (table: [RegExp, Family][], id: string): Family | 'other' => table.find(([re]) => re.test(id))?.[1] ?? 'other';

/** One failing check on one object, in any tool's terms. */
interface Hit {
  object: string;
  check: string;
}

interface ToolResult {
  name: string;
  hits?: Hit[];
  /** Check ids the tool ran (passing ones too), where its output says. */
  ran?: string[];
  /** Median wall time of one scan of all objects, ms. */
  ms?: number;
  /** Median wall time of a scan of one object (start-up and fixed costs), ms. */
  ms1?: number;
  error?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

function runProcess(bin: string, args: string[], env: Record<string, string>): { stdout: string; ms: number; status: number | null; stderr: string; error?: Error } {
  const start = performance.now();
  const r = spawnSync(bin, args, { env, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 600_000 });
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', status: r.status, ms: performance.now() - start, ...(r.error ? { error: r.error } : {}) };
}

/**
 * Runs a tool RUNS times on all objects (`args`) and RUNS times on one (`args1`, for its fixed
 * cost); parses the first full run's output. `ok` says which exit codes mean "scanned" (findings may set one).
 */
function timedTool(name: string, bin: string, args: string[], args1: string[], env: Record<string, string>, ok: (status: number | null) => boolean, parse: (stdout: string) => Parsed): ToolResult {
  const times: number[] = [];
  const times1: number[] = [];
  let hits: Parsed | undefined;
  for (let i = 0; i < RUNS; i++) {
    const r = runProcess(bin, args, env);
    if (r.error || !ok(r.status)) return { name, error: `${r.error?.message ?? `exited ${r.status}`}: ${r.stderr.trim().split('\n').slice(-2).join(' | ').slice(0, 300)}` };
    times.push(r.ms);
    try {
      hits ??= parse(r.stdout);
    } catch (e) {
      return { name, error: `output not understood: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}` };
    }
    const one = runProcess(bin, args1, env);
    if (one.error || !ok(one.status)) return { name, error: `on one object: ${one.error?.message ?? `exited ${one.status}`}: ${one.stderr.trim().slice(0, 300)}` };
    times1.push(one.ms);
  }
  return { name, ...(hits ? { hits: hits.hits, ran: hits.ran } : {}), ms: median(times), ms1: median(times1) };
}

const objectKey = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

const OurJson = z.object({ findings: z.array(z.object({ check: z.string(), object: z.object({ kind: z.string(), name: z.string(), namespace: z.string().optional() }) })) });

const PolarisResultSet = z.record(z.string(), z.object({ ID: z.string(), Success: z.boolean() })).nullish();
const PolarisJson = z.object({
  Results: z
    .array(
      z.object({
        Name: z.string(),
        Namespace: z.string().nullish(),
        Kind: z.string(),
        Results: PolarisResultSet,
        PodResult: z.object({ Results: PolarisResultSet, ContainerResults: z.array(z.object({ Results: PolarisResultSet })).nullish() }).nullish(),
      }),
    )
    .nullish(),
});

/** kube-score's JSON v2 (its default): snake_case; `comments` may be null. */
const KubeScoreJson = z.array(
  z.object({
    object_meta: z.object({ name: z.string().optional(), namespace: z.string().optional() }),
    type_meta: z.object({ kind: z.string().optional() }),
    checks: z.array(z.object({ check: z.object({ id: z.string() }), grade: z.number(), skipped: z.boolean(), comments: z.array(z.object({ summary: z.string().optional() })).nullish() })).nullish(),
  }),
);

interface Parsed {
  hits: Hit[];
  ran: string[];
}

function parseOurs(stdout: string): Parsed {
  const hits = OurJson.parse(JSON.parse(stdout)).findings.map((f) => ({ object: objectKey(f.object.kind, f.object.namespace, f.object.name), check: f.check }));
  return { hits, ran: [...new Set(hits.map((h) => h.check))] };
}

function parsePolaris(stdout: string): Parsed {
  const hits: Hit[] = [];
  const ran = new Set<string>();
  for (const r of PolarisJson.parse(JSON.parse(stdout)).Results ?? []) {
    const object = objectKey(r.Kind, r.Namespace || undefined, r.Name);
    const sets = [r.Results, r.PodResult?.Results, ...(r.PodResult?.ContainerResults ?? []).map((c) => c.Results)];
    for (const set of sets) {
      for (const res of Object.values(set ?? {})) {
        ran.add(res.ID);
        if (!res.Success) hits.push({ object, check: res.ID });
      }
    }
  }
  return { hits, ran: [...ran] };
}

/** kube-score grades: 1 critical, 5 warning, 7 almost OK, 10 OK; a hit is a graded (not skipped) check at warning or worse. */
function parseKubeScore(stdout: string): Parsed {
  const hits: Hit[] = [];
  const ran = new Set<string>();
  for (const o of KubeScoreJson.parse(JSON.parse(stdout))) {
    const object = objectKey(o.type_meta.kind ?? '?', o.object_meta.namespace, o.object_meta.name ?? '?');
    for (const c of o.checks ?? []) {
      // container-resources counts for both requests and limits.
      if (c.check.id === 'container-resources') ran.add('container-resources:request').add('container-resources:limit');
      else ran.add(c.check.id);
      if (c.skipped || c.grade > 5) continue;
      const summaries = (c.comments ?? []).map((x) => x.summary ?? '');
      if (c.check.id === 'container-resources') for (const s of summaries.length ? summaries : ['']) hits.push({ object, check: `container-resources:${s}` });
      else hits.push({ object, check: c.check.id });
    }
  }
  return { hits, ran: [...ran] };
}

/** Distinct objects flagged per family, and the unmapped check ids (so the mapping can be checked). */
function perFamily(hits: Hit[], table: [RegExp, Family][]): { counts: Map<Family | 'other', number>; other: string[] } {
  const sets = new Map<Family | 'other', Set<string>>();
  const other = new Set<string>();
  for (const h of hits) {
    const family = familyOf(table, h.check);
    if (family === 'other') other.add(h.check.replace(/:.*/, ''));
    (sets.get(family) ?? sets.set(family, new Set()).get(family))?.add(h.object);
  }
  return { counts: new Map([...sets].map(([k, v]) => [k, v.size])), other: [...other].sort() };
}

function main(): void {
  const generated = generateManifests(COUNT, SEED);
  const objects = generated.map((g) => g.object);
  const dir = mkdtempSync(join(tmpdir(), 'k8s-experts-bench-security-'));
  const files: string[] = [];
  try {
    mkdirSync(join(dir, 'manifests'));
    for (const [i, o] of objects.entries()) {
      const file = join(dir, 'manifests', `${String(i).padStart(5, '0')}.yaml`);
      writeFileSync(file, stringify(o));
      files.push(file);
    }
    const manifests = join(dir, 'manifests');
    // One workload alone, for each tool's fixed cost (process start, loading its checks).
    const oneFile = join(dir, 'one', 'one.yaml');
    mkdirSync(join(dir, 'one'));
    writeFileSync(oneFile, stringify(objects.find((o) => o.kind === 'Deployment') ?? objects[0]));
    // No cluster: a kubeconfig path that does not exist, and only PATH and HOME from this environment.
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? dir, KUBECONFIG: join(dir, 'no-kubeconfig') };
    const results: ToolResult[] = [];

    scanObjects(objects); // warm-up
    const times: number[] = [];
    let ours: Hit[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now();
      const findings = scanObjects(objects);
      times.push(performance.now() - start);
      ours = findings.map((f) => ({ object: objectKey(f.object.kind, f.object.namespace, f.object.name), check: f.check }));
    }
    results.push({ name: 'us (in process)', hits: ours, ms: median(times), ran: CONTROLS.flatMap((c) => (c.us ? [c.us.source] : [])) });
    results.push(timedTool('us (k8s-experts scan --json)', process.execPath, [cli, 'scan', '--json', manifests], [cli, 'scan', '--json', oneFile], env, (s) => s === 0, parseOurs));

    const polarisConfigFile = join(dir, 'polaris.yaml');
    writeFileSync(polarisConfigFile, polarisConfig());
    const peers: PeerTool[] = [ensurePolaris(), ensureKubeScore()];
    for (const peer of peers) {
      const label = `${peer.name} ${peer.version}`;
      if (!peer.binary) {
        results.push({ name: label, error: `not built: ${peer.error ?? 'unknown'}` });
        continue;
      }
      // Every Polaris check on (its config leaves some off by default); kube-score's optional tests on too.
      const polarisArgs = ['--config', polarisConfigFile, '--format', 'json', '--log-level', 'error'];
      if (peer.name === 'polaris') results.push(timedTool(label, peer.binary, ['audit', '--audit-path', manifests, ...polarisArgs], ['audit', '--audit-path', oneFile, ...polarisArgs], env, (s) => s === 0, parsePolaris));
      // kube-score exits 1 when a check is critical: that is a finished scan.
      else results.push(timedTool(label, peer.binary, ['score', '--output-format', 'json', '--color', 'never', '--all-default-optional', ...files], ['score', '--output-format', 'json', '--color', 'never', '--all-default-optional', oneFile], env, (s) => s === 0 || s === 1, parseKubeScore));
    }
    report(results, objects.length);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const toolKey = (name: string): ToolKey => (name.startsWith('us') ? 'us' : name.startsWith('polaris') ? 'polaris' : 'kubeScore');

interface ControlCoverage {
  /** Objects flagged per control; undefined where the tool has no check for it. */
  flagged: Map<string, number | undefined>;
  implemented: number;
  fired: number;
  /** Check ids the tool ran that no control maps (so the map can be checked). */
  unmapped: string[];
}

/** Per control: does the tool have a check for it (one it ran, or for us one the map names), and how many objects it flagged. */
function perControl(r: ToolResult): ControlCoverage | undefined {
  if (!r.hits) return undefined;
  const key = toolKey(r.name);
  const ran = r.ran ?? [];
  const has = (c: (typeof CONTROLS)[number]) => (key === 'us' ? c.us !== undefined : ran.some((id) => c[key]?.test(id)));
  const objects = new Map<string, Set<string>>();
  for (const h of r.hits) for (const c of controlsOf(key, h.check)) (objects.get(c.control) ?? objects.set(c.control, new Set()).get(c.control))?.add(h.object);
  const flagged = new Map(CONTROLS.map((c) => [c.control, has(c) ? (objects.get(c.control)?.size ?? 0) : undefined]));
  const implemented = CONTROLS.filter(has).length;
  const fired = CONTROLS.filter((c) => (flagged.get(c.control) ?? 0) > 0).length;
  const unmapped = key === 'us' ? [] : [...new Set(ran.filter((id) => !controlsOf(key, id).length).map((id) => id.replace(/:.*/, '')))].sort();
  return { flagged, implemented, fired, unmapped };
}

function report(results: ToolResult[], n: number): void {
  const tableOf = (name: string) => (name.startsWith('us') ? OURS : name.startsWith('polaris') ? POLARIS : KUBE_SCORE);
  const columns = results.filter((r) => r.name !== 'us (k8s-experts scan --json)');
  const families = new Map(results.map((r) => [r.name, r.hits ? perFamily(r.hits, tableOf(r.name)) : undefined]));
  const header = ['CONTROL FAMILY', ...columns.map((r) => (r.name.startsWith('us') ? 'us' : r.name.split(' ')[0] ?? r.name))];
  const rows = [...FAMILIES, 'other' as const].map((f) => [f, ...columns.map((r) => (r.hits ? (families.get(r.name)?.counts.get(f) ?? 0) : 'n/a'))]);
  console.log(`${n} manifests (seed ${SEED}), objects flagged per control family:\n`);
  console.log(renderTable(header, rows));
  console.log('');
  for (const r of results) {
    const fam = families.get(r.name);
    if (fam?.other.length) console.log(`${r.name} checks counted as "other": ${fam.other.join(', ')}`);
  }
  const controls = new Map(columns.map((r) => [r.name, perControl(r)]));
  console.log(`\nobjects flagged per control ("-": the tool has no check for it):\n`);
  console.log(
    renderTable(
      ['CONTROL', 'FAMILY', ...header.slice(1)],
      CONTROLS.map((c) => [c.control, c.family, ...columns.map((r) => {
        const cov = controls.get(r.name);
        const v = cov?.flagged.get(c.control);
        return cov === undefined ? 'n/a' : v === undefined ? '-' : v;
      })]),
    ),
  );
  console.log('');
  for (const r of columns) {
    const cov = controls.get(r.name);
    if (cov) console.log(`${r.name}: ${cov.implemented} controls checked, ${cov.fired} fired on this set${cov.unmapped.length ? `; checks ran but mapped to no control: ${cov.unmapped.join(', ')}` : ''}`);
  }
  console.log('');
  console.log(
    renderTable(
      ['TOOL', 'MEDIAN MS', 'OBJECTS/S', '1 OBJECT MS', 'OBJECTS/S PAST START-UP', 'FINDINGS', 'FAMILIES'],
      results.map((r) => [
        r.name,
        r.ms === undefined ? 'n/a' : r.ms.toFixed(1),
        r.ms === undefined ? 'n/a' : Math.round((n / r.ms) * 1000),
        r.ms1 === undefined ? '-' : r.ms1.toFixed(1),
        r.ms === undefined || r.ms1 === undefined ? '-' : r.ms > r.ms1 ? Math.round(((n - 1) / (r.ms - r.ms1)) * 1000) : 'n/a',
        r.hits?.length ?? 'n/a',
        r.hits ? FAMILIES.filter((f) => (families.get(r.name)?.counts.get(f) ?? 0) > 0).length : 'n/a',
      ]),
    ),
  );
  for (const r of results) if (r.error) console.log(`${r.name}: ${r.error}`);

  const covered = (name: string) => new Set(FAMILIES.filter((f) => (families.get(name)?.counts.get(f) ?? 0) > 0));
  const usCli = results.find((r) => r.name.startsWith('us (k8s'));
  const polaris = results.find((r) => r.name.startsWith('polaris'));
  console.log('');
  if (!polaris?.hits || polaris.ms === undefined) {
    console.log('goal: not judged — Polaris did not run');
    return;
  }
  const ours = covered('us (in process)');
  const theirs = covered(polaris.name);
  const missing = [...theirs].filter((f) => !ours.has(f));
  console.log(`coverage: us ${ours.size} families, Polaris ${theirs.size} — ${ours.size >= theirs.size ? 'met' : 'NOT met'}${missing.length ? `; Polaris covers and we do not: ${missing.join(', ')}` : ''}`);
  const usControls = perControl(results.find((r) => r.name === 'us (in process)') ?? { name: 'us' });
  const polarisControls = perControl(polaris);
  if (usControls && polarisControls) {
    const theirsOnly = CONTROLS.filter((c) => polarisControls.flagged.get(c.control) !== undefined && usControls.flagged.get(c.control) === undefined).map((c) => c.control);
    console.log(
      `coverage in checks: us ${usControls.implemented} controls (${usControls.fired} fired), Polaris ${polarisControls.implemented} (${polarisControls.fired} fired) — ${usControls.implemented >= polarisControls.implemented && !theirsOnly.length ? 'met' : 'NOT met'}${theirsOnly.length ? `; Polaris checks and we do not: ${theirsOnly.join(', ')}` : ''}`,
    );
  }
  if (usCli?.ms !== undefined) console.log(`throughput (process vs process): us ${Math.round((n / usCli.ms) * 1000)} objects/s, Polaris ${Math.round((n / polaris.ms) * 1000)} — ${usCli.ms <= polaris.ms ? 'met' : 'NOT met'}`);
}

main();
