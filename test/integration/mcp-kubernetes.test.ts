import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { call, kubernetesClient, textOf } from '../helpers/mcp.js';

let client: Client;
beforeAll(async () => {
  client = await kubernetesClient(inject('kubeconfig'));
});
afterAll(async () => client.close());

const podName = async (namespace: string, app: string): Promise<string> => {
  const r = await call(client, 'k8s_list', { kind: 'pods', namespace, labelSelector: `app=${app}` });
  return (r.structuredContent!.items as Array<{ name: string }>)[0]!.name;
};

describe('kubernetes MCP server: read tools on the demo cluster', () => {
  it('lists only read tools, each with an output schema and honest annotations', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['k8s_api_resources', 'k8s_can_i', 'k8s_certificates', 'k8s_describe', 'k8s_events', 'k8s_get', 'k8s_list', 'k8s_logs', 'k8s_namespaces', 'k8s_nodes', 'k8s_rollout', 'k8s_top', 'k8s_validate']);
    for (const tool of tools) {
      expect(tool.outputSchema, tool.name).toBeDefined();
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(true);
    }
  });

  it('k8s_list: pods across namespaces, kubectl columns, structured rows', async () => {
    const r = await call(client, 'k8s_list', { kind: 'po' });
    expect(r.isError).toBeFalsy();
    const text = textOf(r);
    expect(text.split('\n')[0]).toMatch(/^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(text).toContain('CreateContainerConfigError');
    const items = r.structuredContent!.items as Array<Record<string, unknown>>;
    expect(items.some((i) => i.namespace === 'data' && i.status === 'Pending')).toBe(true);
    expect(r.structuredContent).toMatchObject({ kind: 'Pod', apiVersion: 'v1', namespace: null });
  });

  it('k8s_list: a kind by short name in one namespace, with selectors', async () => {
    const r = await call(client, 'k8s_list', { kind: 'deploy', namespace: 'shop', labelSelector: 'tier=api' });
    const names = (r.structuredContent!.items as Array<{ name: string }>).map((i) => i.name).sort();
    expect(names).toEqual(['cart', 'catalog']);
    expect(textOf(r)).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
  });

  it('k8s_list: pages with limit and continue, and says how many remain', async () => {
    const first = await call(client, 'k8s_list', { kind: 'pods', limit: 5 });
    expect(first.structuredContent!.count).toBe(5);
    const token = first.structuredContent!.continue as string;
    expect(token).toBeTruthy();
    expect(textOf(first)).toMatch(/\d+ more — narrow with labelSelector or namespace/);
    const second = await call(client, 'k8s_list', { kind: 'pods', limit: 5, continue: token });
    const firstNames = (first.structuredContent!.items as Array<{ name: string }>).map((i) => i.name);
    for (const item of second.structuredContent!.items as Array<{ name: string }>) expect(firstNames).not.toContain(item.name);
  });

  it('k8s_list: a kind whose empty Table has rows: null (Roles in a namespace without any)', async () => {
    const roles = await call(client, 'k8s_list', { kind: 'roles', namespace: 'shop' });
    expect(roles.isError, textOf(roles)).toBeFalsy();
    expect(textOf(roles)).toBe('No roles found in namespace shop.');
    const none = await call(client, 'k8s_list', { kind: 'clusterroles', labelSelector: 'no-such-label=x' });
    expect(none.structuredContent!.count).toBe(0);
  });

  it('k8s_list: cluster-scoped kinds and an empty result', async () => {
    const nodes = await call(client, 'k8s_list', { kind: 'nodes' });
    expect(nodes.structuredContent!.count).toBe(3);
    const none = await call(client, 'k8s_list', { kind: 'pods', namespace: 'shop', labelSelector: 'app=nothing-here' });
    expect(textOf(none)).toBe('No pods found in namespace shop.');
  });

  it('k8s_get: YAML by default, JSON on request, no managedFields', async () => {
    const yaml = await call(client, 'k8s_get', { kind: 'deployment', name: 'frontend', namespace: 'shop' });
    expect(textOf(yaml)).toMatch(/^apiVersion: apps\/v1\nkind: Deployment/);
    expect(textOf(yaml)).not.toContain('managedFields');
    const json = await call(client, 'k8s_get', { kind: 'Service', name: 'frontend', namespace: 'shop', output: 'json' });
    expect(JSON.parse(textOf(json)).spec.selector).toEqual({ app: 'frontend' });
    expect((json.structuredContent!.object as { kind: string }).kind).toBe('Service');
  });

  it('k8s_get and k8s_describe keep to a size budget and say so', async () => {
    const full = await call(client, 'k8s_get', { kind: 'deployment', name: 'frontend', namespace: 'shop' });
    expect(full.structuredContent!.truncated).toBe(false);
    const cut = await call(client, 'k8s_get', { kind: 'deployment', name: 'frontend', namespace: 'shop', maxChars: 1000 });
    expect(cut.structuredContent!.truncated).toBe(true);
    expect(textOf(cut).length).toBeLessThan(1200);
    expect(textOf(cut)).toMatch(/more lines not shown — the object is large/);
    const node = await call(client, 'k8s_describe', { kind: 'node', name: 'worker-1' });
    expect(textOf(node).length).toBeGreaterThan(1000);
    expect(node.structuredContent!.truncated).toBe(false);
    const described = await call(client, 'k8s_describe', { kind: 'node', name: 'worker-1', maxChars: 1000 });
    expect(described.structuredContent!.truncated).toBe(true);
    expect(textOf(described)).toMatch(/more lines not shown — narrow with k8s_events/);
  });

  it('k8s_describe: a crash-looping pod shows its last termination and back-off events', async () => {
    const r = await call(client, 'k8s_describe', { kind: 'pod', name: await podName('payments', 'payments-api'), namespace: 'payments' });
    const text = textOf(r);
    expect(text).toContain('Last State:     Terminated');
    expect(text).toMatch(/Exit Code:\s+1/);
    expect(text).toContain('Events:');
    expect(text).toContain('BackOff');
    expect(text).toContain("<all keys of secret 'payments-db'>");
  });

  it('k8s_describe: a pod waiting on a missing ConfigMap says which', async () => {
    const r = await call(client, 'k8s_describe', { kind: 'pod', name: await podName('shop', 'catalog'), namespace: 'shop' });
    expect(r.structuredContent!.status).toBe('CreateContainerConfigError');
    expect(textOf(r)).toContain('configmap "catalog-settings" not found');
  });

  it('k8s_describe: a Deployment shows rollout status and its pods; a Service its (missing) endpoints', async () => {
    const deploy = await call(client, 'k8s_describe', { kind: 'deploy', name: 'catalog', namespace: 'shop' });
    expect(textOf(deploy)).toMatch(/Replicas:\s+1 desired/);
    expect((deploy.structuredContent!.pods as Array<{ status: string }>)[0]?.status).toBe('CreateContainerConfigError');
    const svc = await call(client, 'k8s_describe', { kind: 'svc', name: 'payments-gateway', namespace: 'payments' });
    expect(textOf(svc)).toMatch(/Selector:\s+app=payment-gateway/);
    expect(textOf(svc)).toMatch(/Endpoints:\s+<none>/);
  });

  it('k8s_describe: a Pending pod names the scheduler\'s reason', async () => {
    const r = await call(client, 'k8s_describe', { kind: 'pod', name: await podName('data', 'ml-trainer'), namespace: 'data' });
    expect(textOf(r)).toMatch(/Scheduling:\s+Unschedulable: 0\/3 nodes are available: 3 Insufficient cpu/);
  });

  it('k8s_logs: tail, previous, grep', async () => {
    const pod = await podName('shop', 'frontend');
    const tail = await call(client, 'k8s_logs', { name: pod, namespace: 'shop', tail: 2 });
    expect(tail.structuredContent!.lines).toBe(2);
    const grep = await call(client, 'k8s_logs', { name: pod, namespace: 'shop', grep: 'POST' });
    expect(grep.structuredContent!.log).toContain('POST /api/cart/items');
    expect(grep.structuredContent!.lines).toBe(1);
    const previous = await call(client, 'k8s_logs', { name: await podName('payments', 'payments-api'), namespace: 'payments', previous: true });
    expect(previous.structuredContent!.log).toContain('password authentication failed');
  });

  it('k8s_logs: a workload name instead of a pod name gets a suggestion', async () => {
    const r = await call(client, 'k8s_logs', { name: 'frontend', namespace: 'shop' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/pod "frontend" not found.*did you mean frontend-/);
  });

  it('k8s_events: filtered by type and object', async () => {
    const warnings = await call(client, 'k8s_events', { namespace: 'payments', type: 'Warning' });
    const events = warnings.structuredContent!.events as Array<{ type: string; reason: string }>;
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.type === 'Warning')).toBe(true);
    const scheduling = await call(client, 'k8s_events', { namespace: 'data', reason: 'FailedScheduling' });
    expect(textOf(scheduling)).toContain('Insufficient cpu');
  });

  it('k8s_nodes, k8s_namespaces, k8s_api_resources, k8s_can_i', async () => {
    const nodes = await call(client, 'k8s_nodes', {});
    expect((nodes.structuredContent!.nodes as Array<{ status: string; allocatable: { cpu: string } }>).map((n) => n.status)).toEqual(['Ready', 'Ready', 'Ready']);
    const namespaces = await call(client, 'k8s_namespaces', {});
    const shop = (namespaces.structuredContent!.namespaces as Array<{ name: string; pods: number }>).find((n) => n.name === 'shop');
    expect(shop?.pods).toBe(7);
    const apps = await call(client, 'k8s_api_resources', { group: 'apps' });
    expect(textOf(apps)).toMatch(/deployments\s+deploy\s+apps\/v1\s+true\s+Deployment/);
    const crds = await call(client, 'k8s_api_resources', { group: 'kwok.x-k8s.io' });
    expect(textOf(crds)).toContain('ClusterLogs');
    const canI = await call(client, 'k8s_can_i', { verb: 'delete', kind: 'pods', namespace: 'shop' });
    expect(canI.structuredContent!.allowed).toBe(true);
  });

  it('k8s_rollout: done for a healthy Deployment, waiting for a broken one, revisions for a StatefulSet', async () => {
    const frontend = await call(client, 'k8s_rollout', { kind: 'deployment', name: 'frontend', namespace: 'shop' });
    expect(frontend.structuredContent).toMatchObject({ done: true, status: 'deployment "frontend" successfully rolled out' });
    expect((frontend.structuredContent!.revisions as Array<{ revision: number; images: string[] }>)[0]).toMatchObject({ revision: 1, images: ['nginx:1.27.3'] });
    const catalog = await call(client, 'k8s_rollout', { kind: 'deployment', name: 'catalog', namespace: 'shop' });
    expect(catalog.structuredContent!.done).toBe(false);
    // The real deployment controller gives up after progressDeadlineSeconds (600 s): either is right.
    expect(catalog.structuredContent!.status).toMatch(/0 of 1 updated replicas are available|"catalog" exceeded its progress deadline/);
    const postgres = await call(client, 'k8s_rollout', { kind: 'statefulset', name: 'postgres', namespace: 'shop' });
    expect((postgres.structuredContent!.revisions as Array<{ images: string[] }>)[0]?.images).toEqual(['postgres:16.6']);
  });

  it('reads a CRD kind through discovery', async () => {
    const r = await call(client, 'k8s_list', { kind: 'clusterlogs' });
    expect((r.structuredContent!.items as Array<{ name: string }>).map((i) => i.name)).toContain('demo-logs');
  });
});

describe('kubernetes MCP server: bad input gets a clear isError, and the server keeps serving', () => {
  it.each([
    ['unknown kind', 'k8s_list', { kind: 'podz' }, /no kind "podz".*did you mean "pods"/s],
    ['missing namespace', 'k8s_get', { kind: 'pods', name: 'x' }, /pods are namespaced: say which namespace/],
    ['flag-like name', 'k8s_get', { kind: 'pods', name: '--kubeconfig=/tmp/x', namespace: 'shop' }, /object name/],
    ['shell syntax in a name', 'k8s_describe', { kind: 'pods', name: 'a;rm -rf /', namespace: 'shop' }, /object name/],
    ['path in a namespace', 'k8s_list', { kind: 'pods', namespace: '../kube-system' }, /namespace name/],
    ['negative limit', 'k8s_list', { kind: 'pods', limit: -1 }, /limit|too small|>=\s*1/i],
    ['huge limit', 'k8s_list', { kind: 'pods', limit: 10_000_000 }, /limit|too big|<=\s*1000/i],
    ['huge tail', 'k8s_logs', { name: 'x', namespace: 'shop', tail: 1e9 }, /tail|too big/i],
    ['object that does not exist', 'k8s_get', { kind: 'deploy', name: 'nope', namespace: 'shop' }, /404 NotFound: deployments.apps "nope" not found/],
    ['namespace that does not exist', 'k8s_logs', { name: 'x', namespace: 'no-such-ns' }, /not found/],
    ['unknown tool', 'k8s_delete_everything', {}, /not found|unknown tool/i],
  ])('%s', async (_label, tool, args, expected) => {
    const r = await call(client, tool, args);
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(expected);
    const after = await call(client, 'k8s_list', { kind: 'nodes' });
    expect(after.isError).toBeFalsy();
  });
});

describe('kubernetes MCP server: policy is enforced when a tool is called', () => {
  it('denied kinds are refused by every tool that would read them', async () => {
    const restricted = await kubernetesClient(inject('kubeconfig'), { K8S_EXPERTS_MCP_DENIED_KINDS: 'secrets' });
    for (const [tool, args] of [
      ['k8s_list', { kind: 'secrets', namespace: 'shop' }],
      ['k8s_get', { kind: 'secret', name: 'postgres-credentials', namespace: 'shop' }],
      ['k8s_describe', { kind: 'Secret', name: 'postgres-credentials', namespace: 'shop' }],
    ] as const) {
      const r = await call(restricted, tool, args);
      expect(r.isError, tool).toBe(true);
      expect(textOf(r)).toContain('access to secrets is denied by policy');
    }
    expect((await call(restricted, 'k8s_list', { kind: 'pods', namespace: 'shop' })).isError).toBeFalsy();
    await restricted.close();
  });

  it('denied tools are neither listed nor callable; an allow list keeps only its tools', async () => {
    const denied = await kubernetesClient(inject('kubeconfig'), { K8S_EXPERTS_MCP_DENY_TOOLS: 'k8s_logs' });
    expect((await denied.listTools()).tools.map((t) => t.name)).not.toContain('k8s_logs');
    const refused = await call(denied, 'k8s_logs', { name: 'x', namespace: 'shop' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('tool k8s_logs is disabled by policy (mcp.allowTools / mcp.denyTools)');
    await denied.close();
    const allowed = await kubernetesClient(inject('kubeconfig'), { K8S_EXPERTS_MCP_ALLOW_TOOLS: 'k8s_list,k8s_get' });
    expect((await allowed.listTools()).tools.map((t) => t.name).sort()).toEqual(['k8s_get', 'k8s_list']);
    await allowed.close();
  });

  it('a context per call: an unknown context is a clear error', async () => {
    const r = await call(client, 'k8s_list', { kind: 'pods', context: 'prod-eu' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/context "prod-eu" is not in kubeconfig.*use one of: kwok-k8s-experts-demo/s);
    const ok = await call(client, 'k8s_list', { kind: 'nodes', context: 'kwok-k8s-experts-demo' });
    expect(ok.structuredContent!.count).toBe(3);
  });
});

describe('kubernetes MCP server: resources, prompts and completions', () => {
  it('lists the cluster overview and one resource per namespace, and reads them', async () => {
    const { resources } = await client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(['k8s://cluster/overview', 'k8s://namespaces/shop', 'k8s://namespaces/payments']));
    const overview = await client.readResource({ uri: 'k8s://cluster/overview' });
    const text = (overview.contents[0] as { text: string }).text;
    expect(text).toMatch(/Nodes: 3\/3 Ready/);
    expect(text).toMatch(/Pods needing attention:[\s\S]*CreateContainerConfigError/);
    const shop = await client.readResource({ uri: 'k8s://namespaces/shop' });
    expect((shop.contents[0] as { text: string }).text).toMatch(/^Namespace shop: 7 pods/);
  });

  it('completes namespace names for the template and pod names for the prompt', async () => {
    const ns = await client.complete({ ref: { type: 'ref/resource', uri: 'k8s://namespaces/{namespace}' }, argument: { name: 'namespace', value: 'pay' } });
    expect(ns.completion.values).toEqual(['payments']);
    const pods = await client.complete({
      ref: { type: 'ref/prompt', name: 'troubleshoot-pod' },
      argument: { name: 'pod', value: 'payments-api' },
      context: { arguments: { namespace: 'payments' } },
    });
    expect(pods.completion.values.length).toBe(1);
    expect(pods.completion.values[0]).toMatch(/^payments-api-/);
  });

  it('offers prompts that lead to the right tools', async () => {
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['cluster-health', 'troubleshoot-pod']);
    const prompt = await client.getPrompt({ name: 'troubleshoot-pod', arguments: { namespace: 'payments', pod: 'payments-api-x' } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain('k8s_describe kind=pod name=payments-api-x namespace=payments');
    await expect(client.getPrompt({ name: 'troubleshoot-pod', arguments: { namespace: 'Bad Name', pod: 'x' } })).rejects.toThrow(/namespace name/);
  });
});
