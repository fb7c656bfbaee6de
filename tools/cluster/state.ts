import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { ClusterPaths } from './paths.js';

const processSchema = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  binary: z.string(),
  logFile: z.string().optional(),
});

/** What `cluster up` leaves behind for `status` and `down`: who runs where, by PID. */
export const clusterStateSchema = z.object({
  name: z.string(),
  createdAt: z.string(),
  kubeconfig: z.string(),
  apiServer: z.string(),
  prometheusUrl: z.string(),
  kubeStateMetricsUrl: z.string(),
  kwokControllerUrl: z.string(),
  /** The kubectl and helm built for this cluster's version. */
  kubectl: z.string(),
  helm: z.string(),
  versions: z.record(z.string(), z.string()),
  /** Processes kwokctl started (read from its pid files) and the ones we started ourselves. */
  processes: z.array(processSchema),
});
export type ClusterState = z.infer<typeof clusterStateSchema>;

export function readClusterState(paths: ClusterPaths): ClusterState | undefined {
  if (!existsSync(paths.stateFile)) return undefined;
  const parsed = clusterStateSchema.safeParse(JSON.parse(readFileSync(paths.stateFile, 'utf8')));
  return parsed.success ? parsed.data : undefined;
}

export function writeClusterState(paths: ClusterPaths, state: ClusterState): void {
  writeFileSync(paths.stateFile, `${JSON.stringify(state, null, 2)}\n`);
}
