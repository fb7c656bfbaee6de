/**
 * Listing every pod of a 2,000-pod cluster through three Kubernetes MCP servers, in one run:
 * ours, kubernetes-mcp-server (Go, npm kubernetes-mcp-server-linux-amd64) and
 * mcp-server-kubernetes (Node, shells out to kubectl). Prints p50/p95 latency, output bytes and
 * how many of the pods each answer names; ours both in its default view (pages of 1,000 come
 * grouped) and forced to one row per pod. Then whether ours meets the goal: p50 at or below the
 * fastest peer's, bytes at most a third of the smaller peer's.
 *   npm run bench:mcp-kubernetes [-- --pods 2000 --runs 10]
 * It starts a private demo cluster (its own state dir and ports) and stops it afterwards.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { createKubeClient } from '../shared/kube.js';
import { kubeRequest, METADATA_LIST_ACCEPT } from '../shared/kube-http.js';
import { renderTable } from '../shared/table.js';
import { clusterPaths } from '../tools/cluster/paths.js';
import { kubectl } from '../tools/cluster/exec.js';
import { waitFor } from '../tools/cluster/processes.js';
import { readClusterState } from '../tools/cluster/state.js';

const { values } = parseArgs({ options: { pods: { type: 'string', default: '2000' }, runs: { type: 'string', default: '10' } } });
const PODS = Number(values.pods);
const RUNS = Number(values.runs);
if (!Number.isInteger(PODS) || PODS < 10 || PODS > 5000 || !Number.isInteger(RUNS) || RUNS < 1 || RUNS > 50) {
  console.error('--pods takes 10–5000 and --runs 1–50');
  process.exit(2);
}
const NAMESPACES = 10;
const cli = join(import.meta.dirname, '..', 'cli', 'main.js');
const peersDir = join(clusterPaths().cacheDir, 'bench-peers');

function ensurePeers(): void {
  const want = ['kubernetes-mcp-server-linux-amd64@0.0.67', 'mcp-server-kubernetes@4.1.7'];
  if (existsSync(join(peersDir, 'node_modules', 'mcp-server-kubernetes')) && existsSync(join(peersDir, 'node_modules', 'kubernetes-mcp-server-linux-amd64'))) return;
  mkdirSync(peersDir, { recursive: true });
  console.error(`installing ${want.join(', ')} into ${peersDir}`);
  const r = spawnSync('npm', ['install', '--prefix', peersDir, '--no-audit', '--no-fund', ...want], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('npm install of the peer servers failed');
}

async function seedPods(kubeconfig: string, kubectlBin: string): Promise<void> {
  const perNs = Math.ceil(PODS / NAMESPACES);
  for (let n = 0; n < NAMESPACES; n++) {
    const docs = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}` } }];
    for (let i = 0; i < perNs && n * perNs + i < PODS; i++) {
      docs.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `web-${n}-${i}`, namespace: `bench-${n}`, labels: { app: 'web', shard: String(i % 10) } },
        spec: { nodeName: `worker-${(i % 3) + 1}`, containers: [{ name: 'web', image: 'nginx:1.27.3', resources: { requests: { cpu: '1m', memory: '8Mi' } } }] },
      } as never);
    }
    await kubectl(kubectlBin, kubeconfig, ['apply', '--server-side', '-f', '-'], docs.map((d) => stringify(d)).join('---\n'));
  }
  const client = createKubeClient({ kubeconfig, env: {} });
  await waitFor(
    `${PODS} bench pods Running`,
    async () => {
      const r = await kubeRequest(client, { path: '/api/v1/pods', query: { fieldSelector: 'status.phase=Running', labelSelector: 'app=web' }, accept: METADATA_LIST_ACCEPT });
      return ((r.json as { items: unknown[] }).items.length >= PODS ? true : undefined);
    },
    300_000,
    2000,
  );
}

interface Peer {
  name: string;
  transport: () => StdioClientTransport;
  /** Lists every pod in all namespaces; may take several calls (pages). */
  listAll: (client: Client) => Promise<CallToolResult[]>;
}

function textBytes(results: CallToolResult[]): number {
  return results.reduce((sum, r) => sum + Buffer.byteLength(JSON.stringify(r.content)) + (r.structuredContent ? Buffer.byteLength(JSON.stringify(r.structuredContent)) : 0), 0);
}

/** How many of the seeded pods the answer names, each as a whole name (web-1-2 inside web-1-23 does not count). */
function podsNamed(results: CallToolResult[]): number {
  // Text as the client reads it (not JSON-escaped, where a name after "\n" would follow an "n").
  const all = results.map((r) => [...r.content.map((c) => (c.type === 'text' ? c.text : JSON.stringify(c))), JSON.stringify(r.structuredContent ?? '')].join('\n')).join('\n');
  const named = new Set(all.match(/(?<![\w-])web-\d+-\d+(?![\w-])/g) ?? []);
  let found = 0;
  const perNs = Math.ceil(PODS / NAMESPACES);
  for (let n = 0; n < NAMESPACES; n++) for (let i = 0; i < perNs && n * perNs + i < PODS; i++) if (named.has(`web-${n}-${i}`)) found++;
  return found;
}

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

interface Measured {
  row: string[];
  /** Absent when the server failed or was unavailable. */
  p50?: number;
  bytes?: number;
}

async function measure(peer: Peer): Promise<Measured> {
  const client = new Client({ name: 'bench', version: '1' });
  try {
    await client.connect(peer.transport());
    await peer.listAll(client); // warm-up: discovery, connections, caches
    const times: number[] = [];
    let last: CallToolResult[] = [];
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now();
      last = await peer.listAll(client);
      times.push(performance.now() - t0);
    }
    if (last.some((r) => r.isError)) return { row: [peer.name, 'error', '', '', JSON.stringify(last[0]?.content).slice(0, 80)] };
    const p50 = percentile(times, 50);
    const bytes = textBytes(last);
    return { row: [peer.name, `${p50.toFixed(0)} ms`, `${percentile(times, 95).toFixed(0)} ms`, String(bytes), `${podsNamed(last)}/${PODS}`], p50, bytes };
  } catch (e) {
    return { row: [peer.name, 'unavailable', '', '', (e as Error).message.replace(/\s+/g, ' ').slice(0, 240)] };
  } finally {
    await client.close().catch(() => undefined);
  }
}

/** Every pod across namespaces through k8s_list, 1,000 a page, in the given view. */
function listAllPods(view: 'auto' | 'rows') {
  return async (c: Client): Promise<CallToolResult[]> => {
    const pages: CallToolResult[] = [];
    let token: string | undefined;
    do {
      const r = (await c.callTool({ name: 'k8s_list', arguments: { kind: 'pods', limit: 1000, view, ...(token ? { continue: token } : {}) } })) as CallToolResult;
      pages.push(r);
      token = (r.structuredContent as { continue?: string | null } | undefined)?.continue ?? undefined;
    } while (token);
    return pages;
  };
}

/** The goal for our default view: p50 at or below the fastest peer, bytes at most a third of the smaller peer. */
function verdict(ours: Measured, peers: Measured[]): string {
  const answered = peers.filter((p) => p.p50 !== undefined && p.bytes !== undefined);
  if (ours.p50 === undefined || ours.bytes === undefined || !answered.length) return 'goal: cannot judge (a server failed)';
  const fastest = Math.min(...answered.map((p) => p.p50!));
  const budget = Math.floor(Math.min(...answered.map((p) => p.bytes!)) / 3);
  const latency = ours.p50 <= fastest ? 'met' : 'missed';
  const size = ours.bytes <= budget ? 'met' : 'missed';
  return `goal: p50 ${ours.p50.toFixed(0)} ms vs fastest peer ${fastest.toFixed(0)} ms — ${latency}; bytes ${ours.bytes} vs budget ${budget} (a third of the smaller peer) — ${size}`;
}

async function main(): Promise<void> {
  ensurePeers();
  const dir = join(mkdtempSync(join(tmpdir(), 'k8sx-bench-mcp-')), 'cluster');
  const clusterEnv = { ...process.env, K8S_EXPERTS_CLUSTER_DIR: dir };
  const up = spawnSync(process.execPath, [cli, 'cluster', 'up'], { env: clusterEnv, encoding: 'utf8' });
  if (up.status !== 0) throw new Error(`cluster up failed: ${up.stderr}`);
  try {
    const state = readClusterState(clusterPaths(clusterEnv))!;
    console.error(`seeding ${PODS} pods in ${NAMESPACES} namespaces …`);
    await seedPods(state.kubeconfig, state.kubectl);
    const env = { PATH: `${dirname(state.kubectl)}:${process.env.PATH ?? ''}`, HOME: process.env.HOME ?? '', KUBECONFIG: state.kubeconfig };
    const ourServer = () => new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', 'kubernetes'], env: { ...env, K8S_EXPERTS_LOG_LEVEL: 'warn' }, stderr: 'ignore' });
    const ours: Peer[] = [
      { name: 'k8s-experts (k8s_list, default view: grouped)', transport: ourServer, listAll: listAllPods('auto') },
      { name: 'k8s-experts (k8s_list, view: rows)', transport: ourServer, listAll: listAllPods('rows') },
    ];
    const peers: Peer[] = [
      {
        name: 'kubernetes-mcp-server (pods_list)',
        transport: () =>
          new StdioClientTransport({
            command: join(peersDir, 'node_modules', 'kubernetes-mcp-server-linux-amd64', 'bin', 'kubernetes-mcp-server-linux-amd64'),
            args: ['--kubeconfig', state.kubeconfig, '--read-only'],
            env,
            stderr: 'ignore',
          }),
        listAll: async (c) => [(await c.callTool({ name: 'pods_list', arguments: {} })) as CallToolResult],
      },
      {
        name: 'mcp-server-kubernetes (kubectl_get)',
        transport: () => new StdioClientTransport({ command: process.execPath, args: [join(peersDir, 'node_modules', 'mcp-server-kubernetes', 'dist', 'index.js')], env, stderr: 'ignore' }),
        // Its default (JSON) output overflows spawnSync's buffer (ENOBUFS) at a few hundred pods; a table works.
        listAll: async (c) => [(await c.callTool({ name: 'kubectl_get', arguments: { resourceType: 'pods', allNamespaces: true, output: 'wide' } })) as CallToolResult],
      },
    ];
    const ourResults: Measured[] = [];
    for (const server of ours) ourResults.push(await measure(server));
    const peerResults: Measured[] = [];
    for (const peer of peers) peerResults.push(await measure(peer));
    console.log(`list all pods (${PODS}) across namespaces, ${RUNS} runs after a warm-up, stdio`);
    console.log(renderTable(['Server', 'P50', 'P95', 'Bytes', 'Pods named (or the error)'], [...ourResults, ...peerResults].map((m) => m.row)));
    console.log(verdict(ourResults[0]!, peerResults));
  } finally {
    spawnSync(process.execPath, [cli, 'cluster', 'down'], { env: clusterEnv });
  }
}

await main();
