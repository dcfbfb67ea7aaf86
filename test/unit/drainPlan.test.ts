import * as assert from 'node:assert/strict';

import fc from 'fast-check';

import { budgetName, nodeFieldSelector, planDrain, refusalText } from '../../src/cluster/drainPlan';
import { makePod } from '../standin/podFixtures';
import { parseFieldSelector } from '../standin/selectors';

describe('drainPlan: which pods a drain evicts', function () {
  const node = 'aks-userpool-12345678-vmss000000';

  it('skips DaemonSet and mirror pods, counts finished pods as done, and evicts the rest', function () {
    const pods = [
      makePod({ namespace: 'kube-system', node, owner: { kind: 'DaemonSet', name: 'kube-proxy' } }),
      makePod({ namespace: 'kube-system', name: 'static-web', node, mirror: true }),
      makePod({ namespace: 'shop', node, owner: { kind: 'Job', name: 'report-1' }, phase: 'Succeeded' }),
      makePod({ namespace: 'shop', node, owner: { kind: 'Job', name: 'report-2' }, phase: 'Failed' }),
      makePod({ namespace: 'shop', name: 'web-1', node, owner: { kind: 'ReplicaSet', name: 'web-7d4b9c6f5' } }),
      makePod({ namespace: 'shop', name: 'resizer-1', node, owner: { kind: 'ReplicaSet', name: 'resizer-6c5d8f7b9' }, emptyDir: true }),
      makePod({ namespace: 'default', name: 'debug', node }),
    ];
    const plan = planDrain(pods, node);
    assert.deepEqual(plan.skipped.map((s) => [s.pod.name.replace(/-[a-z0-9]{5}$/, ''), s.why]), [['kube-proxy', 'daemonset'], ['static-web', 'mirror']]);
    assert.equal(plan.finished.length, 2);
    assert.deepEqual(plan.evict.map((e) => [e.pod.name, e.unmanaged, e.emptyDir]), [
      ['web-1', false, false], ['resizer-1', false, true], ['debug', true, false],
    ]);
    assert.equal(plan.evict[0].uid, pods[4].metadata?.uid);
  });

  it('reads the budget from the API server\'s DisruptionBudget cause', function () {
    const status = {
      kind: 'Status', code: 429, reason: 'TooManyRequests',
      message: 'Cannot evict pod as it would violate the pod\'s disruption budget.',
      details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget checkout-pdb needs 2 healthy pods and has 1 currently' }] },
    };
    assert.equal(budgetName(status), 'checkout-pdb');
    assert.equal(refusalText(status), 'Cannot evict pod as it would violate the pod\'s disruption budget. The disruption budget checkout-pdb needs 2 healthy pods and has 1 currently');
    assert.equal(budgetName({ ...status, details: { causes: [{ reason: 'DisruptionBudget', message: 'The disruption budget web.v2 is still being processed by the server.' }] } }), 'web.v2');
    assert.equal(budgetName({ message: status.message }), undefined);
    assert.equal(budgetName(undefined), undefined);
    assert.equal(refusalText({}), undefined);
  });

  it('asks the API server for the node\'s pods with the name escaped as a field selector value', function () {
    assert.equal(nodeFieldSelector(node), `spec.nodeName=${node}`);
    assert.equal(nodeFieldSelector('a,b=c\\d'), 'spec.nodeName=a\\,b\\=c\\\\d');
    // A name that tries to add a requirement of its own stays one value (the API server's parsing rules).
    const hostile = 'x,metadata.namespace!=kube-system';
    assert.deepEqual(parseFieldSelector(nodeFieldSelector(hostile)), [{ field: 'spec.nodeName', op: '=', value: hostile }]);
    assert.deepEqual(parseFieldSelector(`spec.nodeName=${hostile}`).length, 2, 'unescaped, the same name is two requirements');
    fc.assert(fc.property(fc.string({ maxLength: 60 }).filter((s) => s.trim() === s), (name) => {
      assert.deepEqual(parseFieldSelector(nodeFieldSelector(name)), [{ field: 'spec.nodeName', op: '=', value: name }]);
    }), { numRuns: 1000 });
  });

  it('plans only the pods on the node, whatever the list returned (a server that ignores the selector)', function () {
    const other = 'aks-userpool-12345678-vmss000001';
    const pods = [
      makePod({ namespace: 'shop', name: 'web-1', node, owner: { kind: 'ReplicaSet', name: 'web-7d4b9c6f5' } }),
      makePod({ namespace: 'shop', name: 'web-2', node: other, owner: { kind: 'ReplicaSet', name: 'web-7d4b9c6f5' } }),
      makePod({ namespace: 'shop', name: 'pending-1', owner: { kind: 'ReplicaSet', name: 'web-7d4b9c6f5' } }),
      makePod({ namespace: 'kube-system', node: other, owner: { kind: 'DaemonSet', name: 'kube-proxy' } }),
      makePod({ namespace: 'shop', node: other, owner: { kind: 'Job', name: 'report-1' }, phase: 'Succeeded' }),
    ];
    const plan = planDrain(pods, node);
    assert.deepEqual(plan.evict.map((e) => e.pod.name), ['web-1']);
    assert.deepEqual([plan.skipped.length, plan.finished.length], [0, 0]);
    assert.deepEqual(plan.elsewhere.map((p) => p.name), ['web-2', 'pending-1', pods[3].metadata?.name, pods[4].metadata?.name]);
  });
});
