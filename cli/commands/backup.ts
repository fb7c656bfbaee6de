import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { createBackup, readKeyFile } from '../../agents/admin/backup/create.js';
import { SECRETS_MODES, type SecretsMode } from '../../agents/admin/backup/layout.js';
import { loadBackup } from '../../agents/admin/backup/read.js';
import { restoreBackup } from '../../agents/admin/backup/restore.js';
import { AuditLog } from '../../shared/audit/log.js';
import type { Config } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';
import { ResourceCatalog } from '../../shared/kube-discovery.js';
import { checkConnection, createKubeClient, findKubeconfig, type KubeClient } from '../../shared/kube.js';
import { builtInPolicy, readPolicyFile } from '../../shared/policy/source.js';
import { renderTable } from '../../shared/table.js';
import { clusterPaths } from '../../tools/cluster/paths.js';
import { readClusterState } from '../../tools/cluster/state.js';
import { configFromCommand } from '../options.js';

const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The configured cluster, or the running demo cluster when none is configured. */
async function connect(config: Config): Promise<{ client: KubeClient; version: string }> {
  let kubernetes = config.kubernetes;
  if (!findKubeconfig(kubernetes.kubeconfig)) {
    const demo = readClusterState(clusterPaths());
    if (demo) kubernetes = { ...kubernetes, kubeconfig: demo.kubeconfig };
  }
  const client = createKubeClient(kubernetes);
  const version = await checkConnection(client);
  return { client, version: version.gitVersion };
}

function parseNamespaces(value: string | undefined, required: boolean): string[] {
  const list = (value ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  if (required && !list.length) throw new UserError('--namespace is required', 'name the namespaces to back up: --namespace shop or --namespace shop,payments');
  const bad = list.filter((n) => !NAMESPACE.test(n) || n.length > 63);
  if (bad.length) throw new UserError(`--namespace ${bad.join(', ')} is not a namespace name`, 'namespace names are lower-case letters, digits and "-"');
  return [...new Set(list)];
}

interface CreateCliOptions {
  namespace?: string;
  out?: string;
  secrets?: string;
  keyFile?: string;
  force?: boolean;
  stripNodePorts?: boolean;
  json?: boolean;
}

interface RestoreCliOptions {
  namespace?: string;
  keyFile?: string;
  apply?: boolean;
  json?: boolean;
}

/** `k8s-experts backup create|restore`: namespaces to a directory or tarball, and back with a dry run first. */
export function registerBackupCommands(program: Command): void {
  const backup = program.command('backup').description('back up namespaces (Secrets encrypted or left out) and restore them, dry run first');

  backup
    .command('create')
    .description('export every object users own in the chosen namespaces, without what the cluster generates')
    .option('--namespace <list>', 'namespaces to back up, comma-separated')
    .option('--out <path>', 'a new directory, or a file ending in .tar.gz')
    .option('--secrets <mode>', `what to do with Secrets: ${SECRETS_MODES.join(' or ')} (default: encrypt when --key-file is given)`)
    .option('--key-file <file>', 'encrypt Secret data with a key derived from this file (scrypt + AES-256-GCM)')
    .option('--strip-node-ports', 'also drop Service nodePorts (so the restore gets new ones)')
    .option('--force', 'replace an existing --out')
    .option('--json', 'print the manifest as JSON')
    .action(async (opts: CreateCliOptions, command: Command) => {
      const namespaces = parseNamespaces(opts.namespace, true);
      if (!opts.out) throw new UserError('--out is required', 'pass a new directory (--out ./backup) or a file (--out backup.tar.gz)');
      if (opts.secrets !== undefined && !(SECRETS_MODES as readonly string[]).includes(opts.secrets)) throw new UserError(`--secrets must be ${SECRETS_MODES.join(' or ')}, got "${opts.secrets}"`);
      if (opts.secrets === 'exclude' && opts.keyFile) throw new UserError('--secrets exclude and --key-file contradict each other', 'leave out --key-file to exclude Secrets, or --secrets exclude to encrypt them');
      const secrets: SecretsMode = (opts.secrets as SecretsMode | undefined) ?? 'encrypt';
      const { client, version } = await connect(configFromCommand(command));
      const catalog = await ResourceCatalog.load(client);
      const result = await createBackup(client, catalog, version, { namespaces, out: opts.out, secrets, keyFile: opts.keyFile, force: opts.force ?? false, stripNodePorts: opts.stripNodePorts ?? false });
      const m = result.manifest;
      if (opts.json) {
        console.log(JSON.stringify({ out: result.out, format: result.format, ...m }, null, 2));
        return;
      }
      console.log(renderTable(['Kind', 'Objects'], Object.entries(m.counts).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => [k, n])));
      const skipped = Object.entries(m.skipped).map(([k, n]) => `${n} ${k}`).join(', ');
      console.log(`\nBacked up ${m.files.length} objects of ${m.namespaces.join(', ')} from ${m.server} (Kubernetes ${m.kubernetesVersion}) to ${result.out}${result.format === 'tar.gz' ? '' : '/'}.`);
      console.log(m.secrets === 'encrypt' ? `Secrets: ${m.counts.Secret ?? 0} encrypted (AES-256-GCM, scrypt key from ${opts.keyFile}); keep the key apart from the backup.` : `Secrets: left out (${m.excluded.map((e) => `${e.namespace}/${e.name}`).join(', ') || 'none'}).`);
      if (skipped) console.log(`Left out (the cluster recreates them): ${skipped}.`);
      for (const w of m.warnings) console.log(`warning: ${w}`);
    });

  backup
    .command('restore')
    .description('dry-run every object of a backup on the server; with --apply, apply them in dependency order')
    .argument('<backup>', 'the directory or .tar.gz written by backup create')
    .option('--namespace <list>', 'only these namespaces of the backup')
    .option('--key-file <file>', 'the key the backup\'s Secrets were encrypted with')
    .option('--apply', 'after a clean dry run, apply (server-side apply, fieldManager k8s-experts-restore); needs execution.mode execute')
    .option('--json', 'print the report as JSON')
    .action(async (path: string, opts: RestoreCliOptions, command: Command) => {
      const namespaces = parseNamespaces(opts.namespace, false);
      const config = configFromCommand(command);
      // Read-only by default, like the crew: writing to the cluster is for a deployment set to execute.
      if (opts.apply && config.execution.mode !== 'execute') {
        throw new UserError(`execution.mode is ${config.execution.mode}: a restore is applied only in mode execute`, 'run the dry run (leave out --apply), or set K8S_EXPERTS_EXECUTION_MODE=execute (execution.mode) to apply');
      }
      const keyMaterial = opts.keyFile ? readKeyFile(opts.keyFile) : undefined;
      const loaded = await loadBackup(path);
      if (loaded.manifest.files.length === 0) throw new UserError(`backup ${loaded.source} holds no objects`);
      const policy = config.guardian.policyFile ? readPolicyFile(config.guardian.policyFile).policy : builtInPolicy(config).policy;
      const { client } = await connect(config);
      const audit = opts.apply ? await AuditLog.open(config) : undefined;
      let report;
      try {
        report = await restoreBackup(client, loaded, { namespaces, keyMaterial, apply: opts.apply ?? false, policy, audit, actor: `cli:${userInfo().username}` });
      } finally {
        await audit?.close();
      }
      if (opts.json) console.log(JSON.stringify(report, null, 2));
      else {
        console.log(renderTable(['Kind', 'Namespace', 'Name', 'Exists', 'Policy', 'Dry run', ...(opts.apply ? ['Applied'] : [])], report.rows.map((r) => [r.kind, r.namespace || '-', r.name, r.exists ? 'yes' : 'no', r.policy, r.dryRun, ...(opts.apply ? [r.applied ?? '-'] : [])])));
        if (report.policyReasons.length) console.log(`\nGuardian policy:\n${[...new Set(report.policyReasons)].map((r) => `  ${r}`).join('\n')}`);
        if (report.stopped) console.log(`\nStopped: ${report.stopped}`);
        else if (opts.apply) console.log(`\nRestored ${report.rows.length} objects from ${loaded.source}.`);
        else if (report.rows.some((r) => r.dryRun.startsWith('not checked'))) {
          console.log('\nObjects in namespaces that do not exist yet cannot be dry-run: --apply creates the namespaces first, then dry-runs every other object again before it writes any.');
        }
        if (!report.stopped && !opts.apply) console.log(`\nDry run only: nothing was changed. Run again with --apply to restore${report.rows.some((r) => r.policy === 'require-approval') ? ' (objects marked require-approval are applied on your --apply, recorded in the audit log)' : ''}.`);
      }
      if (report.stopped) process.exitCode = 1;
    });
}
