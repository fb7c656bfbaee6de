import { describe, expect, it } from 'vitest';
import { type ClusterChange, configChanges, correlate, durationText, eventChanges, podOf, rolloutChanges } from '../../agents/observability/changes.js';

const T = Date.UTC(2026, 10, 22, 12, 0, 0) / 1000;
const iso = (t: number) => new Date(t * 1000).toISOString();
const rs = (name: string, revision: number, created: number, image: string, owner = 'cart', namespace = 'shop') => ({
  metadata: { name, namespace, creationTimestamp: iso(created), annotations: { 'deployment.kubernetes.io/revision': String(revision) }, ownerReferences: [{ kind: 'Deployment', name: owner, controller: true }] },
  spec: { template: { spec: { containers: [{ name: 'app', image }] } } },
});

describe('rolloutChanges', () => {
  it('dates each revision by its ReplicaSet and names the image it changed', () => {
    const changes = rolloutChanges([rs('cart-aaaaaaa', 7, T - 120, 'cart:1.4'), rs('cart-bbbbbbb', 6, T - 86_400, 'cart:1.3'), null, { metadata: null }]);
    expect(changes).toHaveLength(2);
    const latest = changes.find((c) => c.time === T - 120)!;
    expect(latest.object).toEqual({ kind: 'Deployment', namespace: 'shop', name: 'cart' });
    expect(latest.what).toBe('rolled out revision 7 (image cart:1.3 → cart:1.4)');
    expect(changes.find((c) => c.time === T - 86_400)!.what).toBe('rolled out revision 6 (image cart:1.3)');
  });

  it('skips ReplicaSets without an owning Deployment or a creation time', () => {
    const orphan = { ...rs('x', 1, T, 'x:1'), metadata: { name: 'x', namespace: 'shop', creationTimestamp: iso(T) } };
    const undated = { ...rs('y', 1, T, 'y:1'), metadata: { ...rs('y', 1, T, 'y:1').metadata, creationTimestamp: null } };
    expect(rolloutChanges([orphan, undated])).toEqual([]);
  });
});

describe('configChanges and eventChanges', () => {
  it('uses the newest managedFields time as an edit, else the creation', () => {
    const changes = configChanges('ConfigMap', [
      { metadata: { name: 'edited', namespace: 'shop', creationTimestamp: iso(T - 9000), managedFields: [{ time: iso(T - 9000) }, { time: iso(T - 60) }, null] } },
      { metadata: { name: 'new', namespace: 'shop', creationTimestamp: iso(T - 30), managedFields: null } },
      { metadata: { name: 'by-hand', namespace: 'shop', creationTimestamp: iso(T - 900), managedFields: [{ time: iso(T - 900), manager: 'kubectl-create' }, { time: iso(T - 20), manager: 'kubectl-edit' }] } },
      { metadata: { name: null, namespace: 'shop' } },
    ]);
    expect(changes.map((c) => [c.object.name, c.what, c.time])).toEqual([
      ['edited', 'was edited', T - 60],
      ['new', 'was created', T - 30],
      ['by-hand', 'was edited (by kubectl-edit)', T - 20],
    ]);
  });

  it('keeps change-like Normal events and every Warning, with the Kind spelled out', () => {
    const changes = eventChanges([
      { namespace: 'shop', type: 'Normal', reason: 'ScalingReplicaSet', object: 'deployment/cart', message: 'Scaled up replica set cart-aaaaaaa to 2', last: iso(T) },
      { namespace: 'shop', type: 'Normal', reason: 'Started', object: 'pod/cart-aaaaaaa-abcde', message: 'Started container app', last: iso(T) },
      { namespace: 'shop', type: 'Warning', reason: 'BackOff', object: 'pod/cart-aaaaaaa-abcde', message: 'Back-off restarting', last: iso(T) },
      { namespace: 'shop', type: 'Warning', reason: 'BackOff', object: null, last: iso(T) },
      { namespace: 'shop', type: 'Warning', reason: 'BackOff', object: 'pod/x', last: 'not a time' },
    ]);
    expect(changes.map((c) => `${c.object.kind}/${c.object.name} ${c.reason}`)).toEqual(['Deployment/cart ScalingReplicaSet', 'Pod/cart-aaaaaaa-abcde BackOff']);
  });
});

describe('correlate', () => {
  const change = (over: Partial<ClusterChange> & Pick<ClusterChange, 'time'>): ClusterChange => ({ source: 'event', object: { kind: 'Pod', namespace: 'shop', name: 'other-0' }, what: 'had event Killing', reason: 'Killing', ...over });
  const rollout: ClusterChange = { time: T - 120, source: 'rollout', object: { kind: 'Deployment', namespace: 'shop', name: 'cart' }, what: 'rolled out revision 7 (image cart:1.3 → cart:1.4)' };

  it('ranks the rollout of the pod\'s own Deployment just before the episode first, in words', () => {
    const list = correlate({ namespace: 'shop', pod: 'cart-7d9f8c6b5-x2k4q', start: T }, [
      change({ time: T - 60 }),
      change({ time: T - 1800, source: 'config', object: { kind: 'ConfigMap', namespace: 'shop', name: 'cart-config' }, what: 'was edited' }),
      rollout,
    ]);
    expect(list[0]!.relation).toBe('same-workload');
    expect(list[0]!.text).toBe('began 2 min after Deployment shop/cart rolled out revision 7 (image cart:1.3 → cart:1.4)');
    expect(list.map((c) => c.change.object.name)).toEqual(['cart', 'other-0', 'cart-config']);
  });

  it('counts only the last rollout of a Deployment before the episode, even within the same second', () => {
    const both = rolloutChanges([rs('cart-bbbbbbb', 2, T - 120, 'cart:1.4'), rs('cart-aaaaaaa', 1, T - 120, 'cart:1.3')]);
    const list = correlate({ namespace: 'shop', pod: 'cart-7d9f8c6b5-x2k4q', start: T }, both, { max: 5 });
    expect(list.map((c) => c.change.what)).toEqual(['rolled out revision 2 (image cart:1.3 → cart:1.4)']);
  });

  it('leaves out other namespaces, changes too long before, and changes long after the start', () => {
    const list = correlate({ namespace: 'shop', pod: 'cart-7d9f8c6b5-x2k4q', start: T }, [
      { ...rollout, object: { ...rollout.object, namespace: 'other' } },
      { ...rollout, time: T - 7200 },
      { ...rollout, time: T + 600 },
    ]);
    expect(list).toEqual([]);
  });

  it('says "before" for a change after the start, counts it less than one as close before, and keeps the nearest of repeated events', () => {
    const list = correlate({ namespace: 'shop', pod: 'cart-7d9f8c6b5-x2k4q', start: T }, [change({ time: T + 60 }), change({ time: T - 60 }), change({ time: T - 600 })], { max: 5 });
    expect(list).toHaveLength(1);
    expect(list[0]!.lead).toBe(60);
    const after = correlate({ namespace: 'shop', start: T }, [change({ time: T + 60, object: { kind: 'Pod', namespace: 'shop', name: 'a' } }), change({ time: T - 60, object: { kind: 'Pod', namespace: 'shop', name: 'b' } })]);
    expect(after.map((c) => c.change.object.name)).toEqual(['b', 'a']);
    expect(after[1]!.text).toBe('began 60 s before Pod shop/a had event Killing');
  });
});

describe('helpers', () => {
  it('podOf follows controller naming', () => {
    expect(podOf('cart-7d9f8c6b5-x2k4q', 'Deployment', 'cart')).toBe(true);
    expect(podOf('cart-api-7d9f8c6b5-x2k4q', 'Deployment', 'cart')).toBe(false);
    expect(podOf('db-0', 'StatefulSet', 'db')).toBe(true);
    expect(podOf('db-0', 'Deployment', 'db')).toBe(false);
    expect(podOf('cart-7d9f8c6b5-x2k4q', 'ReplicaSet', 'cart-7d9f8c6b5')).toBe(true);
  });
  it('durationText picks a unit', () => {
    expect([durationText(45), durationText(120), durationText(-7200)]).toEqual(['45 s', '2 min', '2 h']);
  });
});
