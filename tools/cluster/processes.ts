import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** A process this tool started and must stop: its PID and the binary it runs. */
export interface ManagedProcess {
  name: string;
  pid: number;
  binary: string;
  logFile?: string;
}

/** Starts a long-running process in its own process group, its output in `logFile`. */
export function startDetached(name: string, binary: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): ManagedProcess {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(binary, args, { detached: true, stdio: ['ignore', fd, fd], env });
    if (child.pid === undefined) throw new Error(`could not start ${name} (${binary})`);
    child.unref();
    return { name, pid: child.pid, binary, logFile };
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when `pid` still runs `binary` — guards against signalling a recycled PID. */
export function runsBinary(pid: number, binary: string): boolean {
  const cmdline = `/proc/${pid}/cmdline`;
  if (!existsSync(cmdline)) return isAlive(pid);
  try {
    const argv0 = readFileSync(cmdline, 'utf8').split('\0')[0] ?? '';
    return basename(argv0) === basename(binary);
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns how the process ended. */
export async function stopProcess(proc: ManagedProcess, graceMs = 10_000): Promise<'not-running' | 'stopped' | 'killed'> {
  if (!isAlive(proc.pid) || !runsBinary(proc.pid, proc.binary)) return 'not-running';
  try {
    process.kill(proc.pid, 'SIGTERM');
  } catch {
    return 'not-running';
  }
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(proc.pid)) return 'stopped';
    await sleep(100);
  }
  try {
    process.kill(proc.pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  return 'killed';
}

/** A free TCP port on 127.0.0.1: `preferred` when it is free, otherwise one the kernel picks. */
export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | undefined>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => {
        const address = server.address();
        const got = typeof address === 'object' && address ? address.port : undefined;
        server.close(() => resolve(got));
      });
    });
  if (preferred) {
    const got = await tryPort(preferred);
    if (got) return got;
  }
  const any = await tryPort(0);
  if (!any) throw new Error('no free TCP port on 127.0.0.1');
  return any;
}

/** Polls `check` until it returns a value or `timeoutMs` passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    await sleep(intervalMs);
  }
  const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
  throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${detail}`);
}
