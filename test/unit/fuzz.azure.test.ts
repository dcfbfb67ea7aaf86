/**
 * Fuzzing the readers that turn Azure's answers into diagnosis facts. Azure's JSON is untrusted
 * text: whatever strings it holds, the facts stay bounded and on the types the renderers expect.
 * The readers load no `@azure/*` module at run time, so they run in the unit tier. An answer of
 * the wrong shape (a number where a string belongs) may make a reader throw: diagnose() catches
 * that per section (its `unexpected` handler), so only TypeErrors are allowed there.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { activityEntry, statusError } from '../../src/azure/activityReader';
import { clusterFacts, clusterNameGuesses, poolFacts } from '../../src/azure/clusterReader';
import { extensionFacts, instanceFacts } from '../../src/azure/instanceReader';
import { cut } from '../../src/azure/problems';
import type { NodeTarget } from '../../src/domain/diagnosis';
import { hostileText } from '../fixtures/hostile/fuzzArbitraries';
import { loneSurrogateIndex } from '../fixtures/hostile/hostileCorpus';
import { assertRoughlyLinear } from '../fixtures/hostile/scaling';

const TARGET: NodeTarget = {
  kind: 'vmss', subscriptionId: '00000000-0000-0000-0000-000000000001', resourceGroup: 'mc_rg', scaleSet: 'aks-pool-vmss', instanceId: '3',
  resourceId: '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-vmss/virtualMachines/3',
};

const text = hostileText(['PowerState/running', 'ProvisioningState/failed/50', 'HealthState/healthy', 'exit status=50', '"ExitCode": "50"', 'vmssCSE',
  'Microsoft.Azure.Extensions.CustomScript', 'Failed', '{"error":{"code":"X","message":"m"}}', ' ', '\n']);
const strings = fc.array(text, { maxLength: 4 });
const status = fc.record({ code: text, level: text, displayStatus: text, message: text }, { requiredKeys: [] });

/** Well-typed answers: every string hostile, every field optional. */
const vmModel = fc.record({
  name: text, provisioningState: text, latestModelApplied: fc.boolean(), zones: strings, sku: fc.record({ name: text }, { requiredKeys: [] }),
  hardwareProfile: fc.record({ vmSize: text }, { requiredKeys: [] }), osProfile: fc.record({ computerName: text }, { requiredKeys: [] }),
  storageProfile: fc.record({ imageReference: fc.record({ id: text, publisher: text, offer: text, sku: text, version: text, exactVersion: text, sharedGalleryImageId: text }, { requiredKeys: [] }) }, { requiredKeys: [] }),
}, { requiredKeys: [] });
const instanceView = fc.record({
  computerName: text, statuses: fc.array(status, { maxLength: 4 }), vmHealth: fc.record({ status }, { requiredKeys: [] }),
  extensions: fc.array(fc.record({ name: fc.oneof(text, fc.constant('vmssCSE')), type: text, typeHandlerVersion: text, statuses: fc.array(status, { maxLength: 2 }), substatuses: fc.array(status, { maxLength: 3 }) }, { requiredKeys: [] }), { maxLength: 60 }),
}, { requiredKeys: [] });
const localizable = fc.record({ value: text, localizedValue: text }, { requiredKeys: [] });
const eventData = fc.record({
  caller: text, correlationId: text, operationName: localizable, status: fc.oneof(localizable, fc.constant({ value: 'Failed' })), subStatus: localizable,
  eventTimestamp: fc.oneof(fc.date({ noInvalidDate: false }), text), resourceId: text, properties: fc.record({ statusMessage: fc.oneof(text, fc.jsonValue().map((v) => JSON.stringify(v))) }, { requiredKeys: [] }),
}, { requiredKeys: [] });
const poolModel = fc.record({ name: text, provisioningState: text, powerState: fc.record({ code: text }, { requiredKeys: [] }), count: fc.integer(), vmSize: text, nodeImageVersion: text, mode: text }, { requiredKeys: [] });
const clusterModel = fc.record({
  id: text, name: text, provisioningState: text, powerState: fc.record({ code: text }, { requiredKeys: [] }), kubernetesVersion: text, currentKubernetesVersion: text,
  nodeResourceGroup: text, networkProfile: fc.record({ outboundType: text }, { requiredKeys: [] }),
  identityProfile: fc.record({ kubeletidentity: fc.record({ clientId: text, objectId: text, resourceId: text }, { requiredKeys: [] }) }, { requiredKeys: [] }),
}, { requiredKeys: [] });

/** Every string in a value: at most `max` long, no lone surrogate made by a cut. */
function assertStrings(value: unknown, max: number): void {
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      assert.ok(v.length <= max, `a string of ${v.length}`);
    } else if (typeof v === 'object' && v !== null) {
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
}

/** Runs `read`; a throw must be a TypeError (a wrong-shaped answer), which diagnose() turns into a section error. */
function tolerant(read: () => unknown): void {
  try {
    read();
  } catch (err) {
    assert.ok(err instanceof TypeError, `${(err as Error).name}: ${(err as Error).message}`);
  }
}

describe('fuzz: Azure readers', function () {
  this.timeout(120_000);

  it('well-typed answers with hostile strings give bounded facts and never throw', () => {
    fc.assert(fc.property(vmModel, fc.option(instanceView, { nil: undefined }), eventData, poolModel, clusterModel, text, (model, view, event, pool, cluster, message) => {
      assertStrings(instanceFacts(TARGET, model, view), 600);
      if (view) {
        const exts = extensionFacts(view);
        assert.ok(exts.length <= 50);
        assertStrings(exts, 2000);
        for (const x of exts) {
          assert.ok(x.exitCode === undefined || (x.exitCode >= 0 && x.exitCode <= 255));
        }
      }
      assertStrings(activityEntry(event), 2000);
      assertStrings(statusError(message), 2000);
      const p = poolFacts(pool, 'nodepool1');
      assertStrings(p, 200);
      assertStrings(clusterFacts(cluster, 'rg', p), 600);
      assert.ok(clusterNameGuesses(message).length <= 3);
    }), { numRuns: 300 });
  });

  it('wrong-shaped answers throw nothing but TypeErrors', () => {
    // Azure's answers are parsed JSON: no getters or proxies, any shape.
    const json = fc.oneof(fc.jsonValue({ maxDepth: 3 }), text);
    const loose = (fields: string[]) => fc.oneof(json, fc.record(Object.fromEntries(fields.map((f) => [f, json])), { requiredKeys: [] }));
    fc.assert(fc.property(loose(['name', 'provisioningState', 'zones', 'sku', 'storageProfile', 'osProfile']), loose(['statuses', 'extensions', 'vmHealth', 'computerName']),
      loose(['operationName', 'status', 'eventTimestamp', 'properties', 'caller']), loose(['name', 'powerState', 'count']), loose(['id', 'name', 'identityProfile', 'networkProfile']), json,
      (model, view, event, pool, cluster, message) => {
        tolerant(() => instanceFacts(TARGET, model as never, view as never));
        tolerant(() => extensionFacts(view as never));
        tolerant(() => activityEntry(event as never));
        tolerant(() => statusError(message));
        tolerant(() => clusterFacts(cluster as never, 'rg', poolFacts(pool as never, 'p')));
      }), { numRuns: 300 });
  });

  it('cut keeps characters whole and its length', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 2, max: 300 }), fc.boolean(), (s, max, keepLines) => {
      const out = cut(s, max, keepLines)!;
      assert.ok(out.length <= max);
      assert.equal(loneSurrogateIndex(out), -1);
    }), { numRuns: 500 });
  });

  it('an extension message of megabytes is read in linear time', () => {
    const view = (n: number) => ({ extensions: [{ name: 'vmssCSE', statuses: [{ message: `exit status=${'5'.repeat(n)} ${'"ExitCode": "'.repeat(n / 13)}` }], substatuses: Array.from({ length: 3 }, () => ({ message: '[stdout]'.repeat(n / 8) })) }] });
    assertRoughlyLinear('extensionFacts', view, (v) => extensionFacts(v), 50);
    assertRoughlyLinear('statusError', (n) => JSON.stringify({ error: { code: 'X', message: 'm'.repeat(n), details: [{ code: 'Y', message: '\\n'.repeat(n) }] } }), (m) => statusError(m), 50);
  });
});
