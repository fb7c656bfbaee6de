import { describe, expect, it } from 'vitest';
import {
  checkClusterAdminBindings,
  checkNetworkPolicies,
  checkPodSpec,
  checkWildcardRules,
  imageTagProblem,
  ownerRef,
  podSpecOf,
  sortFindings,
} from '../../agents/security/checks/index.js';
import { focusOf, postureFindings, renderFindings } from '../../agents/security/report.js';

const hardened = {
  kind: 'Pod',
  metadata: { name: 'ok', namespace: 'shop' },
  spec: {
    securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    serviceAccountName: 'app',
    priorityClassName: 'business',
    containers: [
      {
        name: 'app',
        image: 'ghcr.io/acme/app:1.2.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
        imagePullPolicy: 'Always',
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
        readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
        resources: { limits: { cpu: '500m', memory: '256Mi' } },
        env: [{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 's', key: 'p' } } }, { name: 'LOG_LEVEL', value: 'info' }],
      },
    ],
  },
};

const checks = (obj: unknown) => checkPodSpec(obj).map((f) => f.check).sort();

describe('pod checks', () => {
  it('a hardened pod has no findings', () => {
    expect(checkPodSpec(hardened)).toEqual([]);
  });

  it('finds each baseline and restricted violation, with severity, evidence and fix', () => {
    const bad = {
      kind: 'Deployment',
      metadata: { name: 'bad', namespace: 'shop' },
      spec: {
        template: {
          spec: {
            hostNetwork: true,
            hostPID: true,
            securityContext: { runAsUser: 0 },
            volumes: [{ name: 'root', hostPath: { path: '/' } }, { name: 'tmp', emptyDir: {} }],
            containers: [
              {
                name: 'app',
                image: 'nginx:latest',
                securityContext: { privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] }, seccompProfile: { type: 'Unconfined' } },
                env: [{ name: 'API_TOKEN', value: 's3cr3t-value' }, { name: 'MODE', value: 'prod' }],
              },
              { name: 'side', image: 'busybox' },
            ],
          },
        },
      },
    };
    const findings = checkPodSpec(bad);
    const by = new Map(findings.map((f) => [f.check, f]));
    expect([...by.keys()].sort()).toEqual([
      'image-pull-policy',
      'image-tag',
      'priority-class-missing',
      'probe-liveness-missing',
      'probe-readiness-missing',
      'pss-baseline-capabilities',
      'pss-baseline-host-namespaces',
      'pss-baseline-host-path',
      'pss-baseline-privileged',
      'pss-baseline-seccomp',
      'pss-restricted-capabilities',
      'pss-restricted-privilege-escalation',
      'pss-restricted-run-as-non-root',
      'pss-restricted-run-as-user',
      'read-only-root-fs',
      'resource-limits',
      'resource-requests',
      'secret-env-literal',
      'service-account-token-automount',
    ]);
    expect(by.get('pss-baseline-privileged')).toMatchObject({ severity: 'critical', pss: 'baseline', object: { kind: 'Deployment', name: 'bad', namespace: 'shop' } });
    expect(by.get('pss-baseline-host-namespaces')?.evidence).toBe('hostNetwork: true, hostPID: true');
    expect(by.get('pss-baseline-host-path')?.evidence).toContain('root (/)');
    expect(by.get('pss-baseline-capabilities')).toMatchObject({ severity: 'high', evidence: 'capabilities added: SYS_ADMIN (app)' });
    expect(by.get('pss-baseline-seccomp')?.severity).toBe('high');
    expect(by.get('pss-restricted-privilege-escalation')?.severity).toBe('high');
    expect(by.get('image-tag')?.evidence).toBe('mutable image reference: app: nginx:latest, side: busybox (no tag, means latest)');
    const secret = by.get('secret-env-literal')!;
    expect(secret.evidence).toContain('API_TOKEN');
    expect(secret.evidence).not.toContain('MODE');
    expect(JSON.stringify(findings)).not.toContain('s3cr3t-value');
    for (const f of findings) expect(f.fix.length).toBeGreaterThan(10);
  });

  it('runAsNonRoot on the pod covers the containers unless one sets it false', () => {
    const pod = (containerSc: Record<string, unknown>) => ({
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: 'a:1', securityContext: containerSc }] },
    });
    expect(checks(pod({}))).not.toContain('pss-restricted-run-as-non-root');
    expect(checks(pod({ runAsNonRoot: false }))).toContain('pss-restricted-run-as-non-root');
  });

  it('limits: both missing is medium, cpu only is low', () => {
    const withLimits = (limits: unknown) => checkPodSpec({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'a:1', resources: { limits } }] } }).find((f) => f.check === 'resource-limits');
    expect(withLimits(undefined)).toMatchObject({ severity: 'medium', evidence: 'missing limits: c (no cpu or memory limit)' });
    expect(withLimits({ memory: '1Gi' })).toMatchObject({ severity: 'low', evidence: 'missing limits: c (no cpu limit)' });
    expect(withLimits({ memory: '1Gi', cpu: '1' })).toBeUndefined();
  });

  it('finds pod specs in every workload kind, and nothing in other kinds', () => {
    const tpl = { containers: [{ name: 'x', image: 'x' }] };
    expect(podSpecOf({ kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec: tpl } } } } })).toBe(tpl);
    expect(podSpecOf({ kind: 'StatefulSet', spec: { template: { spec: tpl } } })).toBe(tpl);
    expect(podSpecOf({ kind: 'ConfigMap', data: {} })).toBeUndefined();
    expect(checkPodSpec({ kind: 'Service', spec: {} })).toEqual([]);
  });

  it('odd or missing fields never throw', () => {
    const odd = [
      null,
      undefined,
      42,
      'pod',
      [],
      {},
      { kind: 'Pod' },
      { kind: 'Pod', spec: null },
      { kind: 'Pod', spec: { containers: 'nope', volumes: [null, 3, { hostPath: null }] } },
      { kind: 'Pod', spec: { containers: [null, 7, { securityContext: 'x', env: [null, { name: 5, value: 1 }], resources: [] }] } },
      { kind: 'Deployment', spec: { template: null } },
      { kind: 'CronJob', spec: { jobTemplate: 'x' } },
    ];
    for (const o of odd) expect(() => checkPodSpec(o)).not.toThrow();
    expect(() => checkClusterAdminBindings(odd)).not.toThrow();
    expect(() => checkWildcardRules(odd)).not.toThrow();
    expect(() => checkNetworkPolicies(['a'], odd)).not.toThrow();
    expect(() => ownerRef(null)).not.toThrow();
    // A container with no name or image is still reported, by position.
    expect(checkPodSpec({ kind: 'Pod', spec: { containers: [{}] } }).find((f) => f.check === 'image-tag')?.evidence).toContain('#0 (no image)');
  });

  it('image tags: latest, none, pinned, digest, registry with a port', () => {
    expect(imageTagProblem('nginx:latest')).toBe('latest');
    expect(imageTagProblem('nginx')).toBe('no-tag');
    expect(imageTagProblem('registry.local:5000/team/app')).toBe('no-tag');
    expect(imageTagProblem('registry.local:5000/team/app:1.0')).toBeUndefined();
    expect(imageTagProblem('nginx@sha256:abc')).toBeUndefined();
  });

  it('reports a pod against its workload', () => {
    const pod = (owner: unknown, labels: Record<string, string> = {}) => ({ kind: 'Pod', metadata: { name: 'x-1', namespace: 'ns', labels, ownerReferences: owner ? [owner] : undefined } });
    expect(ownerRef(pod({ kind: 'ReplicaSet', name: 'cart-66496966d8', controller: true }, { 'pod-template-hash': '66496966d8' }))).toEqual({ kind: 'Deployment', name: 'cart', namespace: 'ns' });
    expect(ownerRef(pod({ kind: 'StatefulSet', name: 'postgres', controller: true }))).toEqual({ kind: 'StatefulSet', name: 'postgres', namespace: 'ns' });
    expect(ownerRef(pod({ kind: 'ReplicaSet', name: 'bare-rs' }))).toEqual({ kind: 'ReplicaSet', name: 'bare-rs', namespace: 'ns' });
    expect(ownerRef(pod(undefined))).toEqual({ kind: 'Pod', name: 'x-1', namespace: 'ns' });
  });
});

describe('RBAC and NetworkPolicy checks', () => {
  it('cluster-admin bindings: the built-in one is info, others high, with their subjects', () => {
    const findings = checkClusterAdminBindings([
      { kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'Group', name: 'system:masters' }] },
      { kind: 'ClusterRoleBinding', metadata: { name: 'ci-admin' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'tools' }, { kind: 'User', name: 'alice' }] },
      { kind: 'RoleBinding', metadata: { name: 'ns-admin', namespace: 'shop' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [] },
      { kind: 'ClusterRoleBinding', metadata: { name: 'viewers' }, roleRef: { kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'Group', name: 'devs' }] },
    ]);
    expect(findings.map((f) => [f.object.name, f.severity])).toEqual([
      ['cluster-admin', 'info'],
      ['ci-admin', 'high'],
      ['ns-admin', 'high'],
    ]);
    expect(findings[1]!.evidence).toBe('cluster-admin cluster-wide granted to ServiceAccount tools/ci, User alice');
    expect(findings[2]!.evidence).toContain('in namespace shop');
  });

  it('wildcard verbs or resources, but not cluster-admin itself', () => {
    const findings = checkWildcardRules([
      { kind: 'ClusterRole', metadata: { name: 'cluster-admin' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] },
      { kind: 'Role', metadata: { name: 'too-much', namespace: 'shop' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }, { apiGroups: ['apps'], resources: ['*'], verbs: ['get'] }] },
      { kind: 'ClusterRole', metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
    ]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'rbac-wildcard', severity: 'high', object: { kind: 'Role', name: 'too-much', namespace: 'shop' } });
    expect(findings[0]!.evidence).toBe('rule 2: resources * (apiGroups apps)');
  });

  it('namespaces without a NetworkPolicy', () => {
    const findings = checkNetworkPolicies(['shop', 'data', 'payments'], [{ metadata: { name: 'deny', namespace: 'payments' } }]);
    expect(findings.map((f) => f.object.name)).toEqual(['shop', 'data']);
    expect(findings[0]).toMatchObject({ severity: 'medium', check: 'network-policy-missing', object: { kind: 'Namespace' } });
  });
});

describe('posture report', () => {
  const replica = (name: string) => ({
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { 'pod-template-hash': 'abc' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }] },
    spec: { containers: [{ name: 'web', image: 'web:latest' }] },
  });

  it('reports the replicas of one workload once per check, sorted by severity', () => {
    const findings = postureFindings({ namespaces: ['shop'], pods: [replica('web-abc-1'), replica('web-abc-2')], networkPolicies: [], bindings: [], roles: [] });
    const keys = findings.map((f) => `${f.check} ${f.object.kind}/${f.object.name}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toContain('image-tag Deployment/web');
    expect(keys).toContain('network-policy-missing Namespace/shop');
    expect(findings).toEqual(sortFindings(findings));
    const text = renderFindings('Security posture of namespace shop', findings);
    expect(text.split('\n')[0]).toMatch(/^Security posture of namespace shop: \d+ findings — 0 critical, 0 high, \d+ medium, \d+ low, 2 info\.$/);
  });

  it('judges missing PDBs in every namespace read, but not when the PDBs could not be listed; the default ServiceAccount decides the token', () => {
    const web = { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:1' }] } } } };
    const base = { namespaces: ['shop'], pods: [replica('web-abc-1')], networkPolicies: [], bindings: [], roles: [], workloads: [web] };
    const checksOf = (extra: object) => postureFindings({ ...base, ...extra }).map((f) => `${f.check} ${f.object.kind}/${f.object.name}`);
    expect(checksOf({ podDisruptionBudgets: [] })).toContain('workload-pdb-missing Deployment/web');
    expect(checksOf({ podDisruptionBudgets: undefined })).not.toContain('workload-pdb-missing Deployment/web');
    const pdb = { kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'web' } } } };
    expect(checksOf({ podDisruptionBudgets: [pdb] })).not.toContain('workload-pdb-missing Deployment/web');
    expect(checksOf({})).toContain('service-account-token-automount Deployment/web');
    expect(checksOf({ serviceAccounts: [{ metadata: { name: 'default', namespace: 'shop' }, automountServiceAccountToken: false }] })).not.toContain('service-account-token-automount Deployment/web');
  });

  it('narrows to what the question asks, unless it asks for a report', () => {
    expect([...(focusOf('Which workloads run as root?') ?? [])]).toEqual(['pss-restricted-run-as-user', 'pss-restricted-run-as-non-root']);
    expect([...(focusOf('Who has cluster-admin?') ?? [])]).toEqual(['rbac-cluster-admin', 'rbac-wildcard']);
    expect([...(focusOf('Who can exec into pods?') ?? [])]).toEqual(['rbac-cluster-admin', 'rbac-wildcard', 'rbac-default-service-account', 'rbac-secrets-read', 'rbac-escalate', 'rbac-pod-exec']);
    expect([...(focusOf('Which namespaces have no network policy?') ?? [])]).toEqual(['network-policy-missing', 'network-default-deny-missing', 'network-pod-unselected']);
    expect(focusOf('Give me a security report of the cluster')).toBeUndefined();
    expect(focusOf('How secure is the payments namespace?')).toBeUndefined();
    const onlyRoot = postureFindings({ namespaces: ['shop'], pods: [replica('web-abc-1')], networkPolicies: [], bindings: [], roles: [] }, focusOf('who runs as root'));
    expect(new Set(onlyRoot.map((f) => f.check))).toEqual(new Set(['pss-restricted-run-as-non-root']));
  });
});
