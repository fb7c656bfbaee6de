import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { errorMessage, UserError } from './errors.js';

export interface KubeClientOptions {
  /** Explicit kubeconfig path (config `kubernetes.kubeconfig`). */
  kubeconfig?: string | undefined;
  /** Context to use instead of the kubeconfig's current-context. */
  context?: string | undefined;
  /** Milliseconds to wait for the API server. */
  timeoutMs?: number | undefined;
  env?: NodeJS.ProcessEnv;
}

export type KubeconfigSource = 'config' | 'KUBECONFIG' | '~/.kube/config' | 'in-cluster';

export interface KubeClient {
  kubeConfig: KubeConfig;
  source: KubeconfigSource;
  /** The kubeconfig file(s) read; empty in-cluster. */
  files: string[];
  context: string;
  server: string;
  timeoutMs: number;
}

export interface ServerVersion {
  gitVersion: string;
  major: string;
  minor: string;
  platform: string;
}

const NO_CLUSTER_FIX =
  'start the local demo cluster with `k8s-experts cluster up` and export KUBECONFIG=$(k8s-experts cluster kubeconfig), or set KUBECONFIG to your cluster\'s kubeconfig';

/**
 * Builds a client configuration the way kubectl looks for one: an explicit path, then
 * $KUBECONFIG, then ~/.kube/config, then the in-cluster service account. Unlike
 * KubeConfig.loadFromDefault it never falls back silently to localhost:8080.
 */
export function createKubeClient(options: KubeClientOptions = {}): KubeClient {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  const found = findKubeconfig(options.kubeconfig, env);
  if (!found) {
    throw new UserError('no Kubernetes cluster is configured: KUBECONFIG is unset, ~/.kube/config does not exist and this is not running in a pod', NO_CLUSTER_FIX);
  }
  const { source, files } = found;

  try {
    if (source === 'in-cluster') kc.loadFromCluster();
    else if (files.length === 1) kc.loadFromFile(files[0]!);
    else for (const f of files) kc.mergeConfig(loadOne(f));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read kubeconfig ${files.join(delimiter)}: ${errorMessage(e)}`, 'check that the file is a valid kubeconfig (kubectl config view --kubeconfig <file>)');
  }

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new UserError(
        `context "${options.context}" is not in ${describeFiles(source, files)}`,
        known.length ? `use one of: ${known.join(', ')}` : 'the kubeconfig defines no contexts',
      );
    }
    kc.setCurrentContext(options.context);
  }
  const context = kc.getCurrentContext();
  const cluster = kc.getCurrentCluster();
  if (!context || !cluster) {
    throw new UserError(
      `${describeFiles(source, files)} has no current context`,
      'pick one with --context / K8S_EXPERTS_CONTEXT, or run `kubectl config use-context <name>`',
    );
  }
  return { kubeConfig: kc, source, files, context, server: cluster.server, timeoutMs: options.timeoutMs ?? 10_000 };
}

function loadOne(file: string): KubeConfig {
  const one = new KubeConfig();
  one.loadFromFile(file);
  return one;
}

/**
 * Where a kubeconfig would come from, or undefined when none is configured at all. A setting
 * that names a missing file is an error, not "none": silently using another cluster is worse.
 */
export function findKubeconfig(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): { source: KubeconfigSource; files: string[] } | undefined {
  if (explicit) {
    if (!existsSync(explicit)) {
      throw new UserError(`kubeconfig ${explicit} (setting kubernetes.kubeconfig) does not exist`, 'point kubernetes.kubeconfig / K8S_EXPERTS_KUBECONFIG at an existing file');
    }
    return { source: 'config', files: [explicit] };
  }
  if (env.KUBECONFIG) {
    const listed = env.KUBECONFIG.split(delimiter).filter(Boolean);
    const files = listed.filter((f) => existsSync(f));
    if (files.length === 0) {
      throw new UserError(`KUBECONFIG points at ${listed.join(delimiter)}, which does not exist`, NO_CLUSTER_FIX);
    }
    return { source: 'KUBECONFIG', files };
  }
  const home = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return { source: '~/.kube/config', files: [home] };
  if (env.KUBERNETES_SERVICE_HOST && existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token')) {
    return { source: 'in-cluster', files: [] };
  }
  return undefined;
}

function describeFiles(source: KubeconfigSource, files: string[]): string {
  return source === 'in-cluster' ? 'the in-cluster configuration' : `kubeconfig ${files.join(delimiter)}`;
}

/** Rejects after `ms` with a timeout error; the timer never keeps the process alive. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks the API server for its version: the cheapest proof that the cluster answers and the
 * credentials work. Fails with one clear message naming the server, context and fix.
 */
export async function checkConnection(client: KubeClient): Promise<ServerVersion> {
  try {
    const info = await withTimeout(client.kubeConfig.makeApiClient(VersionApi).getCode(), client.timeoutMs, `GET ${client.server}/version`);
    return { gitVersion: info.gitVersion, major: info.major, minor: info.minor, platform: info.platform };
  } catch (e) {
    throw new UserError(
      `the Kubernetes API server ${client.server} (context "${client.context}") did not answer: ${describeConnectionError(e)}`,
      client.source === 'in-cluster'
        ? 'check the pod\'s service account and network access to the API server'
        : `start that cluster (for the demo: \`k8s-experts cluster up\`), or choose another context/kubeconfig (${NO_CLUSTER_FIX})`,
    );
  }
}

function describeConnectionError(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    const msg = errorMessage(cur);
    parts.push(typeof code === 'string' && !msg.includes(code) ? `${code} ${msg}` : msg);
    cur = (cur as { cause?: unknown }).cause;
  }
  const text = [...new Set(parts)].join(': ');
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
