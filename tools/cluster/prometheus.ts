import { existsSync } from 'node:fs';
import { UserError } from '../../shared/errors.js';
import { run } from './exec.js';

const PROMETHEUS = '/usr/bin/prometheus';

/**
 * Debian's prometheus package (2.42): installed on demand when we may (root with apt-get),
 * otherwise a clear instruction. Its systemd unit never starts here: we run our own instance.
 */
export async function ensurePrometheusInstalled(): Promise<string> {
  if (existsSync(PROMETHEUS)) return PROMETHEUS;
  const fix = 'install it: sudo apt-get install --no-install-recommends prometheus';
  if (process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) {
    throw new UserError('Prometheus is not installed (the demo cluster runs Debian\'s prometheus on loopback)', fix);
  }
  console.error('Installing Debian prometheus (apt-get install --no-install-recommends prometheus) …');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { env, timeoutMs: 600_000 }).catch(async () => {
      await run('apt-get', ['update'], { env, timeoutMs: 600_000 });
      return run('apt-get', ['install', '-y', '--no-install-recommends', 'prometheus'], { env, timeoutMs: 600_000 });
    });
  } catch (e) {
    throw new UserError(`installing prometheus failed: ${e instanceof Error ? e.message : String(e)}`, fix);
  }
  // Debian's postinst may start the packaged service where systemd runs; it is not ours to stop.
  return PROMETHEUS;
}
