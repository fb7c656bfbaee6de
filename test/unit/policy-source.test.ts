import { mkdtempSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../shared/errors.js';
import { createLogger } from '../../shared/logger.js';
import { defaultPolicy, judge } from '../../shared/policy/judge.js';
import { BUILT_IN_VERSION, openPolicySource, type PolicySource } from '../../shared/policy/source.js';
import { testConfig } from '../helpers/mcp.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'guardian-policy.yaml');
const logger = createLogger({ level: 'silent' });
const dir = () => mkdtempSync(join(tmpdir(), 'k8sx-policy-'));
const policyFile = (rules: string) => `apiVersion: k8s-experts.io/v1\nkind: GuardianPolicy\nrules:\n${rules}`;
const NO_DELETES = '  - id: no-deletes\n    type: verb\n    effect: deny\n    verbs: [delete]\n    description: No deletes\n';
const SECRETS = '  - id: secrets\n    type: match\n    effect: require-approval\n    kinds: [Secret]\n    description: Secrets need approval\n';

/** Polls until `check` holds (the source polls the file every 20 ms here). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let source: PolicySource | undefined;
afterEach(() => source?.close());

describe('the policy source', () => {
  it('no file configured: the built-in default for this config', () => {
    source = openPolicySource(testConfig({ K8S_EXPERTS_CREW_NAMESPACE: 'crew', K8S_EXPERTS_MCP_PROTECTED_NAMESPACES: 'kube-system,data' }), logger);
    expect(source.current().policy).toEqual(defaultPolicy({ protectedNamespaces: ['kube-system', 'data'], crewNamespace: 'crew' }));
    expect(source.status()).toEqual({ loadedAt: expect.any(String) as unknown, version: BUILT_IN_VERSION });
  });

  it('a missing or invalid file at start: a UserError naming the file, rule and field', () => {
    const d = dir();
    const missing = join(d, 'nope.yaml');
    expect(() => openPolicySource(testConfig({ K8S_EXPERTS_POLICY_FILE: missing }), logger)).toThrow(`guardian policy file ${missing} does not exist`);
    const bad = join(d, 'bad.yaml');
    writeFileSync(bad, policyFile('  - id: x\n    type: verb\n    effect: deny\n    verbs: [remove]\n    description: x\n'));
    try {
      openPolicySource(testConfig({ K8S_EXPERTS_POLICY_FILE: bad }), logger);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).message).toMatch(new RegExp(`^guardian policy ${bad} is not valid: line 7: rules\\[0\\] \\(id "x"\\): field verbs\\[0\\]: expected a write verb`));
      expect((e as UserError).fix).toContain('k8s-experts policy check');
    }
  });

  it('hot reload: a valid edit applies, an invalid one keeps the last good policy and shows in status, a fix recovers', async () => {
    const d = dir();
    const file = join(d, 'policy.yaml');
    const logFile = join(d, 'agent.log');
    writeFileSync(file, policyFile(NO_DELETES));
    source = openPolicySource(testConfig({ K8S_EXPERTS_POLICY_FILE: file }), createLogger({ level: 'info', console: 'none', file: logFile }), { intervalMs: 20 });
    const first = source.status();
    expect(first).toMatchObject({ file, version: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
    const deleteSecret = { verb: 'delete', kind: 'Secret', name: 's', namespace: 'default' };
    expect(judge(deleteSecret, source.current().policy, { namespaceLabels: { default: {} } }).verdict).toBe('deny');

    // A valid edit (through a rename, as editors save): the new rules apply.
    writeFileSync(`${file}.tmp`, policyFile(SECRETS));
    renameSync(`${file}.tmp`, file);
    await until(() => source!.status().version !== first.version, 'the valid edit');
    const second = source.status();
    expect(second.lastError).toBeUndefined();
    expect(source.current().policy.rules.map((r) => r.id)).toEqual(['secrets']);
    expect(judge(deleteSecret, source.current().policy, { namespaceLabels: { default: {} } }).verdict).toBe('require-approval');

    // An invalid edit: the last good policy stays, status says why.
    writeFileSync(file, policyFile(`${SECRETS}${SECRETS}`));
    await until(() => source!.status().lastError !== undefined, 'the invalid edit');
    expect(source.status().lastError).toContain('duplicate id "secrets"');
    expect(source.status().version).toBe(second.version);
    expect(source.current().policy.rules.map((r) => r.id)).toEqual(['secrets']);
    const logged = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; error?: string });
    expect(logged.find((l) => l.level === 50)).toMatchObject({ msg: 'guardian policy edit not applied: keeping the last good policy', error: expect.stringContaining('duplicate id') as unknown });

    // Broken YAML, then the file vanishes for a moment: still the last good policy, and still watched.
    writeFileSync(file, 'rules: [');
    await until(() => /not valid YAML/.test(source!.status().lastError ?? ''), 'the broken YAML');
    unlinkSync(file);
    await until(() => /does not exist/.test(source!.status().lastError ?? ''), 'the removal');
    expect(source.current().policy.rules.map((r) => r.id)).toEqual(['secrets']);

    // A fix recovers.
    writeFileSync(file, policyFile(NO_DELETES + SECRETS));
    await until(() => source!.status().lastError === undefined, 'the fix');
    expect(source.current().policy.rules.map((r) => r.id)).toEqual(['no-deletes', 'secrets']);
    expect(source.status().version).not.toBe(second.version);
  });

  it('after close() edits are no longer read', async () => {
    const file = join(dir(), 'policy.yaml');
    writeFileSync(file, readFileSync(EXAMPLE));
    source = openPolicySource(testConfig({ K8S_EXPERTS_POLICY_FILE: file }), logger, { intervalMs: 20 });
    const version = source.status().version;
    source.close();
    writeFileSync(file, policyFile(NO_DELETES));
    await new Promise((r) => setTimeout(r, 200));
    expect(source.status().version).toBe(version);
  });
});
