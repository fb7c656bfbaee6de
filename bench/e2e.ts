/**
 * End-to-end latency of the crew on the running demo cluster, 20 concurrent clients:
 *  - POST /query (router → ops → kubernetes MCP → API server),
 *  - A2A SendMessage to the router, and straight to ops,
 *  - the same question answered by the embedded engine over an MCP client, without any A2A hop,
 * and the overhead of the A2A hop: ops over A2A against the engine over MCP directly (target: p50 ≤ 15 ms).
 *   npm run bench:e2e [-- --requests 200 --concurrency 20]
 * Loopback only; bounded in count. Starts its own crew on free ports; needs `cluster up` first.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ClientFactory } from '@a2a-js/sdk/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startCrew } from '../cli/crew.js';
import { SPECIALIST_FACTORIES } from '../cli/specialists.js';
import { userMessage } from '../shared/a2a/parts.js';
import { loadConfig } from '../shared/config.js';
import { createLogger } from '../shared/logger.js';
import { createEmbeddedEngine } from '../shared/reasoning/embedded/engine.js';
import { mcpToolBox } from '../shared/reasoning/toolbox.js';
import { renderTable } from '../shared/table.js';
import { clusterPaths } from '../tools/cluster/paths.js';
import { readClusterState } from '../tools/cluster/state.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '20' } } });
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(REQUESTS) || REQUESTS < 10 || REQUESTS > 2000 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1 || CONCURRENCY > 50) {
  console.error('--requests takes 10–2000 and --concurrency 1–50');
  process.exit(2);
}
const QUESTION = 'How many pods are in the default namespace?';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** REQUESTS calls, CONCURRENCY at a time; the latency of each, and how many gave the expected answer. */
async function measure(call: () => Promise<string>): Promise<{ times: number[]; right: number }> {
  await call(); // warm-up: connections, discovery, caches
  const times: number[] = [];
  let right = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        const t0 = performance.now();
        const answer = await call();
        times.push(performance.now() - t0);
        if (answer.trim().startsWith('2')) right++;
      }
    }),
  );
  return { times, right };
}

async function main(): Promise<void> {
  const state = readClusterState(clusterPaths());
  if (!state) throw new Error('the demo cluster is not running: npm run cluster:up first');
  const config = loadConfig({ env: { K8S_EXPERTS_KUBECONFIG: state.kubeconfig, K8S_EXPERTS_PROMETHEUS_URL: state.prometheusUrl, K8S_EXPERTS_HELM: state.helm, K8S_EXPERTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'k8sx-bench-e2e-')) }, cwd: '/' });
  const crew = await startCrew({ config, logger: createLogger({ level: 'silent' }), specialists: SPECIALIST_FACTORIES, anyPort: true });
  const url = (name: string) => crew.endpoints.find((e) => e.name === name)!.url;
  try {
    const a2a = async (base: string) => {
      const client = await new ClientFactory().createFromUrl(base);
      return async () => {
        const task = await client.sendMessage({ tenant: '', message: userMessage(QUESTION), configuration: undefined, metadata: undefined });
        return 'artifacts' in task ? task.artifacts.flatMap((a) => a.parts).map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('') : '';
      };
    };
    const mcp = new Client({ name: 'bench', version: '1' });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(url('mcp kubernetes'))));
    const engine = createEmbeddedEngine({ tools: mcpToolBox(mcp) });
    const scenarios: Array<[string, () => Promise<string>]> = [
      ['POST /query (router → ops → MCP → API)', async () => ((await (await fetch(url('query'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUESTION }) })).json()) as { answer: string }).answer],
      ['A2A → router → ops → MCP → API', await a2a(url('router'))],
      ['A2A → ops → MCP → API', await a2a(url('ops'))],
      ['engine → MCP → API (no A2A hop)', async () => (await engine.answer({ question: QUESTION })).text],
    ];
    const rows: string[][] = [];
    const p50 = new Map<string, number>();
    for (const [name, call] of scenarios) {
      const { times, right } = await measure(call);
      p50.set(name, percentile(times, 50));
      rows.push([name, `${percentile(times, 50).toFixed(1)} ms`, `${percentile(times, 95).toFixed(1)} ms`, `${right}/${REQUESTS}`]);
    }
    await mcp.close();
    console.log(`"${QUESTION}", ${REQUESTS} requests, ${CONCURRENCY} concurrent clients, loopback`);
    console.log(renderTable(['Path', 'P50', 'P95', 'Answered "2"'], rows));
    const hop = p50.get('A2A → ops → MCP → API')! - p50.get('engine → MCP → API (no A2A hop)')!;
    console.log(`A2A hop overhead (p50, ops over A2A − engine over MCP): ${hop.toFixed(1)} ms — target ≤ 15 ms: ${hop <= 15 ? 'met' : 'not met'}`);
  } finally {
    await crew.close();
  }
}

await main();
