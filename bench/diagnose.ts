/**
 * Our analyzers against k8sgpt's on the same broken objects: every namespaced
 * tools/cluster/scenarios/*.yaml applied into its own namespace of a private demo cluster, then
 * `k8sgpt analyze --output json` (every analyzer filter, no AI backend) and ours (collectSnapshot →
 * analyzeSnapshot through our kubernetes MCP server). Prints one row per object either side
 * flagged, the totals, the k8sgpt results the same snapshot disproves (with the proof), and
 * whether we find every issue k8sgpt finds.
 *   npm run bench:diagnose
 * k8sgpt v0.4.36 is built once from a throwaway wrapper module (its go.mod has replace
 * directives, so `go install` refuses it) into ~/.cache/k8s-experts/bench-tools/k8sgpt-v0.4.36/.
 * Not part of .ci/run: a cold build takes minutes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { z } from 'zod';
import { collectSnapshot } from '../agents/ops/analyzers/collector.js';
import { analyzeSnapshot, type AnalyzerFinding, type Snapshot } from '../agents/ops/analyzers/index.js';
import { configMapReaders } from '../agents/ops/analyzers/unused-configmaps.js';
import { mcpToolBox } from '../shared/reasoning/toolbox.js';
import { renderTable } from '../shared/table.js';
import { clusterPaths } from '../tools/cluster/paths.js';
import { kubectl } from '../tools/cluster/exec.js';
import { readClusterState } from '../tools/cluster/state.js';

const K8SGPT = 'v0.4.36';
const MODULE = 'github.com/k8sgpt-ai/k8sgpt';
const root = join(import.meta.dirname, '..', '..');
const cli = join(import.meta.dirname, '..', 'cli', 'main.js');
const scenarios = join(root, 'tools', 'cluster', 'scenarios');
/** Scenarios of cluster-scoped objects, left to test/integration/ops-analyzers.test.ts. */
const CLUSTER_SCOPED = ['node', 'webhooks'];
const toolDir = join(clusterPaths().cacheDir, 'bench-tools', `k8sgpt-${K8SGPT}`);
const binary = join(toolDir, 'k8sgpt');

/** Runs a build step with an argument array; its output goes to stderr as progress. */
function step(what: string, cmd: string, args: string[], cwd: string): void {
  console.error(`k8sgpt build: ${what}`);
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, GOTOOLCHAIN: 'local', CGO_ENABLED: '0' } });
  if (r.status !== 0) throw new Error(`k8sgpt build failed at "${what}" (${cmd} ${args.join(' ')}): exit ${r.status ?? r.signal}`);
}

/**
 * Builds k8sgpt when missing: a wrapper module that requires it, carries its replace directives
 * (read from its own go.mod) and its go.sum (some of its modules, buf.build's, are not in the
 * public checksum database), then `go build`.
 */
function ensureK8sgpt(): void {
  if (existsSync(binary)) return;
  const src = join(toolDir, 'src');
  mkdirSync(src, { recursive: true });
  if (!existsSync(join(src, 'go.mod'))) step('go mod init', 'go', ['mod', 'init', 'k8sx.local/k8sgpt-wrapper'], src);
  const dl = spawnSync('go', ['mod', 'download', '-json', `${MODULE}@${K8SGPT}`], { cwd: src, encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
  if (dl.status !== 0) throw new Error(`go mod download ${MODULE}@${K8SGPT} failed: ${dl.stderr}`);
  const info = z.object({ Dir: z.string(), GoMod: z.string() }).parse(JSON.parse(dl.stdout));
  const replaces = [...readFileSync(info.GoMod, 'utf8').matchAll(/^replace\s+(\S+)\s+=>\s+(\S+)\s+(\S+)\s*$/gm)].map((m) => `${m[1]}=${m[2]}@${m[3]}`);
  if (replaces.length) step(`copy ${replaces.length} replace directive(s)`, 'go', ['mod', 'edit', ...replaces.flatMap((r) => ['-replace', r])], src);
  const sums = new Set([...(existsSync(join(src, 'go.sum')) ? readFileSync(join(src, 'go.sum'), 'utf8').split('\n') : []), ...readFileSync(join(info.Dir, 'go.sum'), 'utf8').split('\n')].filter(Boolean));
  writeFileSync(join(src, 'go.sum'), `${[...sums].sort().join('\n')}\n`);
  step(`go get ${MODULE}@${K8SGPT}`, 'go', ['get', `${MODULE}@${K8SGPT}`], src);
  step('go build (a cold build takes several minutes)', 'go', ['build', '-mod=mod', '-ldflags', '-s -w', '-o', binary, MODULE], src);
}

const K8sgptOutput = z.object({
  results: z
    .array(z.object({ kind: z.string(), name: z.string(), error: z.array(z.object({ Text: z.string() })).nullish(), parentObject: z.string().nullish() }))
    .nullish(),
});
type K8sgptResult = NonNullable<z.infer<typeof K8sgptOutput>['results']>[number];

/** k8sgpt's own config and cache go to a scratch home, never the user's. */
const k8sgptEnv = (home: string) => ({ PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') });

/** Every analyzer this k8sgpt has, active and unused (`k8sgpt filters list`: "> Name" lines). */
function k8sgptFilters(home: string): string[] {
  const r = spawnSync(binary, ['filters', 'list'], { encoding: 'utf8', env: k8sgptEnv(home), timeout: 30_000 });
  const filters = [...r.stdout.matchAll(/^>\s*(\w+)/gm)].map((m) => m[1]!);
  if (r.status !== 0 || filters.length === 0) throw new Error(`k8sgpt filters list gave no filters: ${r.stderr || r.stdout}`);
  return filters;
}

/**
 * k8sgpt's analysis of one namespace, no AI backend, every filter. One analyzer at a time: its
 * Gateway analyzers register types into a shared scheme concurrently and can crash with "concurrent
 * map read and map write"; a crash is retried (twice) all the same.
 */
function k8sgptAnalyze(kubeconfig: string, namespace: string, home: string, filters: string[]): K8sgptResult[] {
  const args = ['analyze', '--kubeconfig', kubeconfig, '--namespace', namespace, '--output', 'json', '--no-cache', '--max-concurrency', '1', '--filter', filters.join(',')];
  let r = spawnSync(binary, args, { encoding: 'utf8', env: k8sgptEnv(home), timeout: 120_000 });
  for (let retry = 0; retry < 2 && r.status !== 0 && /fatal error: concurrent map/.test(r.stderr); retry++) {
    console.error(`k8sgpt crashed on its own data race in ${namespace}; retrying`);
    r = spawnSync(binary, args, { encoding: 'utf8', env: k8sgptEnv(home), timeout: 120_000 });
  }
  if (r.status !== 0) throw new Error(`k8sgpt analyze -n ${namespace} failed: ${(r.stderr || r.stdout).split('\n').slice(0, 5).join('\n')}`);
  return K8sgptOutput.parse(JSON.parse(r.stdout.slice(r.stdout.indexOf('{')))).results ?? [];
}

/** The object's name in a k8sgpt result: "ns/name", or "ns/pod/container" from its Log analyzer. */
const objectName = (r: K8sgptResult): string => {
  const parts = r.name.split('/');
  return parts.length > 1 ? parts[1]! : parts[0]!;
};

/** A k8sgpt result that is k8sgpt failing to read (its Log analyzer cannot fetch a kwok pod's log), not a cluster issue. */
const readError = (r: K8sgptResult): boolean => (r.error ?? []).every((e) => /^Error the server rejected our request/.test(e.Text));

/** Whether one of our findings accounts for a k8sgpt result: same object, an object it covers, its parent, or a step of its chain. */
function ours(findings: AnalyzerFinding[], r: K8sgptResult, namespace: string): AnalyzerFinding | undefined {
  const name = objectName(r);
  // "Storage/PersistentVolumeClaim", "Security/ServiceAccount": the analyzer, then the object's kind.
  const kind = r.kind.split('/').pop()!;
  const key = `${kind}/${namespace}/${name}`;
  const parent = r.parentObject ? `${r.parentObject.split('/')[0]}/${namespace}/${r.parentObject.split('/').slice(1).join('/')}` : undefined;
  const keyOf = (f: AnalyzerFinding) => `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}`;
  return (
    findings.find((f) => keyOf(f) === key) ??
    findings.find((f) => (f.covers ?? []).includes(key)) ??
    findings.find((f) => parent !== undefined && keyOf(f) === parent) ??
    findings.find((f) => f.chain.some((c) => c.startsWith(`${kind} ${namespace}/${name}`) || c.startsWith(`${kind} ${name}:`)))
  );
}

/**
 * A k8sgpt result the same snapshot disproves, with the proof: "ConfigMap X is not used by any
 * pods" where a pod or pod template reads X in a way k8sgpt does not look at (init containers,
 * projected volumes, optional refs, templates scaled to zero). Shown in the table, not counted as missed.
 */
function disproved(r: K8sgptResult, snapshot: Snapshot, namespace: string): string | undefined {
  if (r.kind !== 'ConfigMap' || !(r.error ?? []).some((e) => /is not used by any pods/.test(e.Text))) return undefined;
  const readers = configMapReaders(snapshot).by.get(`${namespace}/${objectName(r)}`) ?? [];
  return readers.length ? `read by ${readers.join(', ')}` : undefined;
}

async function main(): Promise<void> {
  ensureK8sgpt();
  const scratch = mkdtempSync(join(tmpdir(), 'k8sx-bench-diagnose-'));
  const dir = join(scratch, 'cluster');
  const clusterEnv = { ...process.env, K8S_EXPERTS_CLUSTER_DIR: dir };
  console.error('starting a private demo cluster …');
  const up = spawnSync(process.execPath, [cli, 'cluster', 'up'], { env: clusterEnv, encoding: 'utf8' });
  if (up.status !== 0) throw new Error(`cluster up failed: ${up.stderr}`);
  const client = new Client({ name: 'bench-diagnose', version: '1' });
  try {
    const state = readClusterState(clusterPaths(clusterEnv))!;
    // The cluster-scoped scenarios (a node, a webhook) need a status patch and a fixed namespace; the integration test runs them.
    const names = readdirSync(scenarios)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => f.slice(0, -'.yaml'.length))
      .filter((n) => !CLUSTER_SCOPED.includes(n));
    for (const n of names) {
      console.error(`applying scenario ${n} into namespace diag-${n}`);
      await kubectl(state.kubectl, state.kubeconfig, ['create', 'namespace', `diag-${n}`]);
      await kubectl(state.kubectl, state.kubeconfig, ['apply', '-n', `diag-${n}`, '-f', join(scenarios, `${n}.yaml`)]);
    }
    // Controllers and kwok's stages take a few seconds to show the failures (CreateContainerConfigError, no endpoints).
    console.error('letting controllers settle (20 s) …');
    await new Promise((r) => setTimeout(r, 20_000));
    const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', KUBECONFIG: state.kubeconfig, K8S_EXPERTS_LOG_LEVEL: 'warn' };
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', 'kubernetes'], env, stderr: 'ignore' }));
    const tools = mcpToolBox(client);
    const home = join(scratch, 'k8sgpt-home');
    mkdirSync(home);
    const filters = k8sgptFilters(home);
    console.error(`k8sgpt filters: ${filters.join(', ')}`);
    const rows: string[][] = [];
    const missing: string[] = [];
    const disputed: string[] = [];
    let theirs = 0;
    let readErrors = 0;
    let ourCount = 0;
    /** Our findings k8sgpt has nothing for. */
    let onlyOurs = 0;
    for (const n of names) {
      const ns = `diag-${n}`;
      console.error(`analyzing ${ns}: k8sgpt, then ours`);
      const k = k8sgptAnalyze(state.kubeconfig, ns, home, filters);
      const { snapshot } = await collectSnapshot(tools, { namespace: ns });
      const { findings } = analyzeSnapshot(snapshot);
      theirs += k.length;
      ourCount += findings.length;
      const explained = new Set<AnalyzerFinding>();
      for (const r of k) {
        if (readError(r)) {
          readErrors++;
          rows.push([`${ns}/${r.kind}/${r.name.split('/').slice(1).join('/') || r.name}`, 'k8sgpt could not read the log (not a cluster issue)', 'error', '-']);
          continue;
        }
        const f = ours(findings, r, ns);
        const proof = f ? undefined : disproved(r, snapshot, ns);
        if (f) explained.add(f);
        else if (proof) disputed.push(`${ns}/${r.kind}/${objectName(r)}: ${proof}`);
        else missing.push(`${ns}/${r.kind}/${objectName(r)}`);
        const text = (r.error ?? []).map((e) => e.Text).join('; ');
        rows.push([`${ns}/${r.kind}/${r.name.split('/').slice(1).join('/') || r.name}`, text.replace(/\s+/g, ' ').slice(0, 90), 'yes', f ? `yes (${f.analyzer})` : proof ? 'no: k8sgpt is wrong (see below)' : 'no']);
      }
      const onlyHere = findings.filter((x) => !explained.has(x));
      onlyOurs += onlyHere.length;
      for (const f of onlyHere) rows.push([`${ns}/${f.object.kind}/${f.object.name}`, f.summary.slice(0, 90), 'no', `yes (${f.analyzer})`]);
    }
    console.log(`k8sgpt ${K8SGPT} (analyze, every filter, no AI) vs ours (analyzeSnapshot), scenarios of tools/cluster/scenarios`);
    console.log(renderTable(['NAMESPACE/OBJECT', 'ISSUE', 'K8SGPT', 'US'], rows));
    console.log(`totals: k8sgpt ${theirs} result(s) (${readErrors} of them its own log-read errors, left out below), us ${ourCount} finding(s) (ours merge a workload with its pods and ReplicaSets)`);
    if (disputed.length) console.log(`k8sgpt results the same snapshot disproves (not issues, so not counted as missed):\n${disputed.map((d) => `  - ${d}`).join('\n')}`);
    console.log(`we find every issue k8sgpt finds: ${missing.length ? `no (missing: ${missing.join(', ')})` : `yes, and ${onlyOurs} finding(s) it does not have`}`);
  } finally {
    await client.close().catch(() => undefined);
    const down = spawnSync(process.execPath, [cli, 'cluster', 'down'], { env: clusterEnv });
    // The cluster's state stays behind for a look when it did not stop cleanly.
    if (down.status === 0) rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
