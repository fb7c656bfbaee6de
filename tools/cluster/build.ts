import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Listr } from 'listr2';
import { UserError } from '../../shared/errors.js';
import { BUILD_SCRIPT, type ClusterPaths, type Component, COMPONENTS, componentDir, pinnedVersions } from './paths.js';

export function isBuilt(paths: ClusterPaths, component: Component): boolean {
  return existsSync(join(componentDir(paths, component), '.complete'));
}

export function missingComponents(paths: ClusterPaths): Component[] {
  return COMPONENTS.filter((c) => !isBuilt(paths, c));
}

/** Runs build.sh for one component, feeding each output line to `onLine`. */
function runBuildScript(paths: ClusterPaths, component: Component, onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [BUILD_SCRIPT, component], {
      env: { ...process.env, K8S_EXPERTS_CACHE_DIR: paths.cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    const feed = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 30) tail.shift();
        onLine(line);
      }
    };
    child.stdout.on('data', feed);
    child.stderr.on('data', feed);
    child.on('error', (e) => reject(new UserError(`cannot run ${BUILD_SCRIPT}: ${e.message}`, 'install bash and Go (>= 1.24) and try again')));
    child.on('close', (code) => {
      if (code === 0) resolve();
      else
        reject(
          new UserError(
            `building ${component} failed (exit ${code}); last output:\n${tail.map((l) => `    ${l}`).join('\n')}`,
            `fix the cause above and run \`k8s-experts cluster build ${component}\` again (needs Go >= 1.24 and the Go module proxy)`,
          ),
        );
    });
  });
}

function requireGo(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('go', ['version'], { stdio: 'ignore' });
    child.on('error', () => reject(new UserError('Go is not installed, and the local cluster is built from Go modules', 'install Go >= 1.24 (e.g. apt-get install golang, or from go.dev) and try again')));
    child.on('close', () => resolve());
  });
}

/**
 * Builds every missing component with a progress display (a spinner per component with its
 * latest build line on a TTY, plain lines otherwise). Cached components are skipped.
 */
export async function buildComponents(paths: ClusterPaths, wanted: readonly Component[] = COMPONENTS): Promise<void> {
  const versions = pinnedVersions();
  const todo = wanted.filter((c) => !isBuilt(paths, c));
  if (todo.length === 0) return;
  await requireGo();
  const tasks = new Listr(
    todo.map((component) => ({
      title: `build ${component} ${versions[component]}`,
      task: async (_ctx: unknown, task) => {
        const started = Date.now();
        const tick = setInterval(() => {
          task.title = `build ${component} ${versions[component]} (${Math.round((Date.now() - started) / 1000)} s)`;
        }, 1000);
        try {
          await runBuildScript(paths, component, (line) => {
            task.output = line;
          });
        } finally {
          clearInterval(tick);
        }
        task.title = `built ${component} ${versions[component]} in ${Math.round((Date.now() - started) / 1000)} s`;
      },
      rendererOptions: { outputBar: 1 },
    })),
    { concurrent: false, exitOnError: true, rendererOptions: { collapseSubtasks: false }, fallbackRendererOptions: { timestamp: undefined } },
  );
  console.error(`Building ${todo.join(', ')} into ${paths.cacheDir} (first run only; takes minutes)`);
  await tasks.run();
}
