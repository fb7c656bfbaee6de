import { join } from 'node:path';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { AnalyzerFinding } from '../../agents/ops/analyzers/types.js';
import { runAnalyze } from '../../agents/ops/analyzers/run.js';
import { OPS_TOOLS } from '../../agents/ops/index.js';
import { mcpToolBox } from '../../shared/reasoning/toolbox.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { kubectl } from '../../tools/cluster/exec.js';
import { kubernetesClient } from '../helpers/mcp.js';

const SCENARIOS = join(import.meta.dirname, '..', '..', 'tools', 'cluster', 'scenarios');
const k = (args: string[]) => kubectl(inject('kubectl'), inject('kubeconfig'), args);

/** What each scenario must produce: analyzer, object, a piece of evidence, the chain's last step. */
interface Expectation {
  analyzer: string;
  object: string;
  evidence: string;
  last: string | RegExp;
}
const CASES: Record<string, Expectation[]> = {
  workloads: [{ analyzer: 'workload-unavailable', object: 'Deployment/catalog', evidence: 'availableReplicas 0 of 2 desired', last: 'ConfigMap ana-workloads/catalog-settings: missing' }],
  service: [
    { analyzer: 'service-selector-no-match', object: 'Service/storefront', evidence: 'spec.selector: app=store-front,tier=web', last: 'selector app=store-front,tier=web: matches no pod' },
    { analyzer: 'service-port-mismatch', object: 'Service/storefront-metrics', evidence: 'container ports of the selected pods: 8080/http', last: /: no container port named metrics$/ },
  ],
  ingress: [
    { analyzer: 'ingress-no-class', object: 'Ingress/shop', evidence: 'spec.ingressClassName: not set', last: 'IngressClass: none named and no default' },
    { analyzer: 'ingress-backend-missing', object: 'Ingress/shop', evidence: 'Service ana-ingress/shop-api: not found', last: 'Service ana-ingress/shop-api: missing' },
    { analyzer: 'ingress-tls-secret-missing', object: 'Ingress/shop', evidence: 'Secret ana-ingress/shop-tls: not found', last: 'Secret ana-ingress/shop-tls: missing' },
  ],
  jobs: [{ analyzer: 'cronjob-suspended', object: 'CronJob/nightly-report', evidence: 'spec.suspend: true', last: 'CronJob ana-jobs/nightly-report: suspended' }],
  pvc: [{ analyzer: 'pvc-storageclass-missing', object: 'PersistentVolumeClaim/data', evidence: 'spec.storageClassName: fast-ssd', last: 'StorageClass fast-ssd: missing' }],
  hpa: [{ analyzer: 'hpa-target-missing', object: 'HorizontalPodAutoscaler/checkout', evidence: 'spec.scaleTargetRef: Deployment/checkout', last: 'Deployment ana-hpa/checkout: missing' }],
  pdb: [{ analyzer: 'pdb-blocks-disruption', object: 'PodDisruptionBudget/ledger', evidence: 'spec: minAvailable 1', last: /^minAvailable 1 with 1 healthy pod/ }],
  networkpolicy: [{ analyzer: 'networkpolicy-blocks-service', object: 'Service/api', evidence: 'ingress rules: 0', last: 'NetworkPolicy ana-networkpolicy/deny-all: Ingress with no rule — denies all inbound' }],
  'config-refs': [
    { analyzer: 'config-ref-missing', object: 'Deployment/billing', evidence: 'container billing env DB_PASSWORD: Secret billing-db key password', last: 'Secret ana-config-refs/billing-db: missing' },
    { analyzer: 'config-key-missing', object: 'Deployment/billing', evidence: 'ConfigMap ana-config-refs/billing-config keys: other.yaml', last: 'ConfigMap ana-config-refs/billing-config key app.yaml: missing' },
  ],
};
const NAMESPACES = [...Object.keys(CASES), 'healthy'].map((n) => `ana-${n}`);

let mcp: McpClient;
let tools: ToolBox;

const analyze = async (namespace: string) => runAnalyze(tools, `What is wrong in namespace ${namespace}?`, () => {});
const findingsOf = (r: { data?: unknown }) => (r.data as { findings: AnalyzerFinding[] }).findings;
const matches = (f: AnalyzerFinding, e: Expectation) => f.analyzer === e.analyzer && `${f.object.kind}/${f.object.name}` === e.object;

/** Analyzes until every expectation has its finding (controllers and kwok take a moment), or the deadline passes; returns the last findings. */
async function settle(namespace: string, want: Expectation[], deadlineMs = 90_000): Promise<AnalyzerFinding[]> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const findings = findingsOf(await analyze(namespace));
    const done = want.every((e) => findings.some((f) => matches(f, e) && (typeof e.last === 'string' ? f.chain.at(-1) === e.last : e.last.test(f.chain.at(-1) ?? ''))));
    if (done || Date.now() > until) return findings;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

beforeAll(async () => {
  await k(['delete', 'namespace', ...NAMESPACES, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  for (const ns of NAMESPACES) {
    await k(['create', 'namespace', ns]);
    // kubectl rejects (and the run helper throws) on a manifest that does not apply.
    await k(['apply', '-n', ns, '-f', join(SCENARIOS, `${ns.slice('ana-'.length)}.yaml`)]);
  }
  mcp = await kubernetesClient(inject('kubeconfig'));
  tools = mcpToolBox(mcp, OPS_TOOLS);
}, 180_000);

afterAll(async () => {
  await mcp?.close();
  await k(['delete', 'namespace', ...NAMESPACES, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}, 180_000);

describe('analyze-cluster on the demo cluster, one scenario per analyzer', () => {
  for (const [name, want] of Object.entries(CASES)) {
    it(`${name}: ${want.map((w) => w.analyzer).join(', ')}`, async () => {
      const namespace = `ana-${name}`;
      const findings = await settle(namespace, want);
      for (const e of want) {
        const f = findings.find((x) => matches(x, e));
        expect(f, `${e.analyzer} on ${e.object} in ${JSON.stringify(findings.map((x) => [x.analyzer, x.object.name, x.chain]))}`).toBeDefined();
        expect(f!.object.namespace).toBe(namespace);
        expect(f!.evidence.join('\n')).toContain(e.evidence);
        if (typeof e.last === 'string') expect(f!.chain.at(-1)).toBe(e.last);
        else expect(f!.chain.at(-1)).toMatch(e.last);
      }
    }, 120_000);
  }

  it('a healthy namespace (nginx Deployment + matching Service) yields no finding', async () => {
    // Wait until both pods are ready, so "healthy" is judged on a settled namespace.
    await k(['rollout', 'status', '-n', 'ana-healthy', 'deployment/web', '--timeout=90s']);
    const r = await analyze('ana-healthy');
    expect(findingsOf(r)).toEqual([]);
    expect(r.text).toMatch(/^No problems found in namespace ana-healthy \(checked .*\b2 pods\b/);
  }, 120_000);

  it('the demo payments namespace: the crash loop chained to its previous log, the Service that selects no pod', async () => {
    const findings = findingsOf(await analyze('payments'));
    const api = findings.find((f) => f.analyzer === 'workload-unavailable' && f.object.name === 'payments-api');
    expect(api?.evidence.join('\n')).toContain('password authentication failed');
    expect(api?.chain.at(-1)).toMatch(/^Pod payments-api-[a-z0-9]+-[a-z0-9]+: CrashLoopBackOff/);
    expect(findings.some((f) => f.object.kind === 'Pod')).toBe(false);
    expect(findings.find((f) => f.object.name === 'payments-gateway')).toMatchObject({ analyzer: 'service-selector-no-match', chain: ['Service payments/payments-gateway: no endpoints', 'selector app=payment-gateway: matches no pod'] });
  });

  it('answers as a severity table with chains and fixes; the data part holds every finding and no Secret value', async () => {
    const r = await analyze('ana-ingress');
    const lines = r.text.split('\n');
    expect(lines[0]).toMatch(/^3 problem\(s\) in namespace ana-ingress \(/);
    expect(lines[1]).toMatch(/^SEVERITY +OBJECT +ANALYZER +SUMMARY$/);
    expect(r.text).toContain('Fix: create Service shop-api in ana-ingress');
    expect(r.data).toMatchObject({ skill: 'analyze-cluster', scope: { namespace: 'ana-ingress' } });
    expect(findingsOf(r)).toHaveLength(3);
  });
});
