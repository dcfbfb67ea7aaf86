import * as assert from 'node:assert/strict';
import { nodeNamesOf } from '../../src/actions/actionArguments';
import { clusterChange, deleteAtOnce, inapplicable, nodeChange, sameServer, serverHost, type ActionTarget } from '../../src/actions/actionTarget';
import { BusyNodes } from '../../src/actions/busyNodes';
import { formatElapsed } from '../../src/actions/elapsed';
import { equivalentCommands, managedClusterOf } from '../../src/actions/equivalentCommands';
import { NODE_ACTIONS } from '../../src/actions/nodeActionKinds';

const PROVIDER = 'azure:///subscriptions/0000-1111/resourceGroups/mc_rg-aks_aks-demo_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/aks-userpool-12345678-vmss/virtualMachines/3';
const NODE = 'aks-userpool-12345678-vmss000003';
const CLUSTER = { context: 'aks-demo-westeurope', clusterEntry: 'aks-demo' };

describe('node actions: the pure parts', () => {
  describe('equivalentCommands', () => {
    it('writes kubectl with the context for cordon, uncordon and drain, every node on one line', () => {
      assert.deepEqual(equivalentCommands('cordon', [{ node: NODE }], CLUSTER, 300_000), [`kubectl --context aks-demo-westeurope cordon ${NODE}`]);
      assert.deepEqual(equivalentCommands('uncordon', [{ node: 'a' }, { node: 'b' }], CLUSTER, 300_000), ['kubectl --context aks-demo-westeurope uncordon a b']);
      assert.deepEqual(equivalentCommands('drain', [{ node: NODE }], CLUSTER, 300_000),
        [`kubectl --context aks-demo-westeurope drain ${NODE} --ignore-daemonsets --delete-emptydir-data --timeout=300s`]);
    });

    it('adds --force to the drain only when evicting unmanaged pods was confirmed', () => {
      assert.deepEqual(equivalentCommands('drain', [{ node: NODE }], CLUSTER, 60_000, { force: true }),
        [`kubectl --context aks-demo-westeurope drain ${NODE} --ignore-daemonsets --delete-emptydir-data --force --timeout=60s`]);
      assert.doesNotMatch(equivalentCommands('drain', [{ node: NODE }], CLUSTER, 60_000, { force: false })[0], /--force/);
    });

    it('writes one az vmss command per instance, from the providerID', () => {
      for (const op of ['restart', 'reimage', 'redeploy'] as const) {
        assert.deepEqual(equivalentCommands(op, [{ node: NODE, providerID: PROVIDER }], CLUSTER, 1),
          [`az vmss ${op} --resource-group mc_rg-aks_aks-demo_westeurope --name aks-userpool-12345678-vmss --instance-ids 3`]);
      }
      const two = equivalentCommands('reimage', [{ node: NODE, providerID: PROVIDER }, { node: 'x', providerID: PROVIDER.replace(/3$/, '5') }], CLUSTER, 1);
      assert.equal(two.length, 2);
      assert.match(two[1], /--instance-ids 5$/);
    });

    it('writes az aks nodepool delete-machines with the managed cluster read from the node resource group', () => {
      assert.deepEqual(equivalentCommands('deleteMachine', [{ node: NODE, providerID: PROVIDER, pool: 'userpool' }], CLUSTER, 1),
        [`az aks nodepool delete-machines --resource-group rg-aks --cluster-name aks-demo --nodepool-name userpool --machine-names ${NODE}`]);
    });

    it('shows placeholders, never a guess, for what the providerID does not say', () => {
      assert.deepEqual(equivalentCommands('restart', [{ node: NODE, providerID: 'kind://docker/x' }], CLUSTER, 1),
        ['az vmss restart --resource-group <resource-group> --name <scale-set> --instance-ids <instance-id>']);
      const custom = PROVIDER.replace('mc_rg-aks_aks-demo_westeurope', 'my-nodes');
      assert.deepEqual(equivalentCommands('deleteMachine', [{ node: NODE, providerID: custom }], CLUSTER, 1),
        [`az aks nodepool delete-machines --resource-group <resource-group> --cluster-name <cluster-name> --nodepool-name <nodepool-name> --machine-names ${NODE}`]);
    });

    it('quotes names from the cluster for a POSIX shell', () => {
      const [line] = equivalentCommands('cordon', [{ node: "n'; rm -rf / #" }], { context: 'ctx with space' }, 1);
      assert.equal(line, `kubectl --context 'ctx with space' cordon 'n'\\''; rm -rf / #'`);
    });
  });

  describe('managedClusterOf', () => {
    it('prefers the split whose cluster name is the kubeconfig cluster entry, keeping its case', () => {
      assert.deepEqual(managedClusterOf('mc_rg_with_underscores_aks-demo_westeurope', 'aks-demo'), { resourceGroup: 'rg_with_underscores', name: 'aks-demo' });
      assert.deepEqual(managedClusterOf('MC_rg_my_cluster_eastus', 'my_cluster'), { resourceGroup: 'rg', name: 'my_cluster' });
      assert.deepEqual(managedClusterOf('MC_rg_aks-Demo_eastus', 'aks-Demo-admin'), { resourceGroup: 'rg', name: 'aks-Demo' });
    });

    it('falls back to the last underscore, and to nothing for a custom group', () => {
      assert.deepEqual(managedClusterOf('MC_rg_my_cluster_eastus', 'other'), { resourceGroup: 'rg_my', name: 'cluster' });
      assert.equal(managedClusterOf('custom-node-rg', 'aks-demo'), undefined);
      assert.equal(managedClusterOf('MC_eastus'), undefined);
    });
  });

  describe('nodeNamesOf', () => {
    const row = (name: string) => ({ kind: 'node', name });
    it('takes the clicked row, or every selected node row when the clicked one is among them', () => {
      assert.deepEqual(nodeNamesOf(row('a')), ['a']);
      assert.deepEqual(nodeNamesOf(row('a'), [row('a')]), ['a']);
      assert.deepEqual(nodeNamesOf(row('b'), [row('a'), row('b'), row('a')]), ['a', 'b']);
      assert.deepEqual(nodeNamesOf('c'), ['c']);
    });

    it('ignores a selection the clicked row is not part of, and rows that are not nodes', () => {
      assert.deepEqual(nodeNamesOf(row('c'), [row('a'), row('b')]), ['c']);
      assert.deepEqual(nodeNamesOf(row('a'), [row('a'), { kind: 'pool', name: 'userpool' }, { kind: 'step', node: 'b', index: 0 }]), ['a']);
      assert.deepEqual(nodeNamesOf(undefined, [row('a'), row('b')]), []);
      assert.deepEqual(nodeNamesOf({ kind: 'pool', name: 'userpool' }), []);
    });
  });

  describe('the check after the confirmation', () => {
    const target: ActionTarget = { node: NODE, uid: 'uid-1', providerID: PROVIDER, unschedulable: false };
    const cluster = { context: 'a', server: 'https://127.0.0.1:6443' };

    it('refuses another context or API server, and a missing connection', () => {
      assert.equal(clusterChange(cluster, { ...cluster }), undefined);
      assert.deepEqual(clusterChange(cluster, { context: 'b', server: cluster.server }), { kind: 'context-switched', from: cluster, to: { context: 'b', server: cluster.server } });
      assert.equal(clusterChange(cluster, { context: 'a', server: 'https://10.0.0.1:6443' })?.kind, 'context-switched');
      assert.deepEqual(clusterChange(cluster, undefined), { kind: 'no-cluster' });
    });

    it('refuses a node that is gone, replaced (uid) or on another machine (providerID)', () => {
      const facts = { name: NODE, uid: 'uid-1', providerID: PROVIDER, unschedulable: true };
      assert.equal(nodeChange(target, facts), undefined, 'a cordon in between is no reason to refuse');
      assert.deepEqual(nodeChange(target, undefined), { kind: 'node-gone', node: NODE });
      assert.deepEqual(nodeChange(target, { ...facts, uid: 'uid-2' }), { kind: 'node-replaced', node: NODE, was: 'uid-1', now: 'uid-2' });
      assert.equal(nodeChange(target, { ...facts, providerID: undefined })?.kind, 'provider-changed');
      assert.equal(nodeChange(target, { ...facts, providerID: PROVIDER.replace(/3$/, '4') })?.kind, 'provider-changed');
    });

    it('treats a trailing slash as the same API server, and nothing as no server', () => {
      assert.equal(sameServer('https://127.0.0.1:6443/', 'https://127.0.0.1:6443'), true);
      assert.equal(sameServer('https://127.0.0.1:6443', 'https://127.0.0.1:6444'), false);
      assert.equal(sameServer(undefined, 'https://127.0.0.1:6443'), false);
    });

    it('deletes at once (grace 0) only when the dialog said so and the node, read again, is still not Ready', () => {
      const facts = { name: NODE, uid: 'uid-1', unschedulable: true };
      assert.equal(deleteAtOnce(true, { ...facts, ready: 'False' }), true);
      assert.equal(deleteAtOnce(true, { ...facts, ready: 'Unknown' }), true);
      assert.equal(deleteAtOnce(true, { ...facts, ready: 'True' }), false, 'its kubelet came back while the dialog was open');
      assert.equal(deleteAtOnce(false, { ...facts, ready: 'False' }), false, 'never harsher than the dialog said');
    });

    it('names the API server by its host', () => {
      assert.equal(serverHost('https://aks-demo-dns-1a2b.hcp.westeurope.azmk8s.io:443'), 'aks-demo-dns-1a2b.hcp.westeurope.azmk8s.io');
      assert.equal(serverHost('https://127.0.0.1:6443'), '127.0.0.1:6443');
      assert.equal(serverHost('not a url'), 'not a url');
    });
  });

  describe('which nodes an action applies to (before any dialog)', () => {
    const availabilitySet = 'azure:///subscriptions/0000-1111/resourceGroups/mc_rg-aks_aks-demo_westeurope/providers/Microsoft.Compute/virtualMachines/aks-nodepool1-12345678-0';
    const node = (over: Partial<ActionTarget>): ActionTarget => ({ node: NODE, uid: 'uid-1', providerID: PROVIDER, pool: 'userpool', unschedulable: false, ...over });

    it('refuses every Azure action on an availability-set VM, Delete Machine included', () => {
      for (const kind of ['restart', 'reimage', 'redeploy', 'deleteMachine'] as const) {
        assert.deepEqual(inapplicable(kind, node({ providerID: availabilitySet })), { kind: 'not-scale-set' }, kind);
        assert.equal(inapplicable(kind, node({})), undefined, kind);
      }
    });

    it('refuses an Azure action without a usable providerID, and Delete Machine without a pool', () => {
      assert.equal(inapplicable('reimage', node({ providerID: undefined }))?.kind, 'no-azure-target');
      assert.equal(inapplicable('deleteMachine', node({ providerID: 'kind://docker/x' }))?.kind, 'no-azure-target');
      assert.deepEqual(inapplicable('deleteMachine', node({ pool: undefined })), { kind: 'no-pool' });
      assert.equal(inapplicable('restart', node({ pool: undefined })), undefined);
    });

    it('refuses a cordon of a cordoned node and an uncordon of a schedulable one; cluster actions need no providerID', () => {
      assert.deepEqual(inapplicable('cordon', node({ unschedulable: true })), { kind: 'already-cordoned' });
      assert.deepEqual(inapplicable('uncordon', node({})), { kind: 'not-cordoned' });
      assert.equal(inapplicable('drain', node({ providerID: undefined })), undefined);
    });
  });

  describe('BusyNodes: one action at a time per node', () => {
    const a = { context: 'a', server: 'https://127.0.0.1:6443' };

    it('refuses a second claim on a busy node, naming the running action, until it is released', () => {
      const busy = new BusyNodes();
      const drain = busy.claim(a, 'drain', ['n1']);
      assert.ok('release' in drain);
      assert.deepEqual(busy.runningOn(a, ['n1']), { kind: 'drain', node: 'n1' });
      assert.deepEqual(busy.claim(a, 'reimage', ['n2', 'n1']), { running: { kind: 'drain', node: 'n1' } });
      assert.equal(busy.runningOn(a, ['n2']), undefined, 'a refused claim takes nothing');
      drain.release();
      assert.equal(busy.runningOn(a, ['n1']), undefined);
      const again = busy.claim(a, 'uncordon', ['n1']);
      assert.ok('release' in again);
      drain.release();
      assert.deepEqual(busy.runningOn(a, ['n1']), { kind: 'uncordon', node: 'n1' }, 'an old release frees nothing another claim took');
    });

    it('keys by API server: another context on the same server shares the node, another cluster does not', () => {
      const busy = new BusyNodes();
      busy.claim(a, 'drain', ['n1']);
      assert.equal(busy.runningOn({ context: 'other', server: 'https://127.0.0.1:6443/' }, ['n1'])?.kind, 'drain');
      assert.equal(busy.runningOn({ context: 'a', server: 'https://10.0.0.1:6443' }, ['n1']), undefined);
    });
  });

  it('marks drain, reimage, redeploy and delete machine as destructive, and only those', () => {
    assert.deepEqual(Object.values(NODE_ACTIONS).filter((a) => a.destructive).map((a) => a.kind).sort(), ['deleteMachine', 'drain', 'redeploy', 'reimage']);
    assert.deepEqual(Object.values(NODE_ACTIONS).filter((a) => a.side === 'cluster').map((a) => a.kind).sort(), ['cordon', 'drain', 'uncordon']);
  });

  it('formats elapsed time to the second', () => {
    assert.equal(formatElapsed(0), '0s');
    assert.equal(formatElapsed(45_900), '45s');
    assert.equal(formatElapsed(65_000), '1m 05s');
    assert.equal(formatElapsed(-5), '0s');
  });
});
