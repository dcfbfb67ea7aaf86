import * as assert from 'node:assert/strict';
import type { SourcedEvent } from '../../src/domain/history';
import { buildHistoryData, codeKey, DAY_MS, type CodeRow, type HistoryAction, type HistoryData } from '../../src/historyPanel/historyData';
import { renderHistoryRegions } from '../../src/historyPanel/historyRenderer';

type ClusterData = Extract<HistoryData, { kind: 'cluster' }>;

const TODAY = Date.UTC(2026, 11, 3);
const NOW = TODAY + 10 * 3_600_000;
const NODE = 'aks-userpool-12345678-vmss000003';
/** Far more than any cluster: a runaway controller, or a hostile history file. */
const RECORDS = 200_000;

function cluster(codes: readonly CodeRow[], actions: readonly HistoryAction[]): ClusterData {
  const days = Array.from({ length: 7 }, (_, i) => TODAY - (6 - i) * DAY_MS);
  return {
    kind: 'cluster', cluster: 'aks-demo', now: NOW, days,
    nodes: [{
      name: NODE, gone: false, failures: actions.length, recurring: true,
      marks: [{ day: 6, actions, outcome: 'failed', ...(actions[0]?.code ? { code: actions[0].code } : {}) }],
    }],
    codes, sources: { history: true, historySince: TODAY - 6 * DAY_MS }, olderLeftOut: 0, watching: true,
  };
}

const failure = (i: number): HistoryAction => ({ action: 'reimage', outcome: 'failed', code: `Code${i}`, at: TODAY + i, times: 1, origins: ['history'] });
const codeRow = (i: number): CodeRow => ({ code: `Code${i}`, key: codeKey(i), total: RECORDS - i, nodes: [{ node: NODE, times: RECORDS - i, lastSeen: TODAY + i }] });

describe('repair history page: bounded whatever the history holds', () => {
  it('lists the 100 most frequent codes and counts the rest', () => {
    const codes = Array.from({ length: RECORDS }, (_, i) => codeRow(i));
    const html = renderHistoryRegions(cluster(codes, [failure(0)])).content;
    assert.ok(html.length < 500_000, `the page is ${html.length} characters`);
    const table = html.split('<table class="codes"')[1];
    assert.equal([...table.matchAll(/<code>Code\d+<\/code>/g)].length, 100);
    assert.match(table, /<code>Code99<\/code>/);
    assert.doesNotMatch(table, /<code>Code100<\/code>/);
    assert.match(table, /199,?900 more codes/);
  });

  it('names five actions of a day in a mark\'s label and counts the rest', () => {
    const actions = Array.from({ length: RECORDS }, (_, i) => failure(i));
    const html = renderHistoryRegions(cluster([codeRow(0)], actions)).content;
    assert.ok(html.length < 500_000, `the page is ${html.length} characters`);
    const mark = /<g class="mark [^>]*aria-label="([^"]*)"[^>]*><title>([^<]*)<\/title>/.exec(html);
    assert.ok(mark, 'the mark is drawn');
    assert.equal(mark[1], mark[2], 'its tooltip says what its label says');
    assert.equal([...mark[1].matchAll(/reimage failed: Code\d+/g)].length, 5);
    assert.match(mark[1], /\+199,?995 more/);
    assert.match(mark[1], /200,?000 repair action\(s\)/);
    const text = html.split('<ul class="chart-text">')[1];
    assert.ok(text.length < 50_000, 'the text alternative is bounded too');
  });

  it('from 200,000 recorded failures with distinct codes on 50 nodes, the page stays small', function () {
    this.timeout(60_000);
    const events = new Map<string, SourcedEvent[]>();
    for (let i = 0; i < RECORDS; i++) {
      const node = `aks-userpool-12345678-vmss${String(i % 50).padStart(6, '0')}`;
      const at = NOW - (i % (6 * 24 * 60)) * 60_000;
      const list = events.get(node) ?? [];
      events.set(node, list);
      list.push({
        key: `k${i}`, node, reason: 'NodeReimageError', action: 'reimage', phase: 'error', code: `Code${i}`, format: 'colon',
        message: `Node auto-repair reimage action failed: Code${i}`, count: 1, firstSeen: at, lastSeen: at, origin: 'history',
      });
    }
    const data = buildHistoryData({ cluster: 'aks-demo', now: NOW, liveNodes: new Set(), events });
    assert.equal(data.codes.length, RECORDS);
    const html = renderHistoryRegions(data).content;
    assert.ok(html.length < 2_000_000, `the page is ${html.length} characters`);
  });
});
