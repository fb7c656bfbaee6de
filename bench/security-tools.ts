/**
 * Builds the peer scanners bench/security compares against, once, from the Go module proxy into
 * ~/.cache/k8s-experts/bench-tools/<tool>-<version>/ (argument arrays, no shell). kube-score
 * installs with `go install`. Polaris's tags (v10.x) lack the /v10 module suffix, so it can only
 * be fetched by pseudo-version — and `go install pkg@version` then fails looking up the module's
 * version list, so it is built from a small wrapper module instead. The proxy serves no sum
 * database entry for that pseudo-version: only Polaris itself is exempt from the sum check
 * (GONOSUMDB); its dependencies are still verified.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPaths } from '../tools/cluster/paths.js';

export interface PeerTool {
  name: 'kube-score' | 'polaris';
  version: string;
  /** The binary, when it exists or was built; otherwise why not. */
  binary?: string;
  error?: string;
}

export const KUBE_SCORE_VERSION = 'v1.20.0';
/** The newest Polaris pseudo-version the module proxy serves here (commit 92f0b6e551df, 2022-05-12). */
export const POLARIS_VERSION = 'v0.0.0-20220512134546-92f0b6e551df';

const toolDir = (name: string, version: string) => join(clusterPaths().cacheDir, 'bench-tools', `${name}-${version}`);

function go(args: string[], cwd: string, env: Record<string, string>): string | undefined {
  const r = spawnSync('go', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], timeout: 1_200_000 });
  if (r.error) return `go ${args[0] ?? ''}: ${r.error.message}${(r.error as NodeJS.ErrnoException).code === 'ENOENT' ? ' (install Go 1.22+)' : ''}`;
  if (r.status !== 0) return `go ${args.join(' ')} exited ${r.status}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`;
  return undefined;
}

function timed(label: string, build: () => string | undefined): string | undefined {
  console.error(`building ${label} (first use only; about 1–3 minutes with a cold Go module cache) …`);
  const start = performance.now();
  const error = build();
  console.error(error ? `  ${label}: ${error}` : `  ${label} built in ${((performance.now() - start) / 1000).toFixed(0)} s`);
  return error;
}

export function ensureKubeScore(): PeerTool {
  const dir = toolDir('kube-score', KUBE_SCORE_VERSION);
  const binary = join(dir, 'kube-score');
  if (existsSync(binary)) return { name: 'kube-score', version: KUBE_SCORE_VERSION, binary };
  mkdirSync(dir, { recursive: true });
  const error = timed(`kube-score ${KUBE_SCORE_VERSION}`, () => go(['install', `github.com/zegl/kube-score/cmd/kube-score@${KUBE_SCORE_VERSION}`], dir, { GOBIN: dir }));
  return existsSync(binary) ? { name: 'kube-score', version: KUBE_SCORE_VERSION, binary } : { name: 'kube-score', version: KUBE_SCORE_VERSION, error: error ?? 'no binary after go install' };
}

export function ensurePolaris(): PeerTool {
  const dir = toolDir('polaris', POLARIS_VERSION);
  const binary = join(dir, 'polaris');
  if (existsSync(binary)) return { name: 'polaris', version: POLARIS_VERSION, binary };
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  writeFileSync(join(src, 'go.mod'), `module benchtools/polaris\n\ngo 1.22\n\nrequire github.com/fairwindsops/polaris ${POLARIS_VERSION}\n`);
  writeFileSync(join(src, 'tools.go'), '//go:build tools\n\npackage tools\n\nimport _ "github.com/fairwindsops/polaris"\n');
  const error = timed(`polaris ${POLARIS_VERSION}`, () =>
    go(['build', '-o', binary, 'github.com/fairwindsops/polaris'], src, { GOFLAGS: '-mod=mod', GONOSUMDB: 'github.com/fairwindsops/polaris' }),
  );
  return existsSync(binary) ? { name: 'polaris', version: POLARIS_VERSION, binary } : { name: 'polaris', version: POLARIS_VERSION, error: error ?? 'no binary after go build' };
}
