import { describe, expect, it } from 'vitest';
import { namespaceIn } from '../../agents/security/handler.js';
import { manifestsFromData, parseManifests, reviewObjects, yamlFromText } from '../../agents/security/manifest.js';
import { pickSkill, SECURITY_SKILLS } from '../../agents/security/skills.js';
import { loadCardSpec } from '../../shared/a2a/card.js';

const DEPLOY = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx:latest\n';

describe('security skill choice', () => {
  it('implements exactly the skills of cards/security.json', () => {
    expect([...SECURITY_SKILLS]).toEqual(loadCardSpec('security').skills.map((s) => s.id));
  });

  it('a data part { skill } wins over the text', () => {
    expect(pickSkill('Give me a security report', [{ skill: 'review-manifest' }])).toBe('review-manifest');
    expect(pickSkill(DEPLOY, [{ skill: 'posture-report' }])).toBe('posture-report');
    // Not one of ours: ignored.
    expect(pickSkill('Give me a security report', [{ skill: 'metrics-query' }, null, 'x'])).toBe('posture-report');
  });

  it('YAML or a manifest data part means a review; security words a report; else none', () => {
    expect(pickSkill(`Is this ok?\n${DEPLOY}`, [])).toBe('review-manifest');
    expect(pickSkill('check', [{ manifest: DEPLOY }])).toBe('review-manifest');
    expect(pickSkill('Review this deployment for security issues', [])).toBe('review-manifest');
    for (const q of ['How secure is the payments namespace?', 'Give me a security report of the cluster', 'Which workloads run as root?', 'Who has cluster-admin?', 'Which namespaces have no network policy?', 'Which deployments have no PodDisruptionBudget?', 'Which containers have no read-only root filesystem?', 'Which pods automount the token?']) {
      expect(pickSkill(q, []), q).toBe('posture-report');
    }
    expect(pickSkill('What is the weather in Paris?', [])).toBeUndefined();
    expect(pickSkill('', [])).toBeUndefined();
  });

  it('names a namespace only as a whole word', () => {
    expect(namespaceIn('How secure is the payments namespace?', ['payments', 'shop'])).toBe('payments');
    expect(namespaceIn('report on payments-api', ['payments', 'shop'])).toBeUndefined();
    expect(namespaceIn('report on the cluster', ['payments'])).toBeUndefined();
  });
});

describe('manifests', () => {
  it('finds YAML in a fenced block or after the prose', () => {
    expect(yamlFromText('Review:\n```yaml\n' + DEPLOY + '```\nthanks')).toBe(DEPLOY);
    expect(yamlFromText(`Please review\n${DEPLOY}`)).toBe(DEPLOY.trimEnd() + '\n');
    expect(yamlFromText('no yaml here')).toBeUndefined();
    expect(yamlFromText('apiVersion: v1 but nothing else')).toBeUndefined();
  });

  it('parses several documents and Lists; reports bad YAML instead of throwing', () => {
    const p = parseManifests(`${DEPLOY}---\napiVersion: v1\nkind: List\nitems:\n  - kind: Pod\n    metadata: { name: p }\n    spec: { containers: [] }\n---\n`);
    expect(p.objects.map((o) => o.kind)).toEqual(['Deployment', 'Pod']);
    const bad = parseManifests('kind: Pod\n  spec: [unclosed');
    expect(bad.objects).toEqual([]);
    expect(bad.errors.length).toBe(1);
    expect(manifestsFromData([{ object: { kind: 'Pod', metadata: { name: 'x' } } }, { manifests: [{ kind: 'Service' }] }, 5, null]).objects.map((o) => o.kind)).toEqual(['Pod', 'Service']);
  });

  it('reviews pods, bindings and roles in a manifest', () => {
    const objects = [
      ...parseManifests(DEPLOY).objects,
      { kind: 'ClusterRoleBinding', metadata: { name: 'oops' }, roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'bob' }] },
      { kind: 'Role', metadata: { name: 'r', namespace: 'x' }, rules: [{ verbs: ['*'], resources: ['pods'], apiGroups: [''] }] },
      { kind: 'ConfigMap', metadata: { name: 'c' } },
    ];
    const checks = reviewObjects(objects).map((f) => `${f.check} ${f.object.name}`);
    expect(checks).toEqual(expect.arrayContaining(['image-tag web', 'rbac-cluster-admin oops', 'rbac-wildcard r']));
    expect(checks.some((c) => c.endsWith(' c'))).toBe(false);
  });
});
