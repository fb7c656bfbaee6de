import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerPolicyCommands } from '../../cli/commands/policy.js';
import { UserError } from '../../shared/errors.js';
import { defaultPolicy } from '../../shared/policy/default.js';
import { parsePolicyText } from '../../shared/policy/schema.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'guardian-policy.yaml');

/** Runs `k8s-experts policy …` in process (the global --config option as main.ts has it); returns what it printed. */
async function policyCli(args: string[]): Promise<string> {
  const program = new Command('k8s-experts').option('-c, --config <file>').exitOverride();
  registerPolicyCommands(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await program.parseAsync(['node', 'k8s-experts', ...args]);
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe('k8s-experts policy', () => {
  it('check <file>: the rules as a table, valid', async () => {
    const out = await policyCli(['policy', 'check', EXAMPLE]);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^#\s+ID\s+TYPE\s+EFFECT\s+SCOPE$/);
    expect(lines[1]).toMatch(/^0\s+protected-namespace\s+protected-namespace\s+deny\s+kube-system,kube-public,kube-node-lease,k8s-experts$/);
    expect(out).toMatch(/privileged-pod\s+privileged-pod\s+deny\s+kube-system,.*\+ pod-security\.kubernetes\.io\/enforce in \(baseline,restricted\)/);
    expect(out).toContain(`${EXAMPLE}: valid, 15 rules (sha256 `);
    expect(out).not.toContain('warning:');
  });

  it('check <file>: every problem, as a UserError (exit 1)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'k8sx-policy-cli-')), 'bad.yaml');
    writeFileSync(file, 'apiVersion: k8s-experts.io/v1\nkind: GuardianPolicy\nrules:\n  - id: a\n    type: nope\n    effect: deny\n    description: x\n  - id: b\n    type: time-window\n    effect: deny\n    timezone: Nowhere/City\n    when: inside\n    dates: { from: "2026-12-20", to: "2026-12-31" }\n    description: x\n');
    const error = await policyCli(['policy', 'check', file]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`${file} has 2 problems:\n  - line 5: rules[0] (id "a"): unknown rule type "nope": expected one of protected-namespace, forbidden-delete, cluster-role-binding, privileged-pod, verb, scale-to-zero, replica-change, object-count, namespace-labels, unknown-write, rbac-escalation, time-window, match\n  - line 11: rules[1] (id "b"): field timezone: unknown time zone "Nowhere/City": expected an IANA name such as Europe/Berlin, America/New_York or UTC`);
    expect((error as UserError).exitCode).toBe(1);
    await expect(policyCli(['policy', 'check', `${file}.missing`])).rejects.toThrow(`guardian policy file ${file}.missing does not exist`);
  });

  it('check <file>: a valid but unsafe policy gets warnings', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'k8sx-policy-cli-')), 'thin.yaml');
    writeFileSync(file, 'apiVersion: k8s-experts.io/v1\nkind: GuardianPolicy\nrules:\n  - id: freeze\n    type: time-window\n    effect: deny\n    timezone: UTC\n    when: inside\n    dates: { from: "2026-12-20", to: "2026-12-31" }\n    description: Freeze\n');
    const out = await policyCli(['policy', 'check', file]);
    expect(out).toMatch(/0\s+freeze\s+time-window\s+deny\s+inside from 2026-12-20 to 2026-12-31 UTC/);
    expect(out).toContain('warning: namespace kube-system is not protected');
    expect(out).toContain('warning: no unknown-write rule');
  });

  it('show: the built-in default, or the configured file, as YAML that parses back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sx-policy-cli-'));
    const config = join(dir, 'k8s-experts.yaml');
    writeFileSync(config, 'guardian:\n  crewNamespace: crew\n');
    const builtIn = await policyCli(['--config', config, 'policy', 'show']);
    expect(builtIn.split('\n')[0]).toMatch(/^# The built-in default policy/);
    expect(parsePolicyText(builtIn)).toEqual({ ok: true, policy: defaultPolicy({ crewNamespace: 'crew' }) });

    const own = join(dir, 'policy.yaml');
    writeFileSync(own, 'apiVersion: k8s-experts.io/v1\nkind: GuardianPolicy\nrules:\n  - {id: no-deletes, type: verb, effect: deny, verbs: [delete], description: No deletes}\n');
    writeFileSync(config, `guardian:\n  policyFile: ${own}\n`);
    const shown = await policyCli(['--config', config, 'policy', 'show']);
    expect(shown.split('\n')[0]).toMatch(new RegExp(`^# ${own} \\(sha256 [0-9a-f]{64}\\)$`));
    expect(parsePolicyText(shown)).toEqual({ ok: true, policy: { rules: [{ id: 'no-deletes', type: 'verb', effect: 'deny', verbs: ['delete'], description: 'No deletes' }] } });
  });
});
