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
  /** The whole chain, step by step, when the middle matters. */
  chain?: Array<string | RegExp>;
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
  jobs: [
    { analyzer: 'cronjob-suspended', object: 'CronJob/nightly-report', evidence: 'spec.suspend: true', last: 'CronJob ana-jobs/nightly-report: suspended' },
    {
      analyzer: 'job-failed',
      object: 'Job/report-export',
      evidence: 'container exporter terminated: exit code 1, reason Error, message "export failed: connection refused (reports-db:5432)"',
      last: 'container exporter: exit code 1 (Error): export failed: connection refused (reports-db:5432)',
      chain: ['Job ana-jobs/report-export: Failed (BackoffLimitExceeded)', /^Pod report-export-[a-z0-9]+: Failed$/, 'container exporter: exit code 1 (Error): export failed: connection refused (reports-db:5432)'],
    },
  ],
  pvc: [{ analyzer: 'pvc-storageclass-missing', object: 'PersistentVolumeClaim/data', evidence: 'spec.storageClassName: fast-ssd', last: 'StorageClass fast-ssd: missing' }],
  hpa: [{ analyzer: 'hpa-target-missing', object: 'HorizontalPodAutoscaler/checkout', evidence: 'spec.scaleTargetRef: Deployment/checkout', last: 'Deployment ana-hpa/checkout: missing' }],
  pdb: [{ analyzer: 'pdb-blocks-disruption', object: 'PodDisruptionBudget/ledger', evidence: 'spec: minAvailable 1', last: /^minAvailable 1 with 1 healthy pod/ }],
  networkpolicy: [{ analyzer: 'networkpolicy-blocks-service', object: 'Service/api', evidence: 'ingress rules: 0', last: 'NetworkPolicy ana-networkpolicy/deny-all: Ingress with no rule — denies all inbound' }],
  'config-refs': [
    { analyzer: 'config-ref-missing', object: 'Deployment/billing', evidence: 'container billing env DB_PASSWORD: Secret billing-db key password', last: 'Secret ana-config-refs/billing-db: missing' },
    { analyzer: 'config-key-missing', object: 'Deployment/billing', evidence: 'ConfigMap ana-config-refs/billing-config keys: other.yaml', last: 'ConfigMap ana-config-refs/billing-config key app.yaml: missing' },
  ],
  hygiene: [
    { analyzer: 'configmap-unused', object: 'ConfigMap/legacy-flags', evidence: 'keys: FEATURE_OLD_CHECKOUT', last: 'ConfigMap ana-hygiene/legacy-flags: no reader' },
    { analyzer: 'default-service-account', object: 'ServiceAccount/default', evidence: 'pod templates that name no ServiceAccount: Deployment worker', last: 'Deployment worker: spec.template.spec.serviceAccountName not set' },
    { analyzer: 'configmap-root-ca', object: 'ConfigMap/kube-root-ca.crt', evidence: 'mounted through the projected kube-api-access-* volume of: worker-', last: /^1 pod\(s\): automatic ServiceAccount token volume$/ },
  ],
};
/** Hygiene notes every namespace may carry; the healthy control must show exactly these and no failure. */
const CONTROL_NOTES = ['configmap-root-ca', 'default-service-account'];
const NAMESPACES = [...Object.keys(CASES), 'healthy'].map((n) => `ana-${n}`);
/** Cluster-scoped scenarios: their own namespace (webhooks) and objects, applied without -n. */
const WEBHOOK_NS = 'ana-webhooks';
const WEBHOOK = 'ana-webhooks-policy-gate';
const NODE = 'ana-node-down';

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
    const done = want.every((e) => findings.some((f) => matches(f, e) && (typeof e.last === 'string' ? f.chain.at(-1) === e.last : e.last.test(f.chain.at(-1) ?? '')) && f.evidence.join('\n').includes(e.evidence)));
    if (done || Date.now() > until) return findings;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** The node's status as a kubelet reporting NotReady under memory pressure would post it (see node.yaml). */
function nodeStatus(): string {
  const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const c = (type: string, status: string, reason: string, message: string) => ({ type, status, reason, message, lastHeartbeatTime: at, lastTransitionTime: at });
  return JSON.stringify({
    status: {
      conditions: [
        c('MemoryPressure', 'True', 'KubeletHasInsufficientMemory', 'kubelet has insufficient memory available'),
        c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        c('Ready', 'False', 'KubeletNotReady', 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady'),
      ],
    },
  });
}

async function deleteClusterScoped(): Promise<void> {
  await k(['delete', 'validatingwebhookconfiguration', WEBHOOK, '--ignore-not-found']);
  await k(['delete', 'node', NODE, '--ignore-not-found']);
}

beforeAll(async () => {
  await deleteClusterScoped();
  await k(['delete', 'namespace', ...NAMESPACES, WEBHOOK_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
  for (const ns of NAMESPACES) {
    await k(['create', 'namespace', ns]);
    // kubectl rejects (and the run helper throws) on a manifest that does not apply.
    await k(['apply', '-n', ns, '-f', join(SCENARIOS, `${ns.slice('ana-'.length)}.yaml`)]);
  }
  await k(['create', 'namespace', WEBHOOK_NS]);
  await k(['label', 'namespace', WEBHOOK_NS, 'k8s-experts.test/webhook-scenario=true']);
  await k(['apply', '-f', join(SCENARIOS, 'webhooks.yaml')]);
  await k(['apply', '-f', join(SCENARIOS, 'node.yaml')]);
  mcp = await kubernetesClient(inject('kubeconfig'));
  tools = mcpToolBox(mcp, OPS_TOOLS);
}, 180_000);

afterAll(async () => {
  await mcp?.close();
  await deleteClusterScoped();
  await k(['delete', 'namespace', ...NAMESPACES, WEBHOOK_NS, '--ignore-not-found', '--wait=true', '--timeout=120s']);
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
        if (e.chain) {
          expect(f!.chain).toHaveLength(e.chain.length);
          e.chain.forEach((step, i) => (typeof step === 'string' ? expect(f!.chain[i]).toBe(step) : expect(f!.chain[i]).toMatch(step)));
        }
      }
    }, 120_000);
  }

  it('jobs: the failed Job explains its pod, which is not reported again', async () => {
    const findings = await settle('ana-jobs', CASES.jobs!);
    expect(findings.filter((f) => f.object.kind === 'Pod')).toEqual([]);
    const job = findings.find((f) => f.analyzer === 'job-failed');
    expect(job?.severity).toBe('high');
    expect(job?.covers).toEqual([expect.stringMatching(/^Pod\/ana-jobs\/report-export-[a-z0-9]+$/)]);
  }, 120_000);

  it('hygiene: notes are low and marked, not problems; what k8sgpt would wrongly flag is not flagged', async () => {
    const findings = await settle('ana-hygiene', CASES.hygiene!);
    expect(findings.filter((f) => !f.hygiene)).toEqual([]);
    expect(findings.every((f) => f.severity === 'low')).toBe(true);
    // ConfigMap migrations is read only by Deployment api's init container, through a projected volume.
    expect(findings.find((f) => f.object.name === 'migrations')).toBeUndefined();
    // Deployment api runs as its own ServiceAccount.
    const sa = findings.find((f) => f.analyzer === 'default-service-account')!;
    expect(sa.evidence.join('\n')).not.toMatch(/\bapi-/);
    expect(sa.fix.yaml).toContain('automountServiceAccountToken: false');
    expect(sa.fix.command).toEqual(['kubectl', 'set', 'serviceaccount', '-n', 'ana-hygiene', 'deployment/worker', 'worker']);
    const r = await analyze('ana-hygiene');
    expect(r.text.split('\n')[0]).toMatch(/^No problems found in namespace ana-hygiene \(checked .*\); 3 hygiene note\(s\):$/);
  }, 120_000);

  it('webhooks (cluster-scoped): a ValidatingWebhookConfiguration calling a Service that does not exist', async () => {
    const want: Expectation = { analyzer: 'webhook-service-missing', object: `ValidatingWebhookConfiguration/${WEBHOOK}`, evidence: `Service ${WEBHOOK_NS}/policy-gate: not found`, last: `Service ${WEBHOOK_NS}/policy-gate: missing` };
    const findings = await settle(WEBHOOK_NS, [want]);
    const f = findings.find((x) => matches(x, want));
    expect(f, JSON.stringify(findings.map((x) => [x.analyzer, x.object.name]))).toBeDefined();
    expect(f!.object.namespace).toBeUndefined();
    expect(f!.severity).toBe('medium');
    expect(f!.evidence).toContain('failurePolicy: Ignore');
    expect(f!.chain).toEqual([`ValidatingWebhookConfiguration ${WEBHOOK}: webhook policy-gate.ana-webhooks.k8s-experts.test`, `Service ${WEBHOOK_NS}/policy-gate: missing`]);
  }, 120_000);

  it('node (cluster-scoped, whole-cluster scan): NotReady, MemoryPressure and cordoned', async () => {
    const until = Date.now() + 90_000;
    let mine: AnalyzerFinding[] = [];
    await k(['patch', 'node', NODE, '--subresource=status', '--type=merge', '-p', nodeStatus()]);
    for (;;) {
      const r = await runAnalyze(tools, 'Scan the cluster for problems', () => {});
      mine = findingsOf(r).filter((f) => f.object.kind === 'Node' && f.object.name === NODE);
      if (mine.length >= 3 || Date.now() > until) break;
      await new Promise((res) => setTimeout(res, 2000));
    }
    expect(mine.map((f) => f.analyzer).sort()).toEqual(['node-cordoned', 'node-not-ready', 'node-pressure']);
    const notReady = mine.find((f) => f.analyzer === 'node-not-ready')!;
    expect(notReady.severity).toBe('critical');
    expect(notReady.evidence.join('\n')).toMatch(/^condition Ready=(False \(KubeletNotReady\): container runtime network not ready|Unknown \(NodeStatusUnknown\))/);
    expect(mine.find((f) => f.analyzer === 'node-pressure')!.evidence.join('\n')).toMatch(/^condition MemoryPressure=(True \(KubeletHasInsufficientMemory\)|Unknown)/);
    expect(mine.find((f) => f.analyzer === 'node-cordoned')).toMatchObject({ evidence: ['spec.unschedulable: true'], fix: { command: ['kubectl', 'uncordon', NODE] } });
    // The kwok nodes are untouched.
    const { stdout } = await k(['get', 'nodes', '-l', 'type=kwok', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{end}']);
    expect(stdout).toMatch(/^(True)+$/);
  }, 150_000);

  it('a healthy namespace (nginx Deployment + matching Service) yields no failure, only the two notes every such namespace gets', async () => {
    // Wait until both pods are ready, so "healthy" is judged on a settled namespace.
    await k(['rollout', 'status', '-n', 'ana-healthy', 'deployment/web', '--timeout=90s']);
    const r = await analyze('ana-healthy');
    const findings = findingsOf(r);
    expect(findings.filter((f) => !f.hygiene)).toEqual([]);
    expect(findings.map((f) => f.analyzer).sort()).toEqual(CONTROL_NOTES);
    expect(findings.every((f) => f.severity === 'low')).toBe(true);
    expect(r.text).toMatch(/^No problems found in namespace ana-healthy \(checked .*\b2 pods\b.*\); 2 hygiene note\(s\):/);
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
    expect(lines[0]).toMatch(/^3 problem\(s\) in namespace ana-ingress \(.*\), and 1 hygiene note\(s\):$/);
    expect(lines[1]).toMatch(/^SEVERITY +OBJECT +ANALYZER +SUMMARY$/);
    expect(r.text).toContain('Fix: create Service shop-api in ana-ingress');
    expect(r.data).toMatchObject({ skill: 'analyze-cluster', scope: { namespace: 'ana-ingress' } });
    expect(findingsOf(r).filter((f) => !f.hygiene)).toHaveLength(3);
    // No pod here mounts kube-root-ca.crt: the note says so, and that nothing needs doing.
    expect(findingsOf(r).filter((f) => f.hygiene)).toMatchObject([{ analyzer: 'configmap-root-ca', evidence: expect.arrayContaining(['no pod in the namespace mounts it']) }]);
  });
});
