import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { defaultPolicy } from '../../shared/policy/default.js';
import { parsePolicyText, policyDocument } from '../../shared/policy/schema.js';
import { policyWarnings } from '../../shared/policy/warnings.js';
import { toYaml } from '../../shared/yaml.js';
import { testConfig } from '../helpers/mcp.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'guardian-policy.yaml');
const header = 'apiVersion: k8s-experts.io/v1\nkind: GuardianPolicy\nrules:\n';
const errorsOf = (text: string) => {
  const r = parsePolicyText(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
};

describe('the policy file', () => {
  it('examples/guardian-policy.yaml is the built-in default (for the default config)', () => {
    const config = testConfig({});
    const parsed = parsePolicyText(readFileSync(EXAMPLE, 'utf8'));
    expect(parsed).toEqual({ ok: true, policy: defaultPolicy({ protectedNamespaces: config.mcp.protectedNamespaces, crewNamespace: config.guardian.crewNamespace }) });
    expect(policyWarnings(defaultPolicy(), { crewNamespace: 'k8s-experts' })).toEqual([]);
  });

  it('the default round-trips through YAML (what `policy show` prints parses back)', () => {
    const policy = defaultPolicy({ protectedNamespaces: ['data'], crewNamespace: 'crew' });
    expect(parsePolicyText(toYaml(policyDocument(policy)))).toEqual({ ok: true, policy });
  });

  it('an unknown rule type names the rule, the line and the known types', () => {
    const errors = errorsOf(`${header}  - id: ok\n    type: scale-to-zero\n    effect: deny\n    description: x\n  - id: odd\n    type: frobnicate\n    effect: deny\n    description: x\n`);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^line 9: rules\[1\] \(id "odd"\): unknown rule type "frobnicate": expected one of protected-namespace, forbidden-delete, .*time-window, match$/);
  });

  it('a duplicate id names both rules', () => {
    const rule = '  - id: same\n    type: unknown-write\n    effect: require-approval\n    description: x\n';
    expect(errorsOf(header + rule + rule)).toEqual(['line 8: rules[1] (id "same"): field id: duplicate id "same" (rules[0] has it too): give each rule its own id']);
  });

  it('a bad time zone and a bad time name the field', () => {
    const rule = (timezone: string, from: string) => stringify({ apiVersion: 'k8s-experts.io/v1', kind: 'GuardianPolicy', rules: [{ id: 'after-hours', type: 'time-window', effect: 'require-approval', timezone, when: 'outside', windows: [{ days: ['mon'], from, to: '17:00' }], description: 'x' }] });
    expect(errorsOf(rule('Mars/Olympus', '09:00'))).toEqual([expect.stringMatching(/^line \d+: rules\[0\] \(id "after-hours"\): field timezone: unknown time zone "Mars\/Olympus": expected an IANA name such as Europe\/Berlin/)]);
    expect(errorsOf(rule('UTC', '9am'))).toEqual([expect.stringMatching(/^line \d+: rules\[0\] \(id "after-hours"\): field windows\[0\]\.from: expected a time "HH:MM" from 00:00 to 24:00, such as "09:00"$/)]);
    expect(errorsOf(rule('UTC', '18:00'))[0]).toContain('field windows[0].to: must be after from; for a window across midnight write two windows');
    const dates = stringify({ apiVersion: 'k8s-experts.io/v1', kind: 'GuardianPolicy', rules: [{ id: 'freeze', type: 'time-window', effect: 'deny', timezone: 'UTC', when: 'inside', dates: { from: '2026-02-30', to: '2026-03-01' }, description: 'x' }] });
    expect(errorsOf(dates)[0]).toContain('rules[0] (id "freeze"): field dates.from: not a calendar date');
  });

  it('unknown fields are errors that list the fields the rule type has', () => {
    const errors = errorsOf(`${header}  - id: secrets\n    type: match\n    effect: require-approval\n    kind: [Secret]\n    description: x\n`);
    expect(errors).toEqual(['line 7: rules[0] (id "secrets"): unknown field "kind"; a match rule has: id, effect, description, type, verbs, kinds, namespaces, names']);
    expect(errorsOf(`${header}  []\nextra: 1\n`)[0]).toBe('line 5: unknown field "extra": a policy has apiVersion, kind and rules');
  });

  it('other mistakes: envelope, effect, verbs, selectors, empty files, YAML syntax', () => {
    expect(errorsOf('apiVersion: v1\nkind: GuardianPolicy\nrules: []\n')).toEqual(['line 1: field apiVersion: expected apiVersion: k8s-experts.io/v1']);
    expect(errorsOf(`${header}  - id: x\n    type: verb\n    effect: allow\n    verbs: [delet]\n    description: x\n`)).toEqual([
      'line 6: rules[0] (id "x"): field effect: expected deny or require-approval',
      expect.stringMatching(/^line 7: rules\[0\] \(id "x"\): field verbs\[0\]: expected a write verb: create, apply, .* \(reads are never judged\)$/),
    ]);
    expect(errorsOf(`${header}  - id: p\n    type: privileged-pod\n    effect: deny\n    namespaceLabels: { matchExpressions: [{ key: a, operator: In }] }\n    description: x\n`)).toEqual([expect.stringContaining('rules[0] (id "p"): field namespaceLabels.matchExpressions[0].values: In needs a list of values')]);
    expect(errorsOf(`${header}  - type: scale-to-zero\n    effect: deny\n    description: x\n`)).toEqual(['line 4: rules[0]: field id: expected an id such as "no-deletes"']);
    expect(errorsOf('')[0]).toContain('got an empty file');
    expect(errorsOf('rules: [\n')[0]).toMatch(/^line \d+: not valid YAML/);
  });

  it('an empty rule list is valid but warned about', () => {
    const r = parsePolicyText(`${header}  []\n`);
    expect(r).toEqual({ ok: true, policy: { rules: [] } });
    expect(policyWarnings({ rules: [] })).toEqual(['the policy has no rules: every action is allowed']);
    const noCrew = defaultPolicy({ crewNamespace: 'crew' });
    expect(policyWarnings(noCrew, { crewNamespace: 'other' })).toEqual([expect.stringContaining('namespace other is not protected')]);
  });
});
