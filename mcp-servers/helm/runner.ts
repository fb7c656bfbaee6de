import { execFile } from 'node:child_process';
import { UserError } from '../../shared/errors.js';

export interface HelmSettings {
  binary: string;
  /** kubeconfig file for helm's --kubeconfig; helm's own lookup when undefined. */
  kubeconfig?: string | undefined;
  timeoutMs: number;
}

/**
 * Runs helm with an argument array — never a shell string — after every caller has validated
 * its values; a value that still looks like a flag is refused here as the last line.
 */
export interface RunOptions {
  /** kubeconfig context for helm's --kube-context. */
  context?: string | undefined;
  /** Every value the caller put into argv from its input; none may look like a flag. */
  positional: string[];
  /**
   * This call's limit, when it may legitimately outlast helm.timeoutMs (an install that waits for
   * readiness): killing helm mid-install would leave the release pending, so the limit is never lower.
   */
  timeoutMs?: number | undefined;
}

export class HelmRunner {
  constructor(readonly settings: HelmSettings) {}

  async run(args: string[], options: RunOptions): Promise<string> {
    const result = await this.runRaw(args, options);
    if (result.ok) return result.stdout;
    const message = (result.stderr || result.stdout).trim().replace(/^Error: /m, '').split('\n').slice(-10).join('\n');
    throw new UserError(`helm ${args[0] ?? ''} failed: ${message}`);
  }

  /** Like run, but a non-zero exit is a result (helm lint reports on stdout and fails). */
  runRaw(args: string[], options: RunOptions): Promise<{ ok: boolean; stdout: string; stderr: string }> {
    for (const value of options.positional) {
      if (value.startsWith('-')) throw new UserError(`"${value}" looks like a flag, not a value`, 'pass names and paths that do not start with -');
    }
    const global = [
      ...(this.settings.kubeconfig ? ['--kubeconfig', this.settings.kubeconfig] : []),
      ...(options.context ? ['--kube-context', options.context] : []),
    ];
    const timeout = Math.max(this.settings.timeoutMs, options.timeoutMs ?? 0);
    return new Promise((resolve, reject) => {
      execFile(this.settings.binary, [...args, ...global], { timeout, maxBuffer: 32 * 1024 * 1024, env: { ...process.env, HELM_DEBUG: 'false' } }, (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout, stderr });
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          return reject(new UserError(`helm is not installed at ${this.settings.binary}`, 'set helm.binary / K8S_EXPERTS_HELM, or build it with `k8s-experts cluster build helm`'));
        }
        if (error.killed) return reject(new UserError(`helm ${args[0] ?? ''} timed out after ${timeout} ms`, 'raise helm.timeoutMs'));
        resolve({ ok: false, stdout, stderr: stderr || error.message });
      });
    });
  }
}
