import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Finding, imageRegistry, namespaceScores, renderScores } from '../../agents/security/checks/index.js';
import { scanObjects, type ScanOptions } from '../../agents/security/scan.js';

type Obj = Record<string, unknown>;
const DIGEST = '@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

/** A Deployment that passes every check; `pod`, `container`, `annotations` and `spec` change it. */
function deployment(change: { pod?: Obj; container?: Obj; containerSc?: Obj; podSc?: Obj; annotations?: Obj; spec?: Obj } = {}): Obj {
  const container = {
    name: 'app',
    image: `ghcr.io/acme/app:1.2.3${DIGEST}`,
    imagePullPolicy: 'Always',
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, ...change.containerSc },
    resources: { limits: { cpu: '500m', memory: '256Mi' } },
    livenessProbe: { httpGet: { path: '/healthz', port: 8080 } },
    readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
    ...change.container,
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 3,
      template: {
        metadata: { labels: { app: 'web' }, annotations: change.annotations ?? {} },
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' }, ...change.podSc },
          serviceAccountName: 'web',
          priorityClassName: 'business',
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
          containers: [container],
          ...change.pod,
        },
      },
      ...change.spec,
    },
  };
}

const scan = (objects: Obj[], options?: ScanOptions) => scanObjects(objects, options);
const checksOf = (objects: Obj[], options?: ScanOptions) => scan(objects, options).map((f) => f.check);
const only = (objects: Obj[], check: string, options?: ScanOptions): Finding => {
  const found = scan(objects, options).filter((f) => f.check === check);
  expect(found, `${check} in ${JSON.stringify(scan(objects, options).map((f) => f.check))}`).toHaveLength(1);
  return found[0]!;
};

/** The controls added for parity with Polaris and kube-score (each has remediation YAML). */
const HYGIENE = ['read-only-root-fs', 'probe-liveness-missing', 'probe-readiness-missing', 'image-pull-policy', 'priority-class-missing', 'service-account-token-automount', 'workload-single-replica', 'workload-pdb-missing', 'workload-spread-missing', 'pdb-no-disruptions', 'ingress-tls-missing', 'label-app-name-missing'];

interface Control {
  check: string;
  level?: 'baseline' | 'restricted';
  fail: Obj[];
  pass: Obj[];
  /** Text the failing finding's evidence names (containers, fields). */
  evidence: string;
  options?: ScanOptions;
}

const role = (rules: Obj[], kind = 'Role') => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind, metadata: { name: 'r', ...(kind === 'Role' ? { namespace: 'shop' } : {}) }, rules });
const binding = (subjects: Obj[], roleName = 'edit') => ({ kind: 'RoleBinding', metadata: { name: 'b', namespace: 'shop' }, roleRef: { kind: 'ClusterRole', name: roleName }, subjects });
const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const policy = (spec: Obj, name = 'p') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec });
const DENY = policy({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }, 'default-deny');
const pdb = (spec: Obj) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web', namespace: 'shop' }, spec: { selector: { matchLabels: { app: 'web' } }, ...spec } });
const job = (container: Obj = {}): Obj => {
  const d = deployment({ container });
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', namespace: 'shop' }, spec: { template: (d.spec as Obj).template } };
};

const CONTROLS: Control[] = [
  // baseline
  { check: 'pss-baseline-host-process', level: 'baseline', fail: [deployment({ containerSc: { windowsOptions: { hostProcess: true } } })], pass: [deployment({ containerSc: { windowsOptions: { hostProcess: false } } })], evidence: 'containers[app]' },
  { check: 'pss-baseline-host-namespaces', level: 'baseline', fail: [deployment({ pod: { hostPID: true, hostIPC: true } })], pass: [deployment({ pod: { hostPID: false, hostNetwork: false } })], evidence: 'hostPID: true, hostIPC: true' },
  { check: 'pss-baseline-privileged', level: 'baseline', fail: [deployment({ containerSc: { privileged: true } })], pass: [deployment({ containerSc: { privileged: false } })], evidence: 'privileged: true on container app' },
  { check: 'pss-baseline-capabilities', level: 'baseline', fail: [deployment({ containerSc: { capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } } })], pass: [deployment({ containerSc: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })], evidence: 'NET_ADMIN (app)' },
  { check: 'pss-baseline-host-path', level: 'baseline', fail: [deployment({ pod: { volumes: [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }] } })], pass: [deployment({ pod: { volumes: [{ name: 'tmp', emptyDir: {} }] } })], evidence: 'docker (/var/run/docker.sock)' },
  { check: 'pss-baseline-host-ports', level: 'baseline', fail: [deployment({ container: { ports: [{ containerPort: 80, hostPort: 8080 }] } })], pass: [deployment({ container: { ports: [{ containerPort: 80 }, { containerPort: 81, hostPort: 0 }] } })], evidence: 'containers[app].ports[].hostPort: 8080' },
  {
    check: 'pss-baseline-apparmor',
    level: 'baseline',
    fail: [deployment({ annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' }, containerSc: { appArmorProfile: { type: 'Unconfined' } } })],
    pass: [deployment({ annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' }, containerSc: { appArmorProfile: { type: 'Localhost', localhostProfile: 'k8s' } } })],
    evidence: 'containers[app].securityContext.appArmorProfile.type: Unconfined',
  },
  { check: 'pss-baseline-selinux', level: 'baseline', fail: [deployment({ containerSc: { seLinuxOptions: { type: 'spc_t', user: 'system_u' } } })], pass: [deployment({ containerSc: { seLinuxOptions: { type: 'container_t', level: 's0:c123,c456' } } })], evidence: 'containers[app].securityContext.seLinuxOptions.type: spc_t' },
  { check: 'pss-baseline-proc-mount', level: 'baseline', fail: [deployment({ containerSc: { procMount: 'Unmasked' } })], pass: [deployment({ containerSc: { procMount: 'Default' } })], evidence: 'procMount: Unmasked' },
  { check: 'pss-baseline-seccomp', level: 'baseline', fail: [deployment({ podSc: { seccompProfile: { type: 'Unconfined' } } })], pass: [deployment({ containerSc: { seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } } })], evidence: 'Unconfined on (pod securityContext)' },
  { check: 'pss-baseline-sysctls', level: 'baseline', fail: [deployment({ podSc: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] } })], pass: [deployment({ podSc: { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] } })], evidence: 'kernel.msgmax' },
  // restricted
  { check: 'pss-restricted-volume-types', level: 'restricted', fail: [deployment({ pod: { volumes: [{ name: 'share', nfs: { server: 'nfs', path: '/' } }] } })], pass: [deployment({ pod: { volumes: [{ name: 'c', configMap: { name: 'c' } }, { name: 's', secret: { secretName: 's' } }, { name: 'd', persistentVolumeClaim: { claimName: 'd' } }] } })], evidence: 'share (nfs)' },
  { check: 'pss-restricted-privilege-escalation', level: 'restricted', fail: [deployment({ containerSc: { allowPrivilegeEscalation: true } })], pass: [deployment()], evidence: 'allowPrivilegeEscalation: true on app' },
  { check: 'pss-restricted-run-as-non-root', level: 'restricted', fail: [deployment({ containerSc: { runAsNonRoot: false } })], pass: [deployment({ podSc: { runAsNonRoot: undefined }, containerSc: { runAsNonRoot: true } })], evidence: 'container app' },
  { check: 'pss-restricted-run-as-user', level: 'restricted', fail: [deployment({ containerSc: { runAsUser: 0 } })], pass: [deployment({ containerSc: { runAsUser: 1000 } })], evidence: 'runAsUser: 0 on app' },
  { check: 'pss-restricted-seccomp', level: 'restricted', fail: [deployment({ podSc: { seccompProfile: undefined } })], pass: [deployment({ podSc: { seccompProfile: undefined }, containerSc: { seccompProfile: { type: 'RuntimeDefault' } } })], evidence: 'no seccompProfile for container app' },
  { check: 'pss-restricted-capabilities', level: 'restricted', fail: [deployment({ containerSc: { capabilities: { add: ['CHOWN'] } } })], pass: [deployment({ containerSc: { capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } })], evidence: 'app does not drop ALL, app adds CHOWN' },
  // resources and images
  { check: 'resource-limits', fail: [deployment({ container: { resources: { limits: { cpu: '1' } } } })], pass: [deployment()], evidence: 'app (no memory limit)' },
  { check: 'resource-requests', fail: [deployment({ container: { resources: { limits: { memory: '1Gi' } } } })], pass: [deployment({ container: { resources: { requests: { cpu: '100m', memory: '1Gi' } } } })], evidence: 'app (no cpu request)' },
  { check: 'image-tag', fail: [deployment({ container: { image: 'nginx:latest' } })], pass: [deployment({ container: { image: `nginx${DIGEST}` } })], evidence: 'app: nginx:latest' },
  { check: 'image-digest', fail: [deployment({ container: { image: 'ghcr.io/acme/app:1.2.3' } })], pass: [deployment()], evidence: 'app: ghcr.io/acme/app:1.2.3' },
  { check: 'image-registry', fail: [deployment({ container: { image: `nginx:1.27${DIGEST}` } })], pass: [deployment()], evidence: 'registry docker.io', options: { allowedRegistries: ['ghcr.io', 'registry.example.com:5000'] } },
  // secrets
  { check: 'secret-env-literal', fail: [deployment({ container: { env: [{ name: 'API_TOKEN', value: 'tok-value-1' }] } })], pass: [deployment({ container: { env: [{ name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 's', key: 't' } } }, { name: 'MODE', value: 'prod' }] } })], evidence: 'API_TOKEN (container app)' },
  {
    check: 'secret-annotation-token',
    fail: [deployment({ annotations: { 'example.com/api-token': 'tok-value-2', 'example.com/owner': 'team-a' } })],
    pass: [deployment({ annotations: { 'example.com/owner': 'team-a', 'checksum/secret': 'e3b0c44298fc1c149afbf4c8996fb924', 'nginx.ingress.kubernetes.io/auth-secret': 'basic-auth' } })],
    evidence: 'example.com/api-token',
  },
  {
    check: 'secret-configmap-key',
    fail: [{ kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { DB_PASSWORD: 'tok-value-3', LOG_LEVEL: 'info', github: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } }],
    pass: [{ kind: 'ConfigMap', metadata: { name: 'cfg', namespace: 'shop' }, data: { LOG_LEVEL: 'info', 'app.properties': 'port=80' } }],
    evidence: 'DB_PASSWORD, github',
  },
  // RBAC
  { check: 'rbac-wildcard', fail: [role([{ apiGroups: [''], resources: ['*'], verbs: ['get'] }])], pass: [role([{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }])], evidence: 'resources *' },
  { check: 'rbac-cluster-admin', fail: [binding([{ kind: 'User', name: 'alice' }], 'cluster-admin')], pass: [binding([{ kind: 'User', name: 'alice' }], 'view')], evidence: 'User alice' },
  { check: 'rbac-default-service-account', fail: [binding([{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }])], pass: [binding([{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }])], evidence: 'ClusterRole/edit bound to the default ServiceAccount shop/default' },
  { check: 'rbac-secrets-read', fail: [role([{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }])], pass: [role([{ apiGroups: [''], resources: ['configmaps'], verbs: ['list'] }, { apiGroups: [''], resources: ['secrets'], verbs: ['create'] }])], evidence: 'list,watch secrets' },
  { check: 'rbac-escalate', fail: [role([{ apiGroups: [''], resources: ['users'], verbs: ['impersonate'] }], 'ClusterRole')], pass: [role([{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['patch'] }], 'ClusterRole')], evidence: 'verbs impersonate' },
  { check: 'rbac-pod-exec', fail: [role([{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'create'] }])], pass: [role([{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get'] }])], evidence: 'create pods/exec' },
  // NetworkPolicy coverage of declared namespaces
  { check: 'network-policy-missing', fail: [ns('shop'), deployment()], pass: [ns('shop'), DENY, deployment()], evidence: 'no NetworkPolicy in namespace shop' },
  { check: 'network-default-deny-missing', fail: [policy({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] })], pass: [policy({ podSelector: { matchLabels: { app: 'web' } }, ingress: [{}] }), policy({ podSelector: {} }, 'deny-ingress')], evidence: 'none denies ingress by default' },
  {
    check: 'network-pod-unselected',
    fail: [policy({ podSelector: { matchLabels: { app: 'db' } } }), deployment()],
    pass: [policy({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'web'] }] } }), deployment()],
    evidence: 'labels app=web',
  },
  // workload hygiene and availability (the controls Polaris and kube-score have besides the PSS)
  { check: 'read-only-root-fs', fail: [deployment({ containerSc: { readOnlyRootFilesystem: false } })], pass: [deployment()], evidence: 'readOnlyRootFilesystem: false on app' },
  { check: 'probe-liveness-missing', fail: [deployment({ container: { livenessProbe: undefined } })], pass: [deployment({ container: { readinessProbe: undefined } }), job({ livenessProbe: undefined })], evidence: 'no livenessProbe on container app' },
  { check: 'probe-readiness-missing', fail: [deployment({ container: { readinessProbe: undefined } })], pass: [deployment({ container: { livenessProbe: undefined } }), job({ readinessProbe: undefined })], evidence: 'no readinessProbe on container app' },
  { check: 'image-pull-policy', fail: [deployment({ container: { image: 'ghcr.io/acme/app:latest', imagePullPolicy: 'IfNotPresent' } })], pass: [deployment()], evidence: 'app: ghcr.io/acme/app:latest imagePullPolicy IfNotPresent' },
  { check: 'priority-class-missing', fail: [deployment({ pod: { priorityClassName: undefined } })], pass: [deployment()], evidence: 'no priorityClassName' },
  {
    check: 'service-account-token-automount',
    fail: [deployment({ pod: { serviceAccountName: 'default' } })],
    pass: [deployment({ pod: { serviceAccountName: undefined } }), { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' }, automountServiceAccountToken: false }],
    evidence: 'default ServiceAccount with its API token mounted',
  },
  { check: 'workload-single-replica', fail: [deployment({ spec: { replicas: 1 } })], pass: [deployment()], evidence: 'replicas: 1' },
  { check: 'workload-pdb-missing', fail: [ns('shop'), DENY, deployment()], pass: [ns('shop'), DENY, pdb({ maxUnavailable: 1 }), deployment()], evidence: '3 replicas and no PodDisruptionBudget in shop selects its pods (labels app=web)' },
  {
    check: 'workload-spread-missing',
    fail: [deployment({ pod: { topologySpreadConstraints: undefined } })],
    pass: [deployment({ pod: { topologySpreadConstraints: undefined, affinity: { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } }] } } } })],
    evidence: 'neither topologySpreadConstraints nor podAntiAffinity',
  },
  {
    check: 'ingress-tls-missing',
    fail: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { rules: [{ host: 'shop.example.com' }] } }],
    pass: [{ apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'web', namespace: 'shop' }, spec: { tls: [{ hosts: ['shop.example.com'], secretName: 'web-tls' }], rules: [{ host: 'shop.example.com' }] } }],
    evidence: 'shop.example.com served over plain HTTP',
  },
  // Polaris wants the label equal to metadata.name; we ask only that it exists (it names the application).
  { check: 'label-app-name-missing', fail: [{ ...deployment(), metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } } }], pass: [{ ...deployment(), metadata: { name: 'web-v2', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'web' } } }], evidence: 'no app.kubernetes.io/name label (labels: app)' },
  { check: 'pdb-no-disruptions', fail: [pdb({ maxUnavailable: 0 })], pass: [pdb({ maxUnavailable: 1 }), pdb({ minAvailable: '50%' })], evidence: 'maxUnavailable: 0' },
];

describe('security controls: one failing and one passing manifest each', () => {
  it('the hardened deployment has no findings at all', () => {
    expect(scan([deployment()], { allowedRegistries: ['ghcr.io'] })).toEqual([]);
  });

  for (const c of CONTROLS) {
    it(c.check, () => {
      const f = only(c.fail, c.check, c.options);
      expect(f.evidence).toContain(c.evidence);
      expect(f.fix.length).toBeGreaterThan(20);
      if (c.level) {
        expect(f.pss).toBe(c.level);
        expect(f.check.startsWith(`pss-${c.level}-`)).toBe(true);
        // The remediation is YAML a person can paste.
        expect(() => parse(f.remediation ?? '') as unknown).not.toThrow();
        expect(f.remediation).toMatch(/\w+:/);
      }
      // Every hygiene and availability control carries a snippet too.
      if (!c.level && HYGIENE.includes(c.check)) expect(() => parse(f.remediation ?? '') as unknown, f.remediation).not.toThrow();
      expect(checksOf(c.pass, c.options)).not.toContain(c.check);
    });
  }

  it('every PSS control of both levels has a check', () => {
    const pss = CONTROLS.filter((c) => c.level).map((c) => c.check);
    expect(pss.filter((c) => c.startsWith('pss-baseline-'))).toHaveLength(11);
    expect(pss.filter((c) => c.startsWith('pss-restricted-'))).toHaveLength(6);
  });

  it('never shows a secret value', () => {
    const all = CONTROLS.flatMap((c) => scan(c.fail, c.options));
    const text = JSON.stringify(all);
    for (const value of ['tok-value-1', 'tok-value-2', 'tok-value-3', 'ghp_abcdefghij']) expect(text).not.toContain(value);
  });

  it('severities: privileged and HostProcess critical, unset escalation medium but true high', () => {
    expect(only(CONTROLS[0]!.fail, 'pss-baseline-host-process').severity).toBe('critical');
    expect(only([deployment({ containerSc: { privileged: true } })], 'pss-baseline-privileged').severity).toBe('critical');
    expect(only([deployment({ containerSc: { allowPrivilegeEscalation: undefined } })], 'pss-restricted-privilege-escalation').severity).toBe('medium');
    expect(only([deployment({ containerSc: { allowPrivilegeEscalation: true } })], 'pss-restricted-privilege-escalation').severity).toBe('high');
    expect(only([binding([{ kind: 'ServiceAccount', name: 'default' }], 'cluster-admin')], 'rbac-default-service-account').severity).toBe('critical');
  });

  it('the registry check is off without an allow-list', () => {
    expect(checksOf([deployment({ container: { image: `nginx:1.27${DIGEST}` } })])).not.toContain('image-registry');
    expect(imageRegistry('nginx')).toBe('docker.io');
    expect(imageRegistry('library/nginx:1')).toBe('docker.io');
    expect(imageRegistry('registry.example.com:5000/a/b:1')).toBe('registry.example.com:5000');
    expect(imageRegistry('localhost/a')).toBe('localhost');
  });

  it('odd objects (nulls, wrong types) never throw', () => {
    const odd = [
      { kind: 'Deployment', metadata: null, spec: { template: { metadata: { annotations: null }, spec: { containers: null, volumes: [null, { name: 'x' }], securityContext: { sysctls: [null] } } } } },
      { kind: 'ConfigMap', metadata: { name: 'c' }, data: null },
      { kind: 'Role', metadata: { name: 'r' }, rules: [null, { verbs: null }] },
      { kind: 'RoleBinding', metadata: { name: 'b' }, subjects: null },
      { kind: 'NetworkPolicy', metadata: { name: 'n', namespace: 'x' }, spec: null },
      { kind: 'Pod', metadata: { annotations: { a: null } }, spec: { containers: [{ ports: [null], securityContext: { capabilities: { add: null } } }] } },
    ];
    expect(() => scan(odd as Obj[])).not.toThrow();
  });
});

describe('workload hygiene and availability: semantics', () => {
  it('pull policy: Polaris semantics (anything but Always fails), severity by what the effective policy risks', () => {
    const sev = (container: Obj) => only([deployment({ container })], 'image-pull-policy').severity;
    expect(sev({ image: 'ghcr.io/acme/app:latest', imagePullPolicy: 'IfNotPresent' })).toBe('medium');
    expect(sev({ image: 'ghcr.io/acme/app', imagePullPolicy: 'Never' })).toBe('medium');
    expect(sev({ image: 'ghcr.io/acme/app:1.2.3', imagePullPolicy: undefined })).toBe('low');
    // Unset with :latest defaults to Always: Polaris still flags it, we say so at info.
    const latestUnset = only([deployment({ container: { image: 'ghcr.io/acme/app:latest', imagePullPolicy: undefined } })], 'image-pull-policy');
    expect(latestUnset.severity).toBe('info');
    expect(latestUnset.evidence).toContain('unset (defaults to Always)');
  });

  it('a missing PDB is judged only where the set declares the namespace or writes PDBs for it', () => {
    expect(checksOf([deployment()])).not.toContain('workload-pdb-missing');
    expect(checksOf([pdb({ maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } }), deployment()])).toContain('workload-pdb-missing');
    const other = { ...pdb({ maxUnavailable: 1 }), metadata: { name: 'web', namespace: 'elsewhere' } };
    expect(checksOf([other, deployment()])).not.toContain('workload-pdb-missing');
    // A single replica needs no PDB; a StatefulSet is judged like a Deployment (but never "single replica").
    expect(checksOf([ns('shop'), DENY, deployment({ spec: { replicas: 1 } })])).not.toContain('workload-pdb-missing');
    const sts = { ...deployment({ spec: { replicas: 1 } }), kind: 'StatefulSet' };
    expect(checksOf([sts])).not.toContain('workload-single-replica');
  });

  it('an autoscaler decides the replicas: minReplicas 1 is a single replica, 2 is not', () => {
    const hpa = (minReplicas: number) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'web', namespace: 'shop' }, spec: { minReplicas, maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } });
    expect(only([hpa(1), deployment()], 'workload-single-replica').evidence).toContain('HorizontalPodAutoscaler web allows 1 replica');
    expect(checksOf([hpa(2), deployment({ spec: { replicas: 1 } })])).not.toContain('workload-single-replica');
  });

  it('the token check follows the pod: its own automountServiceAccountToken: false, or its own ServiceAccount', () => {
    expect(checksOf([deployment({ pod: { serviceAccountName: undefined, automountServiceAccountToken: false } })])).not.toContain('service-account-token-automount');
    expect(checksOf([deployment({ pod: { serviceAccountName: undefined, automountServiceAccountToken: true } })])).toContain('service-account-token-automount');
    expect(checksOf([deployment({ pod: { serviceAccountName: undefined } })])).toContain('service-account-token-automount');
  });
});

describe('namespace scores', () => {
  it('100 − 25·critical − 10·high − 4·medium − 1·low, floored at 0, lowest first', () => {
    const f = (severity: Finding['severity'], namespace?: string, kind = 'Deployment'): Finding => ({ severity, check: 'x', object: { kind, name: 'n', ...(namespace ? { namespace } : {}) }, evidence: '', fix: '' });
    const scores = namespaceScores([f('critical', 'a'), f('high', 'a'), f('medium', 'a'), f('low', 'a'), f('info', 'a'), ...Array.from({ length: 5 }, () => f('critical', 'b')), f('high', undefined, 'ClusterRole'), f('medium', undefined, 'Namespace')], ['clean']);
    expect(scores.map((s) => [s.namespace, s.score])).toEqual([
      ['b', 0],
      ['a', 60],
      ['(cluster)', 90],
      ['n', 96],
      ['clean', 100],
    ]);
    expect(scores.find((s) => s.namespace === 'a')?.counts).toEqual({ critical: 1, high: 1, medium: 1, low: 1, info: 1 });
    expect(renderScores(scores).split('\n')[0]).toMatch(/^NAMESPACE\s+SCORE\s+CRITICAL\s+HIGH\s+MEDIUM\s+LOW\s+INFO$/);
  });
});
