import { execFile } from 'node:child_process';

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a program with an argument array (never a shell string); rejects with its stderr. */
export function run(binary: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      args,
      { env: options.env ?? process.env, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024, ...(options.cwd ? { cwd: options.cwd } : {}) },
      (error, stdout, stderr) => {
        if (error) {
          const detail = (stderr || stdout || error.message).trim().split('\n').slice(-15).join('\n');
          reject(new Error(`${binary.split('/').pop()} ${args.join(' ')} failed: ${detail}`));
        } else resolve({ stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** kubectl against one kubeconfig. */
export function kubectl(binary: string, kubeconfig: string, args: string[], input?: string): Promise<RunResult> {
  return run(binary, ['--kubeconfig', kubeconfig, ...args], input === undefined ? {} : { input });
}
