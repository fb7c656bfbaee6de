import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { DEMO_DIR } from './paths.js';

/** The seed manifests, in apply order. */
export function demoManifestFiles(): string[] {
  return readdirSync(DEMO_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(DEMO_DIR, f));
}

export interface DemoObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** Every object the seed creates, parsed from the manifests. */
export function demoObjects(): DemoObject[] {
  return demoManifestFiles().flatMap((file) =>
    parseAllDocuments(readFileSync(file, 'utf8'))
      .map((doc) => doc.toJS() as DemoObject | null)
      .filter((o): o is DemoObject => o !== null),
  );
}

/** A pod state the seed must produce, keyed by the workload's `app` label. */
export interface ExpectedPodState {
  namespace: string;
  app: string;
  /** Acceptable STATUS values (`kubectl get pods` column). */
  status: readonly string[];
  /** How many pods of the app must show it. */
  count: number;
  /** For Pending pods: the scheduler's condition reason. */
  scheduling?: string;
}

export const EXPECTED_POD_STATES: readonly ExpectedPodState[] = [
  { namespace: 'shop', app: 'frontend', status: ['Running'], count: 2 },
  { namespace: 'shop', app: 'cart', status: ['Running'], count: 2 },
  { namespace: 'shop', app: 'redis', status: ['Running'], count: 1 },
  { namespace: 'shop', app: 'postgres', status: ['Running'], count: 1 },
  { namespace: 'shop', app: 'catalog', status: ['CreateContainerConfigError'], count: 1 },
  { namespace: 'payments', app: 'payments-gateway', status: ['Running'], count: 2 },
  // A crash-looping pod alternates between a short Running spell and the back-off.
  { namespace: 'payments', app: 'payments-api', status: ['CrashLoopBackOff', 'Running'], count: 1 },
  { namespace: 'payments', app: 'fraud-detector', status: ['ImagePullBackOff', 'ErrImagePull'], count: 1 },
  { namespace: 'data', app: 'db-migrate', status: ['Completed'], count: 1 },
  { namespace: 'data', app: 'ml-trainer', status: ['Pending'], count: 1, scheduling: 'Unschedulable' },
  { namespace: 'default', app: 'hello', status: ['Running'], count: 2 },
];

/** The Service whose selector matches no pod (so the endpoints controller leaves it empty). */
export const SERVICE_WITHOUT_ENDPOINTS = { namespace: 'payments', name: 'payments-gateway' } as const;
/** The crash-looping workload and the text its previous container logged. */
export const CRASHLOOP = { namespace: 'payments', app: 'payments-api', container: 'payments-api', previousLogContains: 'password authentication failed' } as const;
export const DEMO_NODE_COUNT = 3;
