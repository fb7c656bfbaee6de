import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const CLI = join(REPO_ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built `k8s-experts` CLI as a user would, with exactly the environment given; `input`,
 * when given, is piped to its stdin (a script answering the prompts), else stdin is closed.
 */
export function runCli(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 300_000, input?: string): Promise<CliResult> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    if (input !== undefined) child.stdin!.end(input);
  });
}

/** A minimal environment: PATH and the given variables, nothing inherited that could leak in. */
export function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', ...extra };
}

/** A Node stack frame ("    at fn (file:line)") means a crash was shown to the user. */
export const STACK_FRAME = /^\s+at .+[:(]/m;

/**
 * Runs `node <args>` and resolves once it prints "listening on <url>" (a server of ours ready for
 * requests); rejects, with what it printed, if it exits first or says nothing within `timeoutMs`.
 */
export function spawnListening(args: string[], env: Record<string, string>, timeoutMs = 20_000): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, args, { env, cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ proc, url: m[1]! });
    });
    proc.once('exit', (code) => reject(new Error(`node ${args.join(' ')} exited with ${code}:\n${out}\n${err}`)));
    setTimeout(() => reject(new Error(`node ${args.join(' ')} printed no URL in ${timeoutMs} ms:\n${out}\n${err}`)), timeoutMs).unref();
  });
}

/** Starts `k8s-experts mcp <server> --http --port 0` and resolves with its URL. */
export function startHttpServer(server: string, env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  return spawnListening([CLI, 'mcp', server, '--http', '--port', '0'], cleanEnv(env));
}

/** The echo test agent (test/helpers/a2a-echo-process.mjs) in a process of its own: another platform's peer. */
export function startEchoPeer(): Promise<{ proc: ChildProcess; url: string }> {
  return spawnListening([join(REPO_ROOT, 'test', 'helpers', 'a2a-echo-process.mjs')], cleanEnv({ K8S_EXPERTS_DATA_DIR: mkdtempSync(join(tmpdir(), 'k8sx-echo-')) }));
}

/** A port nothing listens on right now (taken and released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A config file that puts every server of the crew on a free port, and its state in a temp dir. */
export function anyPortConfig(dir: string): string {
  const file = join(dir, 'k8s-experts.yaml');
  const zero = (names: string[]) => Object.fromEntries(names.map((n) => [n, 0]));
  writeFileSync(
    file,
    JSON.stringify({
      mcp: { ports: zero(['kubernetes', 'helm', 'prometheus']) },
      a2a: { ports: zero(['router', 'ops', 'observability', 'security', 'dev', 'admin', 'guardian', 'query']) },
      dataDir: join(dir, 'state'),
      log: { file: join(dir, 'agent.log') },
    }),
  );
  return file;
}

/** `k8s-experts start` as a user runs it; resolves once it prints where everything listens. */
export function startCrewProcess(args: string[], env: Record<string, string>): Promise<{ proc: ChildProcess; stdout: () => string; url: (name: string) => string }> {
  const proc = spawn(process.execPath, [CLI, ...args, 'start'], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const url = (name: string) => {
    const m = new RegExp(`^${name}\\s+\\S+\\s+(http://\\S+)$`, 'm').exec(out);
    if (!m) throw new Error(`no URL for ${name} in:\n${out}`);
    return m[1]!;
  };
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Stop: Ctrl-C')) resolve({ proc, stdout: () => out, url });
    });
    proc.on('exit', (code) => reject(new Error(`start exited with ${code}:\n${out}\n${err}`)));
    setTimeout(() => reject(new Error(`start printed no endpoints in 180 s:\n${out}\n${err}`)), 180_000);
  });
}
