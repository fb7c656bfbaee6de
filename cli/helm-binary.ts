/** Which helm the crew runs: apart from the MCP command so that `scan` loads no server code. */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Config } from '../shared/config.js';
import { binaries, clusterPaths } from '../tools/cluster/paths.js';

/** The configured helm, else one on PATH, else the one built for the demo cluster. */
export function helmBinary(config: Config): string {
  if (config.helm.binary) return config.helm.binary;
  const onPath = (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, 'helm')));
  if (onPath) return 'helm';
  const built = binaries(clusterPaths()).helm;
  return existsSync(built) ? built : 'helm';
}
