import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { analyzeConfigRefs } from '../../agents/ops/analyzers/config-refs.js';
import { collectSnapshot, keysOnly } from '../../agents/ops/analyzers/collector.js';
import { analyzeHpas } from '../../agents/ops/analyzers/hpa.js';
import { analyzeSnapshot, renderFindings } from '../../agents/ops/analyzers/index.js';
import { analyzeIngresses } from '../../agents/ops/analyzers/ingress.js';
import { analyzeJobs } from '../../agents/ops/analyzers/jobs.js';
import { analyzeNetworkPolicies } from '../../agents/ops/analyzers/networkpolicy.js';
import { analyzeNodes } from '../../agents/ops/analyzers/node.js';
import { analyzePdbs } from '../../agents/ops/analyzers/pdb.js';
import { analyzePvcs } from '../../agents/ops/analyzers/pvc.js';
import { namespaceOfRequest, runAnalyze } from '../../agents/ops/analyzers/run.js';
import { analyzeServices, nearestPods } from '../../agents/ops/analyzers/service.js';
import type { AnalyzerFinding, Condition, Snapshot } from '../../agents/ops/analyzers/types.js';
import { matchesSelector } from '../../agents/ops/analyzers/util.js';
import { analyzeWebhooks } from '../../agents/ops/analyzers/webhooks.js';
import { analyzeWorkloads } from '../../agents/ops/analyzers/workloads.js';
import type { Pod } from '../../agents/ops/kube-objects.js';
import type { ToolBox } from '../../shared/reasoning/engine.js';
import { opsHandler } from '../../agents/ops/handler.js';
import { chooseOpsSkill } from '../../agents/ops/skills.js';
import { loadConfig } from '../../shared/config.js';
import { createLogger } from '../../shared/logger.js';

const NS = 'shop';
const NOW = Date.parse('2026-11-22T12:00:00Z');
const o = { now: NOW };
const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: NS, ...extra });

const readyPod = (name: string, labels: Record<string, string>, ports: Array<{ containerPort: number; name?: string }> = [{ containerPort: 8080, name: 'http' }], owner?: { kind: string; name: string }): Pod => ({
  metadata: { ...meta(name), labels, ...(owner ? { ownerReferences: [owner] } : {}) },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1', ports }] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
});
const configErrorPod = (name: string, labels: Record<string, string>, owner: { kind: string; name: string }): Pod => ({
  metadata: { ...meta(name), labels, ownerReferences: [owner] },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'app:1', envFrom: [{ configMapRef: { name: 'cart-config' } }] }] },
  status: { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "cart-config" not found' } } }] },
});
const slice = (svc: string, ready: boolean, addresses = ['10.0.0.1']) => ({ metadata: { ...meta(`${svc}-abcde`), labels: { 'kubernetes.io/service-name': svc } }, endpoints: [{ addresses, conditions: { ready } }] });
const svc = (name: string, selector: Record<string, string>, ports: Array<{ port: number; targetPort?: number | string }> = [{ port: 80, targetPort: 8080 }]) => ({ metadata: meta(name), spec: { selector, ports } });

const ids = (fs: AnalyzerFinding[]) => fs.map((f) => f.analyzer);

describe('workloads analyzer', () => {
  const deployment = (available: number, conditions: Condition[] = []) => ({
    metadata: meta('cart'),
    spec: { replicas: 2, selector: { matchLabels: { app: 'cart' } }, template: { spec: { containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'cart-config' } }] }] } } },
    status: { availableReplicas: available, updatedReplicas: available, conditions },
  });
  const rs = { metadata: { ...meta('cart-7d9fb6c5d8'), ownerReferences: [{ kind: 'Deployment', name: 'cart' }] } };

  it('an unavailable Deployment chains down to the pod and the missing ConfigMap', () => {
    const s: Snapshot = { deployments: [deployment(0)], replicasets: [rs], pods: [configErrorPod('cart-7d9fb6c5d8-x2x4z', { app: 'cart' }, { kind: 'ReplicaSet', name: 'cart-7d9fb6c5d8' })] };
    const [f, ...rest] = analyzeWorkloads(s, o);
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ analyzer: 'workload-unavailable', severity: 'critical', object: { kind: 'Deployment', name: 'cart', namespace: NS } });
    expect(f!.chain).toEqual(['Deployment shop/cart: 0/2 available', expect.stringMatching(/^Pod cart-7d9fb6c5d8-x2x4z: MissingConfig/), 'ConfigMap shop/cart-config: missing']);
    expect(f!.evidence).toContain('availableReplicas 0 of 2 desired');
    expect(f!.covers).toContain('Pod/shop/cart-7d9fb6c5d8-x2x4z');
  });

  it('a stuck rollout whose old pods still serve is ProgressDeadlineExceeded, with a rollback command', () => {
    const d = { ...deployment(2, [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "cart-2" has timed out progressing.' }]), status: { availableReplicas: 2, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "cart-2" has timed out progressing.' }] } };
    const [f] = analyzeWorkloads({ deployments: [d] }, o);
    expect(f).toMatchObject({ analyzer: 'workload-rollout-stuck', fix: { command: ['kubectl', 'rollout', 'undo', 'deployment/cart', '-n', NS] } });
    expect(f!.evidence.join('\n')).toContain('ProgressDeadlineExceeded');
  });

  it('a Deployment whose pods could not be read says so instead of "no pods"', () => {
    const [f] = analyzeWorkloads({ deployments: [deployment(0)], unreadable: ['pods'] }, o);
    expect(f!.chain).toEqual(['Deployment shop/cart: 0/2 available', 'its pods were not all read']);
    const [g] = analyzeWorkloads({ deployments: [deployment(0)], pods: [] }, o);
    expect(g!.chain.at(-1)).toBe('no pods exist for it');
  });

  it('a fully available Deployment, a DaemonSet with all pods and odd data give nothing', () => {
    const s = { deployments: [deployment(2), null, {}], daemonsets: [{ metadata: meta('agent'), status: { desiredNumberScheduled: 3, numberAvailable: 3 } }], pods: null } as unknown as Snapshot;
    expect(analyzeWorkloads(s, o)).toEqual([]);
  });
});

describe('service analyzer', () => {
  it('a selector that matches no pod names the selector and the nearest pods', () => {
    const s: Snapshot = { services: [svc('cart', { app: 'cart', tier: 'web' })], pods: [readyPod('cart-1', { app: 'cart', tier: 'backend' }), readyPod('redis-0', { app: 'redis' })] };
    const [f] = analyzeServices(s, o);
    expect(f).toMatchObject({ analyzer: 'service-selector-no-match', object: { kind: 'Service', name: 'cart' } });
    expect(f!.summary).toContain('app=cart,tier=web');
    expect(f!.evidence).toContain('pod cart-1 matches 1/2 selector labels (labels: app=cart,tier=backend)');
    expect(nearestPods({ app: 'x' }, [readyPod('a', { app: 'y' })])).toEqual([]);
  });

  it('selected pods none of which is ready: no endpoints, chained to the pod', () => {
    const s: Snapshot = { services: [svc('cart', { app: 'cart' })], pods: [configErrorPod('cart-1', { app: 'cart' }, { kind: 'ReplicaSet', name: 'cart-7d9' })], endpointslices: [slice('cart', false, [])] };
    const fs = analyzeServices(s, o);
    expect(ids(fs)).toEqual(['service-no-endpoints']);
    expect(fs[0]!.chain.at(-1)).toBe('ConfigMap shop/cart-config: missing');
  });

  it('targetPort mismatch: a number no container declares, a name no container defines', () => {
    const pods = [readyPod('web-1', { app: 'web' }, [{ containerPort: 8080, name: 'http' }])];
    const numbered = analyzeServices({ services: [svc('web', { app: 'web' }, [{ port: 80, targetPort: 9090 }])], pods, endpointslices: [slice('web', true)] }, o);
    expect(numbered).toMatchObject([{ analyzer: 'service-port-mismatch', severity: 'medium' }]);
    expect(numbered[0]!.evidence).toContain('container ports of the selected pods: 8080/http');
    const named = analyzeServices({ services: [svc('web', { app: 'web' }, [{ port: 80, targetPort: 'metrics' }])], pods, endpointslices: [slice('web', true)] }, o);
    expect(named).toMatchObject([{ analyzer: 'service-port-mismatch', severity: 'high' }]);
  });

  it('a healthy service (ready endpoints, matching named and numbered ports) and an ExternalName one give nothing', () => {
    const pods = [readyPod('web-1', { app: 'web' })];
    const s: Snapshot = { services: [svc('web', { app: 'web' }, [{ port: 80, targetPort: 'http' }, { port: 81, targetPort: 8080 }]), { metadata: meta('ext'), spec: { type: 'ExternalName', externalName: 'x.example' } }], pods, endpointslices: [slice('web', true)] };
    expect(analyzeServices(s, o)).toEqual([]);
  });
});

describe('ingress analyzer', () => {
  const ing = (spec: Record<string, unknown>) => ({ metadata: meta('web'), spec });
  const backend = (name: string, port: Record<string, unknown>) => ({ rules: [{ host: 'shop.example', http: { paths: [{ path: '/', backend: { service: { name, port } } }] } }] });

  it('no class and no default, a missing backend Service, a missing port, a missing TLS Secret', () => {
    const s: Snapshot = { ingresses: [ing({ ...backend('nope', { number: 80 }), tls: [{ hosts: ['shop.example'], secretName: 'shop-tls' }] })], services: [], secrets: [], ingressclasses: [] };
    const fs = analyzeIngresses(s, o);
    expect(ids(fs)).toEqual(['ingress-no-class', 'ingress-backend-missing', 'ingress-tls-secret-missing']);
    expect(fs[1]!.chain.at(-1)).toBe('Service shop/nope: missing');
    expect(fs[2]!.evidence.join()).not.toMatch(/tls\.key|BEGIN/);
    const port = analyzeIngresses({ ingresses: [ing({ ingressClassName: 'nginx', ...backend('web', { name: 'https' }) })], services: [svc('web', { app: 'web' })], ingressclasses: [{ metadata: { name: 'nginx' } }] }, o);
    expect(ids(port)).toEqual(['ingress-backend-port-missing']);
  });

  it('a default IngressClass, an existing backend port and TLS Secret give nothing', () => {
    const s: Snapshot = {
      ingresses: [ing({ ...backend('web', { number: 80 }), tls: [{ secretName: 'shop-tls' }] })],
      services: [svc('web', { app: 'web' })],
      secrets: [{ metadata: meta('shop-tls'), keys: ['tls.crt', 'tls.key'] }],
      ingressclasses: [{ metadata: { name: 'nginx', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } } }],
    };
    expect(analyzeIngresses(s, o)).toEqual([]);
  });
});

describe('jobs analyzer', () => {
  it('a failed Job (BackoffLimitExceeded), a suspended CronJob, a CronJob that never ran', () => {
    const s: Snapshot = {
      jobs: [{ metadata: meta('migrate'), spec: { backoffLimit: 2 }, status: { failed: 3, conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] } }],
      cronjobs: [
        { metadata: meta('report'), spec: { schedule: '0 3 * * *', suspend: true } },
        { metadata: { ...meta('cleanup'), creationTimestamp: '2026-11-20T00:00:00Z' }, spec: { schedule: '0 0 30 2 *' }, status: {} },
      ],
    };
    const fs = analyzeJobs(s, o);
    expect(ids(fs)).toEqual(['job-failed', 'cronjob-suspended', 'cronjob-never-scheduled']);
    expect(fs[0]!.evidence).toContain('condition Failed=True (BackoffLimitExceeded): Job has reached the specified backoff limit');
  });

  it('a completed Job, a young CronJob and one that ran give nothing', () => {
    const s: Snapshot = {
      jobs: [{ metadata: meta('ok'), status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }],
      cronjobs: [
        { metadata: { ...meta('young'), creationTimestamp: '2026-11-22T11:00:00Z' }, spec: { schedule: '0 3 * * *' } },
        { metadata: { ...meta('ran'), creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { schedule: '*/5 * * * *' }, status: { lastScheduleTime: '2026-11-22T11:55:00Z' } },
      ],
    };
    expect(analyzeJobs(s, o)).toEqual([]);
  });
});

describe('pvc analyzer', () => {
  it('a StorageClass that does not exist; no class named and no default', () => {
    const s: Snapshot = { pvcs: [{ metadata: meta('data'), spec: { storageClassName: 'fast-ssd' }, status: { phase: 'Pending' } }, { metadata: meta('logs'), spec: {}, status: { phase: 'Pending' } }], storageclasses: [{ metadata: { name: 'slow' } }] };
    const fs = analyzePvcs(s, o);
    expect(ids(fs)).toEqual(['pvc-storageclass-missing', 'pvc-no-default-storageclass']);
    expect(fs[0]!.chain.at(-1)).toBe('StorageClass fast-ssd: missing');
  });

  it('a Bound claim of an existing class gives nothing; unreadable StorageClasses are not "missing"', () => {
    expect(analyzePvcs({ pvcs: [{ metadata: meta('data'), spec: { storageClassName: 'standard' }, status: { phase: 'Bound' } }], storageclasses: [{ metadata: { name: 'standard' } }] }, o)).toEqual([]);
    expect(analyzePvcs({ pvcs: [{ metadata: meta('data'), spec: { storageClassName: 'x' }, status: { phase: 'Bound' } }], unreadable: ['storageclasses'] }, o)).toEqual([]);
  });
});

describe('node analyzer', () => {
  it('NotReady, pressure and cordoned', () => {
    const fs = analyzeNodes({ nodes: [{ metadata: { name: 'n1' }, spec: { unschedulable: true }, status: { conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' }, { type: 'DiskPressure', status: 'True' }] } }] }, o);
    expect(ids(fs)).toEqual(['node-not-ready', 'node-pressure', 'node-cordoned']);
    expect(fs[2]!.fix.command).toEqual(['kubectl', 'uncordon', 'n1']);
  });
  it('a Ready node without pressure gives nothing', () => {
    expect(analyzeNodes({ nodes: [{ metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'MemoryPressure', status: 'False' }] } }, { metadata: null }] }, o)).toEqual([]);
  });
});

describe('hpa analyzer', () => {
  const hpa = (target: string, conditions: Condition[] = []) => ({ metadata: meta('web'), spec: { scaleTargetRef: { kind: 'Deployment', name: target } }, status: { conditions } });
  it('a target that does not exist; ScalingActive=False for missing metrics', () => {
    expect(analyzeHpas({ hpas: [hpa('ghost')], deployments: [] }, o)).toMatchObject([{ analyzer: 'hpa-target-missing', chain: ['HorizontalPodAutoscaler shop/web: no target', 'Deployment shop/ghost: missing'] }]);
    const fs = analyzeHpas({ hpas: [hpa('web', [{ type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: failed to get cpu utilization' }])], deployments: [{ metadata: meta('web') }] }, o);
    expect(fs).toMatchObject([{ analyzer: 'hpa-not-scaling' }]);
    expect(fs[0]!.fix.text).toContain('metrics-server');
  });
  it('an autoscaler of an existing target that scales gives nothing', () => {
    expect(analyzeHpas({ hpas: [hpa('web', [{ type: 'ScalingActive', status: 'True' }])], deployments: [{ metadata: meta('web') }] }, o)).toEqual([]);
  });
});

describe('pdb analyzer', () => {
  const pdb = (allowed: number) => ({ metadata: meta('db'), spec: { selector: { matchLabels: { app: 'db' } }, minAvailable: 1 }, status: { disruptionsAllowed: allowed, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1 } });
  it('0 disruptions allowed while it selects pods blocks drains', () => {
    expect(analyzePdbs({ pdbs: [pdb(0)], pods: [readyPod('db-0', { app: 'db' })] }, o)).toMatchObject([{ analyzer: 'pdb-blocks-disruption', object: { kind: 'PodDisruptionBudget', name: 'db' } }]);
  });
  it('a budget that allows a disruption, or selects nothing, gives nothing', () => {
    expect(analyzePdbs({ pdbs: [pdb(1)], pods: [readyPod('db-0', { app: 'db' })] }, o)).toEqual([]);
    expect(analyzePdbs({ pdbs: [{ ...pdb(0), status: { disruptionsAllowed: 0, expectedPods: 0 } }], pods: [] }, o)).toEqual([]);
  });
});

describe('networkpolicy analyzer', () => {
  const base = { services: [svc('web', { app: 'web' })], pods: [readyPod('web-1', { app: 'web' })] };
  it('a policy selecting the pods for Ingress with no rule cuts the service off', () => {
    const fs = analyzeNetworkPolicies({ ...base, networkpolicies: [{ metadata: meta('deny-all'), spec: { podSelector: {}, policyTypes: ['Ingress'] } }] }, o);
    expect(fs).toMatchObject([{ analyzer: 'networkpolicy-blocks-service', object: { kind: 'Service', name: 'web' } }]);
    expect(fs[0]!.chain.at(-1)).toBe('NetworkPolicy shop/deny-all: Ingress with no rule — denies all inbound');
  });
  it('an allow rule next to the deny, or a policy on other pods, gives nothing', () => {
    const allow = { metadata: meta('allow-web'), spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] } };
    expect(analyzeNetworkPolicies({ ...base, networkpolicies: [{ metadata: meta('deny-all'), spec: { podSelector: {}, policyTypes: ['Ingress'] } }, allow] }, o)).toEqual([]);
    expect(analyzeNetworkPolicies({ ...base, networkpolicies: [{ metadata: meta('db-only'), spec: { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] } }] }, o)).toEqual([]);
  });
});

describe('webhooks analyzer', () => {
  const cfg = (name: string, failurePolicy?: string) => ({ metadata: { name: 'policy' }, webhooks: [{ name: 'validate.example.com', ...(failurePolicy ? { failurePolicy } : {}), clientConfig: { service: { namespace: 'kyverno', name } } }] });
  it('a Service that does not exist (fail closed: critical); one with no ready endpoints', () => {
    expect(analyzeWebhooks({ validatingwebhooks: [cfg('gone')], services: [] }, o)).toMatchObject([{ analyzer: 'webhook-service-missing', severity: 'critical' }]);
    const s: Snapshot = { mutatingwebhooks: [cfg('svc', 'Ignore')], services: [{ metadata: { name: 'svc', namespace: 'kyverno' } }], endpointslices: [{ metadata: { name: 'svc-x', namespace: 'kyverno', labels: { 'kubernetes.io/service-name': 'svc' } }, endpoints: [] }] };
    expect(analyzeWebhooks(s, o)).toMatchObject([{ analyzer: 'webhook-no-endpoints', severity: 'medium' }]);
  });
  it('a served webhook, or one outside a namespaced snapshot, gives nothing', () => {
    const s: Snapshot = { validatingwebhooks: [cfg('svc')], services: [{ metadata: { name: 'svc', namespace: 'kyverno' } }], endpointslices: [{ metadata: { name: 'svc-x', namespace: 'kyverno', labels: { 'kubernetes.io/service-name': 'svc' } }, endpoints: [{ addresses: ['10.0.0.9'], conditions: { ready: true } }] }] };
    expect(analyzeWebhooks(s, o)).toEqual([]);
    expect(analyzeWebhooks({ namespace: 'shop', validatingwebhooks: [cfg('gone')], services: [] }, o)).toEqual([]);
  });
});

describe('config-refs analyzer', () => {
  const dep = (spec: Record<string, unknown>) => ({ metadata: meta('api'), spec: { template: { spec } } });
  it('missing ConfigMaps/Secrets (env, envFrom, volume, projected) and a missing key, names only', () => {
    const s: Snapshot = {
      deployments: [
        dep({
          containers: [{ name: 'app', env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } }, { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'opt', key: 'x', optional: true } } }], envFrom: [{ configMapRef: { name: 'api-env' } }] }],
          volumes: [{ name: 'certs', projected: { sources: [{ secret: { name: 'certs' } }] } }, { name: 'cfg', configMap: { name: 'present', items: [{ key: 'app.yaml' }] } }],
        }),
      ],
      configmaps: [{ metadata: meta('present'), keys: ['other.yaml'] }],
      secrets: [{ metadata: meta('db'), keys: ['user'] }],
    };
    const fs = analyzeConfigRefs(s, o);
    expect(fs.map((f) => `${f.analyzer} ${f.chain.at(-1)}`)).toEqual([
      'config-key-missing Secret shop/db key password: missing',
      'config-ref-missing ConfigMap shop/api-env: missing',
      'config-ref-missing Secret shop/certs: missing',
      'config-key-missing ConfigMap shop/present key app.yaml: missing',
    ]);
    expect(fs[1]!.fix.command).toEqual(['kubectl', 'create', 'configmap', 'api-env', '-n', NS, '--from-literal=<key>=<value>']);
  });
  it('present references, optional ones, owned pods and unreadable Secrets give nothing', () => {
    const s: Snapshot = {
      deployments: [dep({ containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'api-env' } }, { secretRef: { name: 'maybe', optional: true } }] }] })],
      pods: [{ metadata: { ...meta('api-1'), ownerReferences: [{ kind: 'ReplicaSet', name: 'api-1' }] }, spec: { containers: [{ name: 'x', envFrom: [{ configMapRef: { name: 'gone' } }] }] } }],
      configmaps: [{ metadata: meta('api-env'), keys: [] }],
    };
    expect(analyzeConfigRefs(s, o)).toEqual([]);
    expect(analyzeConfigRefs({ deployments: [dep({ containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'x' } }] }] })], unreadable: ['secrets'] }, o)).toEqual([]);
    // Secrets cut at the budget: the one referenced may be among those not read.
    expect(analyzeConfigRefs({ deployments: [dep({ containers: [{ name: 'a', envFrom: [{ secretRef: { name: 'x' } }] }] })], secrets: [], partial: ['secrets'] }, o)).toEqual([]);
  });
});

describe('analyzeSnapshot', () => {
  it('de-duplicates (pod under its Deployment, config ref under the same root cause), sorts by severity, renders a table', () => {
    const rs = { metadata: { ...meta('cart-7d9fb6c5d8'), ownerReferences: [{ kind: 'Deployment', name: 'cart' }] } };
    const s: Snapshot = {
      deployments: [{ metadata: meta('cart'), spec: { replicas: 1, selector: { matchLabels: { app: 'cart' } }, template: { spec: { containers: [{ name: 'app', envFrom: [{ configMapRef: { name: 'cart-config' } }] }] } } }, status: {} }],
      replicasets: [rs],
      pods: [configErrorPod('cart-7d9fb6c5d8-x2x4z', { app: 'cart' }, { kind: 'ReplicaSet', name: 'cart-7d9fb6c5d8' })],
      configmaps: [],
      cronjobs: [{ metadata: meta('report'), spec: { suspend: true } }],
    };
    const { findings, failed } = analyzeSnapshot(s, o);
    expect(failed).toEqual([]);
    // The hygiene note (the pod runs as ServiceAccount default) comes after every failure.
    expect(findings.map((f) => `${f.severity} ${f.analyzer}`)).toEqual(['critical workload-unavailable', 'low cronjob-suspended', 'low default-service-account']);
    const text = renderFindings(findings);
    expect(text.split('\n')[0]).toMatch(/^SEVERITY +OBJECT +ANALYZER +SUMMARY$/);
    expect(text).toContain('→ ConfigMap shop/cart-config: missing');
  });

  it('never throws on junk: nulls, wrong shapes, an empty snapshot', () => {
    const junk = { pods: [null, { status: null }, { metadata: { labels: null }, spec: { containers: null } }], services: [{ spec: { selector: null } }, null], items: null, ingresses: [{ spec: { rules: [null, { http: null }] } }] } as unknown as Snapshot;
    expect(() => analyzeSnapshot(junk, o)).not.toThrow();
    expect(analyzeSnapshot({}, o)).toEqual({ findings: [], failed: [] });
    expect(analyzeSnapshot(null as unknown as Snapshot, o).findings).toEqual([]);
  });

  it('matchesSelector follows Kubernetes semantics for expressions and empty selectors', () => {
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web'] }] }, { tier: 'web' })).toBe(true);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, { tier: 'web' })).toBe(false);
    expect(matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, {})).toBe(true);
    expect(matchesSelector({}, { a: 'b' })).toBe(true);
    expect(matchesSelector({}, { a: 'b' }, false)).toBe(false);
  });
});

describe('collector and skill I/O, with a scripted toolbox', () => {
  function tools(answers: Record<string, (args: Record<string, unknown>) => Record<string, unknown> | undefined>): ToolBox & { calls: Array<[string, Record<string, unknown>]> } {
    const calls: Array<[string, Record<string, unknown>]> = [];
    return {
      calls,
      listTools: async () => [],
      callTool: async (name, args): Promise<CallToolResult> => {
        calls.push([name, args]);
        const out = answers[name]?.(args);
        return out ? { content: [{ type: 'text', text: 'ok' }], structuredContent: out } : { isError: true, content: [{ type: 'text', text: `${name}: forbidden: User "viewer" cannot list resource "${String(args.kind)}"` }] };
      },
    };
  }

  it('keysOnly keeps key names and drops values', () => {
    const k = keysOnly({ metadata: { name: 'db', namespace: NS }, data: { password: 'c2VjcmV0' }, stringData: { user: 'admin' } });
    expect(k).toEqual({ metadata: { name: 'db', namespace: NS }, keys: ['password', 'user'] });
    expect(JSON.stringify(k)).not.toContain('c2VjcmV0');
  });

  it('reads rows then objects; a refused kind is a note and unreadable, not a failure; Secrets arrive as keys', async () => {
    const box = tools({
      k8s_list: (a) => (a.kind === 'secrets' ? { items: [{ name: 'db', namespace: NS }] } : a.kind === 'networkpolicies' ? undefined : { items: a.kind === 'services' ? [{ name: 'web', namespace: NS }] : [] }),
      k8s_get: (a) => ({ object: a.kind === 'secrets' ? { metadata: { name: 'db', namespace: NS }, data: { password: '***' } } : { metadata: { name: a.name, namespace: NS }, spec: { selector: { app: 'web' } } } }),
      k8s_events: () => ({ events: [{ namespace: NS, type: 'Warning', reason: 'BackOff', object: 'pod/x', message: 'back-off' }] }),
    });
    const { snapshot, notes, counts } = await collectSnapshot(box, { namespace: NS, limit: 50 });
    expect(snapshot.unreadable).toEqual(['networkpolicies']);
    expect(snapshot.partial).toEqual([]);
    expect(notes).toEqual([expect.stringMatching(/^networkpolicies: not read \(.*forbidden/)]);
    expect(snapshot.secrets).toEqual([{ metadata: { name: 'db', namespace: NS }, keys: ['password'] }]);
    expect(counts.services).toBe(1);
    expect(snapshot.events).toHaveLength(1);
    expect(box.calls.some(([n, a]) => n === 'k8s_list' && a.kind === 'nodes')).toBe(false);
    expect(box.calls.filter(([n]) => n === 'k8s_list').every(([, a]) => a.limit === 50)).toBe(true);
  });

  it('a kind cut at the budget is partial, with a note', async () => {
    const box = tools({
      k8s_list: (a) => (a.kind === 'configmaps' ? { items: [{ name: 'a', namespace: NS }], continue: 'tok', remaining: 7 } : { items: [] }),
      k8s_get: () => ({ object: { metadata: { name: 'a', namespace: NS }, data: { k: 'v' } } }),
      k8s_events: () => ({ events: [] }),
    });
    const { snapshot, notes } = await collectSnapshot(box, { namespace: NS, limit: 1 });
    expect(snapshot.partial).toEqual(['configmaps']);
    expect(notes).toEqual(['configmaps: only the first 1 read (7 more); findings that need the rest may be missing']);
  });

  it('reads the previous log of a crash-looping container, and the chain names the explaining line', async () => {
    const crashing = {
      metadata: { name: 'api-1', namespace: NS },
      spec: { nodeName: 'n1', containers: [{ name: 'api' }] },
      status: { phase: 'Running', containerStatuses: [{ name: 'api', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }] },
    };
    const box = tools({
      k8s_list: (a) => ({ items: a.kind === 'pods' ? [{ name: 'api-1', namespace: NS }] : [] }),
      k8s_get: () => ({ object: crashing }),
      k8s_events: () => ({ events: [] }),
      k8s_logs: (a) => (a.previous === true && a.container === 'api' ? { log: 'FATAL: password authentication failed for user "api"' } : undefined),
    });
    const { snapshot } = await collectSnapshot(box, { namespace: NS });
    expect(snapshot.previousLogs).toEqual({ [`${NS}/api-1`]: { api: 'FATAL: password authentication failed for user "api"' } });
    const [f] = analyzeSnapshot(snapshot, o).findings;
    expect(f).toMatchObject({ analyzer: 'pod-unhealthy', object: { kind: 'Pod', name: 'api-1' } });
    expect(f!.evidence.join('\n')).toContain('previous log: FATAL: password authentication failed');
  });

  it('the skill names the namespace of the request, and answers "no such namespace" plainly', async () => {
    expect(namespaceOfRequest('What is wrong in namespace shop?', ['shop', 'payments'])).toEqual({ namespace: 'shop' });
    expect(namespaceOfRequest('Analyze the payments namespace', ['shop', 'payments'])).toEqual({ namespace: 'payments' });
    expect(namespaceOfRequest('Scan the cluster for problems', ['shop'])).toEqual({});
    expect(namespaceOfRequest('analyze namespace nope', ['shop'])).toEqual({ missing: 'nope' });
    const box = tools({ k8s_namespaces: () => ({ namespaces: [{ name: 'shop' }] }) });
    const r = await runAnalyze(box, 'analyze namespace nope', () => {});
    expect(r.text).toBe('There is no namespace "nope". Namespaces: shop. Ask about one of them, or "scan the cluster for problems".');
  });
});

describe('the analyze-cluster skill is chosen for sweeps, not for one workload', () => {
  it('chooseOpsSkill', () => {
    for (const q of ['What is wrong in namespace shop?', 'Scan the cluster for problems', 'analyze', 'Analyze the payments namespace', 'Are there any problems in the cluster?', 'audit namespace data']) expect(chooseOpsSkill(q), q).toBe('analyze-cluster');
    for (const q of ['What is wrong with fraud-detector?', 'Troubleshoot the shop namespace', 'Why is payments-api failing?']) expect(chooseOpsSkill(q), q).toBe('diagnose-workload');
    expect(chooseOpsSkill('How many pods are in the default namespace?')).toBe('cluster-query');
  });

  it('the handler runs it and answers with every finding in the data part', async () => {
    const calls: string[] = [];
    const box: ToolBox = {
      listTools: async () => [],
      callTool: async (name, args): Promise<CallToolResult> => {
        calls.push(name);
        const out: Record<string, unknown> | undefined =
          name === 'k8s_namespaces' ? { namespaces: [{ name: NS }] } : name === 'k8s_list' ? { items: args.kind === 'cronjobs' ? [{ name: 'report', namespace: NS }] : [] } : name === 'k8s_get' ? { object: { metadata: { name: 'report', namespace: NS }, spec: { schedule: '0 1 * * *', suspend: true } } } : name === 'k8s_events' ? { events: [] } : undefined;
        return out ? { content: [{ type: 'text', text: 'ok' }], structuredContent: out } : { isError: true, content: [{ type: 'text', text: 'no' }] };
      },
    };
    const handler = opsHandler(box, loadConfig({ env: {}, cwd: '/tmp' }), createLogger({ level: 'silent' }));
    const r = await handler({ text: `What is wrong in namespace ${NS}?`, data: [], signal: new AbortController().signal, progress: () => {} } as never);
    expect(r.text.split('\n')[0]).toBe('1 problem(s) in namespace shop (1 low):');
    expect(r.data).toMatchObject({ skill: 'analyze-cluster', chosenBy: 'agent', scope: { namespace: NS }, findings: [{ analyzer: 'cronjob-suspended', object: { kind: 'CronJob', name: 'report', namespace: NS } }] });
    expect(calls).not.toContain('k8s_logs');
  });
});
