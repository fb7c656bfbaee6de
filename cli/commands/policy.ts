import { resolve } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../shared/errors.js';
import { DEFAULT_CREW_NAMESPACE } from '../../shared/policy/default.js';
import { parsePolicyText, policyDocument, type Rule } from '../../shared/policy/schema.js';
import { selectorText } from '../../shared/policy/selector.js';
import { builtInPolicy, policyVersion, readPolicyBytes, readPolicyFile } from '../../shared/policy/source.js';
import { periodText } from '../../shared/policy/time-window.js';
import { policyWarnings } from '../../shared/policy/warnings.js';
import { renderTable } from '../../shared/table.js';
import { toYaml } from '../../shared/yaml.js';
import { configFromCommand } from '../options.js';

/** What a rule looks at, in one short cell. */
export function ruleScope(rule: Rule): string {
  const filters = (parts: Array<[string, readonly string[] | undefined]>) => parts.filter(([, v]) => v?.length).map(([k, v]) => `${k}=${v!.join(',')}`).join(' ');
  let scope: string;
  switch (rule.type) {
    case 'protected-namespace': scope = rule.namespaces.join(','); break;
    case 'forbidden-delete': scope = `delete ${rule.kinds.join(',')}`; break;
    case 'cluster-role-binding': scope = `bind ${rule.roles.join(',')}`; break;
    case 'privileged-pod': scope = [rule.namespaces?.join(','), rule.namespaceLabels ? selectorText(rule.namespaceLabels) : undefined].filter(Boolean).join(' + ') || 'everywhere'; break;
    case 'verb': scope = rule.verbs.join(','); break;
    case 'scale-to-zero': scope = 'scale to 0'; break;
    case 'replica-change': scope = [rule.maxChangeRatio !== undefined ? `change > ${Math.round(rule.maxChangeRatio * 100)}%` : '', rule.maxReplicas !== undefined ? `replicas > ${rule.maxReplicas}` : ''].filter(Boolean).join(', '); break;
    case 'object-count': scope = `> ${rule.max} objects`; break;
    case 'namespace-labels': scope = Object.entries(rule.labels).map(([k, v]) => `${k}=${v}`).join(','); break;
    case 'unknown-write': scope = 'verbs the policy does not know'; break;
    case 'rbac-escalation': scope = rule.checks.join(','); break;
    case 'time-window': scope = `${rule.when} ${periodText(rule)} ${rule.timezone} ${filters([['verbs', rule.verbs], ['namespaces', rule.namespaces]])}`.trim(); break;
    case 'match': scope = filters([['verbs', rule.verbs], ['kinds', rule.kinds], ['namespaces', rule.namespaces], ['names', rule.names]]) || 'every write'; break;
  }
  return scope;
}

/** The crew namespace for warnings; a broken config must not stop a file check. */
function crewNamespaceOf(command: Command): string {
  try {
    return configFromCommand(command).guardian.crewNamespace;
  } catch {
    return DEFAULT_CREW_NAMESPACE;
  }
}

/** `k8s-experts policy check|show`: validate a guardian policy file, print the policy in force. */
export function registerPolicyCommands(program: Command): void {
  const policy = program.command('policy').description('the guardian\'s policy: check a file, show the policy in force');

  policy
    .command('check <file>')
    .description('validate a policy file: its rules as a table, or every problem with its line, rule and field')
    .action((file: string, _opts: unknown, command: Command) => {
      const path = resolve(file);
      const bytes = readPolicyBytes(path);
      const parsed = parsePolicyText(bytes.toString('utf8'));
      if (!parsed.ok) {
        throw new UserError(
          `${path} has ${parsed.errors.length} problem${parsed.errors.length === 1 ? '' : 's'}:\n  - ${parsed.errors.join('\n  - ')}`,
          'fix each named rule and field; examples/guardian-policy.yaml shows every rule type with its fields',
        );
      }
      const rules = parsed.policy.rules;
      if (rules.length) console.log(renderTable(['#', 'Id', 'Type', 'Effect', 'Scope'], rules.map((r, i) => [i, r.id, r.type, r.effect, ruleScope(r)])));
      console.log(`${rules.length ? '\n' : ''}${path}: valid, ${rules.length} rule${rules.length === 1 ? '' : 's'} (sha256 ${policyVersion(bytes)})`);
      for (const w of policyWarnings(parsed.policy, { crewNamespace: crewNamespaceOf(command) })) console.log(`warning: ${w}`);
    });

  policy
    .command('show')
    .description('print the policy the guardian judges by (guardian.policyFile, or the built-in default) as YAML')
    .action((_opts: unknown, command: Command) => {
      const config = configFromCommand(command);
      const loaded = config.guardian.policyFile ? readPolicyFile(config.guardian.policyFile) : builtInPolicy(config);
      console.log(`# ${loaded.file ? `${loaded.file} (sha256 ${loaded.version})` : 'The built-in default policy (no guardian.policyFile configured). Save it to a file to start your own.'}`);
      console.log(toYaml(policyDocument(loaded.policy)));
    });
}
