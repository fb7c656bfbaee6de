import { CoreV1Api, DiscoveryV1Api, type V1Pod } from '@kubernetes/client-node';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { checkConnection, createKubeClient, type KubeClient } from '../../shared/kube.js';
import { summarizePod } from '../../shared/pod-status.js';
import { maskSecretValues } from '../../shared/redact.js';
import { CRASHLOOP, DEMO_NODE_COUNT, EXPECTED_POD_STATES, SERVICE_WITHOUT_ENDPOINTS } from '../../tools/cluster/demo.js';
import { waitFor } from '../../tools/cluster/processes.js';

let client: KubeClient;
let core: CoreV1Api;

const podsOf = async (namespace: string, app: string): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace, labelSelector: `app=${app}` })).items;

beforeAll(() => {
  client = createKubeClient({ kubeconfig: inject('kubeconfig'), env: {} });
  core = client.kubeConfig.makeApiClient(CoreV1Api);
});

describe('the client factory against the demo cluster', () => {
  it('connects and reports Kubernetes v1.34', async () => {
    const version = await checkConnection(client);
    expect(version.gitVersion).toMatch(/^v1\.34\.\d+$/);
    expect(client.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('sees three Ready nodes with capacity', async () => {
    const nodes = (await core.listNode()).items;
    expect(nodes).toHaveLength(DEMO_NODE_COUNT);
    for (const node of nodes) {
      expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
      expect(node.status?.capacity?.cpu).toBe('4');
    }
  });
});

describe('the seeded workloads look as a kubelet and the controllers report them', () => {
  it.each(EXPECTED_POD_STATES.map((s) => [`${s.namespace}/${s.app}`, s] as const))('%s', async (_name, want) => {
    const pods = await podsOf(want.namespace, want.app);
    const matching = pods.filter((p) => want.status.includes(summarizePod(p).status));
    expect(matching.length, pods.map((p) => summarizePod(p).status).join(',')).toBeGreaterThanOrEqual(want.count);
    if (want.scheduling) expect(summarizePod(matching[0]!).scheduling?.reason).toBe(want.scheduling);
  });

  it('catalog waits on the missing ConfigMap', async () => {
    const [pod] = await podsOf('shop', 'catalog');
    const waiting = pod?.status?.containerStatuses?.[0]?.state?.waiting;
    expect(waiting).toEqual({ reason: 'CreateContainerConfigError', message: 'configmap "catalog-settings" not found' });
    await expect(core.readNamespacedConfigMap({ namespace: 'shop', name: 'catalog-settings' })).rejects.toThrow();
  });

  it('fraud-detector carries the registry error', async () => {
    const [pod] = await podsOf('payments', 'fraud-detector');
    const waiting = pod?.status?.containerStatuses?.[0]?.state?.waiting;
    expect(['ErrImagePull', 'ImagePullBackOff']).toContain(waiting?.reason);
    expect(waiting?.message).toContain('registry.acme.internal');
    expect(waiting?.message).toContain('no such host');
  });

  it('ml-trainer is Pending because the real scheduler finds no node with enough CPU', async () => {
    const [pod] = await podsOf('data', 'ml-trainer');
    expect(pod?.spec?.nodeName).toBeUndefined();
    expect(summarizePod(pod!).scheduling?.message).toMatch(/0\/3 nodes are available: 3 Insufficient cpu/);
  });

  it('payments-api crash-loops with its restart count climbing', async () => {
    const restarts = async () => summarizePod((await podsOf(CRASHLOOP.namespace, CRASHLOOP.app))[0]!).restarts;
    const first = await restarts();
    const [pod] = await podsOf(CRASHLOOP.namespace, CRASHLOOP.app);
    expect(pod?.status?.containerStatuses?.[0]?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    const later = await waitFor('a further restart', async () => ((await restarts()) > first ? await restarts() : undefined), 90_000, 2000);
    expect(later).toBeGreaterThan(first);
  });

  it('the payments-gateway Service has no endpoints though gateway pods run', async () => {
    const { namespace, name } = SERVICE_WITHOUT_ENDPOINTS;
    const service = await core.readNamespacedService({ namespace, name });
    const selector = service.spec?.selector ?? {};
    const selected = await core.listNamespacedPod({ namespace, labelSelector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',') });
    expect(selected.items).toHaveLength(0);
    expect((await podsOf(namespace, name)).length).toBeGreaterThan(0);
    const slices = await client.kubeConfig.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({ namespace, labelSelector: `kubernetes.io/service-name=${name}` });
    expect(slices.items.length).toBeGreaterThan(0);
    expect(slices.items.flatMap((s) => s.endpoints ?? [])).toHaveLength(0);
  });

  it('a Service that selects running pods gets endpoints from the real controller', async () => {
    const slices = await client.kubeConfig.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({ namespace: 'shop', labelSelector: 'kubernetes.io/service-name=frontend' });
    expect(slices.items.flatMap((s) => s.endpoints ?? []).length).toBe(2);
  });

  it('seeded Secrets read through the API are masked by the redaction helper', async () => {
    const secret = await core.readNamespacedSecret({ namespace: 'shop', name: 'postgres-credentials' });
    const raw = JSON.stringify(secret);
    expect(raw).toContain(Buffer.from('demo-pg-S3cretValue').toString('base64'));
    const masked = JSON.stringify(maskSecretValues({ ...secret, kind: 'Secret' } as Parameters<typeof maskSecretValues>[0]));
    expect(masked).not.toContain(Buffer.from('demo-pg-S3cretValue').toString('base64'));
    expect(masked).toContain('POSTGRES_PASSWORD');
  });
});
