import { describe, expect, it } from 'vitest';
import { scanObjects } from '../../agents/security/scan.js';
import { FAMILIES, type Family, generateManifests } from '../../bench/security-manifests.js';

const keyOf = (o: Record<string, unknown>) => {
  const meta = o.metadata as { name: string; namespace?: string };
  return `${String(o.kind)}/${meta.namespace ?? ''}/${meta.name}`;
};

/** Our checks whose flagged objects must be exactly the objects generated bad in that family. */
const EXACT: [Family, RegExp, string?][] = [
  ['privileged', /^pss-baseline-privileged$/],
  ['host-namespaces', /^pss-baseline-host-namespaces$/],
  ['host-path', /^pss-baseline-host-path$/],
  ['host-ports', /^pss-baseline-host-ports$/],
  ['capabilities', /^pss-(baseline|restricted)-capabilities$/],
  ['run-as-non-root', /^pss-restricted-run-as-(non-root|user)$/],
  ['privilege-escalation', /^pss-restricted-privilege-escalation$/],
  ['seccomp', /^pss-(baseline|restricted)-seccomp$/],
  ['image-tag', /^image-tag$/],
  ['secret-in-env', /^secret-env-literal$/],
  ['rbac', /^rbac-/],
  ['read-only-root-fs', /^read-only-root-fs$/],
  ['probes', /^probe-(liveness|readiness)-missing$/],
  ['pull-policy', /^image-pull-policy$/],
  ['service-account-token', /^service-account-token-automount$/],
  // A StatefulSet of one is made bad too, but like Polaris and kube-score we flag single replicas of Deployments only.
  ['replicas', /^workload-single-replica$/, 'Deployment'],
];

describe('bench/security manifests', () => {
  it('is deterministic: the same seed gives the same manifests, another seed others', () => {
    expect(generateManifests(300, 7)).toEqual(generateManifests(300, 7));
    expect(JSON.stringify(generateManifests(300, 7))).not.toBe(JSON.stringify(generateManifests(300, 8)));
  });

  it('makes exactly `count` objects with unique names, and refuses a count too small to hold the namespaces', () => {
    const g = generateManifests();
    expect(g).toHaveLength(1000);
    expect(new Set(g.map((x) => keyOf(x.object))).size).toBe(1000);
    const kinds = new Set(g.map((x) => x.object.kind));
    for (const k of ['Namespace', 'NetworkPolicy', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'Pod', 'Service', 'Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding']) expect(kinds).toContain(k);
    expect(() => generateManifests(5)).toThrow(/count must be an integer ≥ 20/);
  });

  it('covers every control family at least once bad and once good', () => {
    const g = generateManifests();
    for (const f of FAMILIES) {
      expect(g.some((x) => x.bad.includes(f)), `${f} bad`).toBe(true);
      expect(g.some((x) => x.good.includes(f)), `${f} good`).toBe(true);
    }
    for (const x of g) expect(x.bad.filter((f) => x.good.includes(f))).toEqual([]);
  });

  it('puts the bad settings where the truth says: our scanner flags exactly the objects made bad', () => {
    const g = generateManifests();
    const findings = scanObjects(g.map((x) => x.object));
    for (const [family, check, kind] of EXACT) {
      const flagged = new Set(findings.filter((f) => check.test(f.check)).map((f) => `${f.object.kind}/${f.object.namespace ?? ''}/${f.object.name}`));
      const bad = new Set(g.filter((x) => x.bad.includes(family) && (!kind || x.object.kind === kind)).map((x) => keyOf(x.object)));
      expect([...flagged].sort(), family).toEqual([...bad].sort());
    }
  });

  it('gives the availability checks both sides: covered and uncovered, spread and not, and a PDB that blocks drains', () => {
    const findings = scanObjects(generateManifests().map((x) => x.object));
    const count = (check: string) => findings.filter((f) => f.check === check).length;
    const replicated = generateManifests().filter((x) => ['Deployment', 'StatefulSet'].includes(String(x.object.kind)) && (x.object.spec as { replicas: number }).replicas > 1);
    expect(count('workload-pdb-missing')).toBeGreaterThan(0);
    expect(count('workload-pdb-missing')).toBeLessThan(replicated.length);
    expect(count('workload-spread-missing')).toBeGreaterThan(0);
    expect(count('workload-spread-missing')).toBeLessThan(replicated.length);
    expect(findings.filter((f) => f.check === 'pdb-no-disruptions').map((f) => f.object)).toEqual([{ kind: 'PodDisruptionBudget', name: 'web', namespace: 'bench-3' }]);
  });

  it('writes no real secret: credential-named env vars carry a placeholder or a secretKeyRef', () => {
    const text = JSON.stringify(generateManifests().map((x) => x.object));
    expect(text.match(/"DB_PASSWORD","value":"([^"]*)"/g)?.every((m) => m.includes('not-a-real-password'))).toBe(true);
  });
});
