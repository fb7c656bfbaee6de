import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workloadOfPod } from '../../agents/ops/cluster.js';
import { rowLooksUnhealthy, scopeFor } from '../../agents/ops/diagnose-run.js';
import { pickService } from '../../agents/ops/connectivity-run.js';
import { parseEventsAsk } from '../../agents/ops/query.js';
import { candidateNames, chooseOpsSkill, OPS_SKILLS } from '../../agents/ops/skills.js';
import { requestedSkill } from '../../shared/a2a/agent.js';
import { loadCardSpec } from '../../shared/a2a/card.js';
import { parse } from 'yaml';
import { REPO_ROOT } from '../helpers/cli.js';

describe('ops skills', () => {
  it('are exactly the skills of cards/ops.json', () => {
    expect(loadCardSpec('ops').skills.map((s) => s.id)).toEqual([...OPS_SKILLS]);
  });

  it('a data part { skill } wins; an unknown one is reported', () => {
    expect(requestedSkill([{ skill: 'diagnose-workload' }], OPS_SKILLS)).toEqual({ skill: 'diagnose-workload' });
    expect(requestedSkill(['x', null, { other: 1 }], OPS_SKILLS)).toBeUndefined();
    expect(requestedSkill([{ skill: 'nope' }], OPS_SKILLS)).toEqual({ unknown: 'nope' });
    expect(requestedSkill([{ skill: 'cluster-query' }], OPS_SKILLS)).toEqual({ skill: 'cluster-query' });
  });

  it('picks the skill from the text: value questions stay queries', () => {
    const cases: Array<[string, string]> = [
      ['How many pods are in the default namespace?', 'cluster-query'],
      ['Which pods are failing in the shop namespace?', 'cluster-query'],
      ['How many endpoints does the payments-gateway service have?', 'cluster-query'],
      ['What is the status of the catalog pod in shop?', 'cluster-query'],
      ['Get logs for pod redis', 'cluster-query'],
      ['Show recent warning events in payments', 'cluster-query'],
      ['Why is payments-api failing?', 'diagnose-workload'],
      ['Why is the catalog pod not starting?', 'diagnose-workload'],
      ['What is wrong with fraud-detector?', 'diagnose-workload'],
      ['Troubleshoot the shop namespace', 'diagnose-workload'],
      ['cart keeps crashing', 'diagnose-workload'],
      ['Why does the payments-gateway service have no endpoints?', 'service-connectivity'],
      ['Can traffic reach the frontend service?', 'service-connectivity'],
      ['Which pods back the cart service?', 'service-connectivity'],
    ];
    for (const [q, skill] of cases) expect(chooseOpsSkill(q), q).toBe(skill);
  });

  it('candidate names drop stop words and keep DNS names', () => {
    expect(candidateNames('Why is the payments-api pod failing?')).toEqual(['payments-api']);
    expect(candidateNames('')).toEqual([]);
  });

  it('finds the workload of a generated pod name', () => {
    expect(workloadOfPod('payments-api-549bbc6b4b-zls6j')).toBe('payments-api');
    expect(workloadOfPod('db-migrate-2ggmc')).toBe('db-migrate');
    expect(workloadOfPod('postgres-0')).toBe('postgres');
    expect(workloadOfPod('redis')).toBe('redis');
  });

  it('scopes a request to a workload, a namespace or the cluster', () => {
    const pods = [
      { namespace: 'payments', name: 'payments-api-549bbc6b4b-zls6j', status: 'CrashLoopBackOff', ready: '0/1', restarts: '19 (52s ago)' },
      { namespace: 'payments', name: 'payments-gateway-6b6db9b9ff-gvtxk', status: 'Running', ready: '1/1', restarts: '0' },
      { namespace: 'shop', name: 'catalog-675d44467f-t7ljf', status: 'CreateContainerConfigError', ready: '0/1', restarts: '0' },
    ];
    const ns = ['payments', 'shop'];
    expect(scopeFor('Why is payments-api failing?', pods, ns)).toMatchObject({ target: 'payments-api', pods: [pods[0]] });
    expect(scopeFor('Troubleshoot the payments namespace', pods, ns)).toMatchObject({ target: undefined, namespace: 'payments', pods: [pods[0], pods[1]] });
    expect(scopeFor('why is catalog failing in shop', pods, ns)).toMatchObject({ target: 'catalog', namespace: 'shop' });
    // A namespace word without "namespace"/"in", which is also the prefix of pod names, is the namespace.
    expect(scopeFor('Why is payments failing?', pods, ns)).toMatchObject({ target: undefined, namespace: 'payments' });
    expect(scopeFor('why are pods failing', pods, ns)).toMatchObject({ target: undefined, namespace: undefined, pods });
    expect(pods.filter(rowLooksUnhealthy).map((p) => p.name)).toEqual([pods[0]!.name, pods[2]!.name]);
    expect(rowLooksUnhealthy({ namespace: '', name: 'x', status: 'Running', ready: '', restarts: '' })).toBe(true);
    expect(rowLooksUnhealthy({ namespace: '', name: 'x', status: 'Completed', ready: '0/1', restarts: '0' })).toBe(false);
    // A crash loop caught between crashes: Running and ready, but restarting.
    expect(rowLooksUnhealthy({ namespace: '', name: 'x', status: 'Running', ready: '1/1', restarts: '19 (52s ago)' })).toBe(true);
    expect(rowLooksUnhealthy({ namespace: '', name: 'x', status: 'Running', ready: '1/1', restarts: '0' })).toBe(false);
  });

  it('picks the Service a request names', () => {
    const services = [{ namespace: 'default', name: 'kubernetes' }, { namespace: 'payments', name: 'payments-gateway' }, { namespace: 'shop', name: 'cart' }, { namespace: 'other', name: 'cart' }];
    expect(pickService('Why does the payments-gateway service have no endpoints?', services)).toEqual({ namespace: 'payments', name: 'payments-gateway' });
    expect(pickService('Can traffic reach the cart service in other?', services)).toEqual({ namespace: 'other', name: 'cart' });
    expect(pickService('Can traffic reach the unicorn service?', services)).toBeUndefined();
  });

  it('parses the events ask', () => {
    expect(parseEventsAsk('Show recent warning events in payments', ['payments', 'shop'])).toEqual({ namespace: 'payments', warningsOnly: true });
    expect(parseEventsAsk('events in shop', ['payments', 'shop'])).toEqual({ namespace: 'shop', warningsOnly: false });
    expect(parseEventsAsk('How many pods are in shop?', ['shop'])).toBeUndefined();
  });
});

describe('the read-only question set stays with cluster-query', () => {
  it('every question of test/fixtures/questions/read-only.yaml is routed to cluster-query', () => {
    const questions = (parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'questions', 'read-only.yaml'), 'utf8')) as Array<{ q: string }>).map((x) => x.q);
    expect(questions.length).toBeGreaterThanOrEqual(40);
    const routedAway = questions.filter((q) => chooseOpsSkill(q) !== 'cluster-query');
    expect(routedAway).toEqual([]);
  });
});
