import { describe, expect, it } from 'vitest';
import { bareName, type ParsedQuestion, parseQuestion } from '../../shared/reasoning/embedded/question.js';
import type { Vocabulary } from '../../shared/reasoning/embedded/vocabulary.js';

const kind = (k: string, plural: string, shortNames: string[] = [], namespaced = true) => ({ kind: k, plural, singular: k.toLowerCase(), shortNames, namespaced });
const VOCAB: Vocabulary = {
  kinds: [kind('Pod', 'pods', ['po']), kind('Deployment', 'deployments', ['deploy']), kind('Service', 'services', ['svc']), kind('Node', 'nodes', ['no'], false), kind('Namespace', 'namespaces', ['ns'], false), kind('CronJob', 'cronjobs', ['cj']), kind('Ingress', 'ingresses', ['ing'])],
  namespaces: ['default', 'shop', 'payments'],
  objects: [
    { kind: 'Deployment', name: 'redis', namespace: 'shop' },
    { kind: 'Service', name: 'redis', namespace: 'shop' },
    { kind: 'Pod', name: 'redis-d46897f66-5v6jq', namespace: 'shop' },
    { kind: 'Deployment', name: 'payments-api', namespace: 'payments' },
    { kind: 'Deployment', name: 'payments', namespace: 'payments' },
    { kind: 'Pod', name: 'payments-api-549bbc6b4b-zls6j', namespace: 'payments' },
    { kind: 'Ingress', name: 'shop', namespace: 'shop' },
    { kind: 'Node', name: 'worker-1', namespace: null },
  ],
};
const parsed = (q: string) => parseQuestion(q, VOCAB) as ParsedQuestion;

describe('bareName', () => {
  it('strips what controllers generate, keeps what people named', () => {
    const workloads = ['redis', 'payments-api', 'payments', 'db-migrate', 'postgres'];
    expect(bareName('redis-d46897f66-5v6jq', workloads)).toBe('redis');
    expect(bareName('payments-api-549bbc6b4b-zls6j', workloads)).toBe('payments-api');
    expect(bareName('db-migrate-2ggmc', workloads)).toBe('db-migrate');
    expect(bareName('postgres-0', workloads)).toBe('postgres-0');
    expect(bareName('my-loner', workloads)).toBe('my-loner');
  });
});

describe('parseQuestion', () => {
  it('a count of a kind in a namespace, and across the cluster', () => {
    expect(parsed('How many pods are in the default namespace?')).toMatchObject({ ask: 'count', namespace: 'default', allNamespaces: false });
    expect(parsed('How many pods are in the default namespace?').kinds[0]?.plural).toBe('pods');
    expect(parsed('How many deployments across all namespaces')).toMatchObject({ ask: 'count', namespace: undefined, allNamespaces: true });
  });

  it('a pod named by its bare name, preferred over the Deployment and Service of that name when asking a pod thing', () => {
    expect(parsed('What is the status of the pod named redis?').target).toEqual({ kind: 'Pod', name: 'redis-d46897f66-5v6jq', namespace: 'shop' });
    expect(parsed('Get logs for redis').target?.kind).toBe('Pod');
    expect(parsed('What image does redis use?').target?.kind).toBe('Deployment');
    expect(parsed('What port does the redis service expose?').target?.kind).toBe('Service');
  });

  it('the longer name wins (payments-api over payments), and the ingress over the namespace it shares a name with', () => {
    expect(parsed('Which namespace is payments-api in?').target?.name).toBe('payments-api');
    expect(parsed('What is the host of the shop ingress?')).toMatchObject({ ask: 'host', target: { kind: 'Ingress', name: 'shop' } });
  });

  it('a namespace whose name starts another one\'s is not found inside it (shop in shop-eu)', () => {
    const vocab: Vocabulary = { ...VOCAB, namespaces: ['shop', 'shop-eu'], objects: [...VOCAB.objects, { kind: 'Pod', name: 'web-1', namespace: 'shop-eu' }] };
    expect((parseQuestion('Show the logs of pod web-1 in namespace shop-eu', vocab) as ParsedQuestion).namespace).toBe('shop-eu');
    expect((parseQuestion('How many pods are in namespace shop.', vocab) as ParsedQuestion).namespace).toBe('shop');
    expect((parseQuestion('How many pods are in the shop-eu namespace?', vocab) as ParsedQuestion).namespace).toBe('shop-eu');
  });

  it('status filters, previous logs, tails, probes and env vars', () => {
    expect(parsed('Which pods are failing in shop?')).toMatchObject({ ask: 'list', status: { kind: 'unhealthy' }, namespace: 'shop' });
    expect(parsed('How many pods are running in payments?').status).toEqual({ kind: 'is', status: 'Running' });
    expect(parsed('Show logs of payments-api from before it crashed')).toMatchObject({ ask: 'logs', previous: true });
    expect(parsed('last 20 lines of the redis logs').tail).toBe(20);
    expect(parsed('What is the liveness probe path of redis?')).toMatchObject({ ask: 'probe', probe: 'liveness' });
    expect(parsed('What is the value of REDIS_ADDR in redis?')).toMatchObject({ ask: 'env', envVar: 'REDIS_ADDR' });
  });

  it('"no" is English, not the short name of nodes', () => {
    expect(parsed('Are there no pods pending in shop?').kinds.map((k) => k.kind)).toEqual(['Pod']);
  });

  it('a question without a known question word is unknown, with a reason', () => {
    expect(parseQuestion('Compose a haiku about etcd', VOCAB)).toEqual({ ask: 'unknown', reason: 'no question word or verb this engine knows' });
    expect(parseQuestion('   ', VOCAB)).toEqual({ ask: 'unknown', reason: 'the question is empty' });
  });
});
