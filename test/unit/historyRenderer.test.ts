import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EventOrigin, HistorySnapshot, InsightsStatus, SourcedEvent } from '../../src/domain/history';
import { parseRepairReason } from '../../src/domain/repairMessage';
import { buildHistoryData, DAY_MS, MAX_DAYS, type HistoryData, type HistoryInput } from '../../src/historyPanel/historyData';
import { historyUpdate, renderHistoryPage, renderHistoryRegions } from '../../src/historyPanel/historyRenderer';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const resources = { cspSource: 'https://webview.test', scriptUri: 'https://webview.test/media/history.js', styleUri: 'https://webview.test/media/history.css', nonce: 'bm9uY2U=' };
const NOW = Date.UTC(2026, 11, 3, 10, 0, 0);
const TODAY = Date.UTC(2026, 11, 3);
const H = 3_600_000;
const A = 'aks-userpool-12345678-vmss000003';
const B = 'aks-userpool-12345678-vmss000005';
const C = 'aks-system-12345678-vmss000001';

let seq = 0;
function ev(node: string, reason: string, at: number, opts: { code?: string; origin?: EventOrigin; count?: number; message?: string } = {}): SourcedEvent {
  const r = parseRepairReason(reason);
  return {
    key: `k${seq++}`,
    node,
    reason,
    ...(r ? { action: r.action, phase: r.phase } : {}),
    ...(opts.code ? { code: opts.code } : {}),
    format: opts.code ? 'colon' : 'none',
    message: opts.message ?? `${reason} on ${node}${opts.code ? `: ${opts.code}` : ''}`,
    count: opts.count ?? 1,
    firstSeen: at,
    lastSeen: at,
    ...(opts.origin ? { origin: opts.origin } : {}),
  };
}

function snapshot(since: number, nodes: string[] = []): HistorySnapshot {
  return {
    cluster: 'ctx\nhttps://api',
    since,
    nodes: new Map(nodes.map((n) => [n, { name: n, firstSeen: since, lastSeen: NOW }])),
    events: new Map(),
    transitions: new Map(),
  };
}

function input(events: Record<string, SourcedEvent[]>, overrides: Partial<HistoryInput> = {}): HistoryInput {
  return {
    cluster: 'aks-demo-westeurope',
    now: NOW,
    snapshot: snapshot(NOW - 30 * DAY_MS),
    liveNodes: new Set([A, B, C]),
    events: new Map(Object.entries(events)),
    ...overrides,
  };
}

/** The `<g class="mark …">` elements of a node, in order. */
function marksOf(html: string, node: string): string[] {
  const attr = node.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return [...html.matchAll(/<g class="mark [^"]*"[^>]*>/g)].map((m) => m[0]).filter((g) => g.includes(`data-node="${attr}"`));
}

/**
 * Every attribute name of every tag. Values are quoted and `>` inside them is escaped, so a tag
 * ends at the first `>`; whatever is left after taking out `name="value"` pairs is not an attribute.
 */
function attributeNames(html: string): string[] {
  const names: string[] = [];
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    const rest = tag.replace(/^<[\w-]+/, '').replace(/\s+([\w:-]+)="[^"]*"/g, (_m, name: string) => {
      names.push(name);
      return '';
    });
    assert.match(rest, /^\s*\/?>$/, `a tag with something else than quoted attributes: ${tag}`);
  }
  return names;
}

describe('repair history: data and renderer', () => {
  // A: reboot succeeded and reimage failed two days ago, the same code again today (recurring).
  // B: a codeless redeploy failure yesterday from Container Insights; C: a reboot running now.
  const sample = (): Extract<HistoryData, { kind: 'cluster' }> => buildHistoryData(input({
    [A]: [
      ev(A, 'NodeRebootStart', TODAY - 2 * DAY_MS + 8 * H, { origin: 'history' }),
      ev(A, 'NodeRebootEnd', TODAY - 2 * DAY_MS + 8 * H + 200, { origin: 'history' }),
      ev(A, 'NodeReimageStart', TODAY - 2 * DAY_MS + 9 * H, { origin: 'history' }),
      ev(A, 'NodeReimageError', TODAY - 2 * DAY_MS + 9 * H + 900, { code: 'VMExtensionProvisioningError', origin: 'history' }),
      ev(A, 'NodeReimageStart', TODAY + 1 * H),
      ev(A, 'NodeReimageError', TODAY + 1 * H + 900, { code: 'VMExtensionProvisioningError', count: 2 }),
    ],
    [B]: [ev(B, 'NodeRedeployError', TODAY - DAY_MS + 5 * H, { origin: 'containerInsights' })],
    [C]: [ev(C, 'NodeRebootStart', NOW - 60_000)],
  }));

  it('draws one mark per node and UTC day, over the retained period', () => {
    const data = sample();
    assert.equal(data.days.length, 31, '30 days of history and today');
    assert.equal(data.days.at(-1), TODAY);
    const a = data.nodes.find((n) => n.name === A)!;
    assert.deepEqual(a.marks.map((m) => m.day), [28, 30]);
    assert.deepEqual(a.marks[0].actions.map((x) => `${x.action}:${x.outcome}`), ['reboot:succeeded', 'reimage:failed']);
    assert.equal(a.marks[0].outcome, 'failed');
    assert.equal(a.marks[0].code, 'VMExtensionProvisioningError');
    assert.deepEqual(a.marks[0].actions[1].origins, ['history']);
    const html = renderHistoryPage(data, resources);
    assert.equal(marksOf(html, A).length, 2);
    assert.equal(marksOf(html, B).length, 1);
    assert.equal(marksOf(html, C).length, 1);
    // One axis label per few days, and today's always.
    assert.match(html, /<text class="axis"[^>]*>12-03<\/text>/);
  });

  it('colours (and shapes) each mark by its worst outcome and labels it with its code\'s key', () => {
    const data = sample();
    const html = renderHistoryPage(data, resources);
    assert.ok(marksOf(html, A).every((g) => g.includes('outcome-failed')));
    assert.ok(marksOf(html, B)[0].includes('outcome-failed'));
    assert.ok(marksOf(html, C)[0].includes('outcome-running'));
    const vmx = data.codes.find((c) => c.code === 'VMExtensionProvisioningError')!;
    assert.equal(vmx.key, 'A');
    assert.equal(data.codes.find((c) => c.code === undefined)!.key, '?');
    // The mark's letter is its code's key; its label says each action, its times and sources.
    assert.match(html, new RegExp(`data-key="m:30:${A}" aria-label="${A}, 2026-12-03: 1 repair action\\(s\\): reimage failed: VMExtensionProvisioningError ×2 at 01:00:00 UTC \\(cluster\\)\\."`));
    assert.match(html, /<text class="mark-label" x="[\d.]+" y="[\d.]+">A<\/text>/);
    assert.match(html, /<text class="mark-label" x="[\d.]+" y="[\d.]+">\?<\/text>/);
    assert.match(html, /redeploy failed \(no code\) at 05:00:00 UTC \(Container Insights\)/);
    // Two actions on one day: a second outline behind the mark, and the legend says what it means.
    assert.equal((html.match(/<g class="stack">/g) ?? []).length, 1 + 1, 'one stacked mark and its legend swatch');
    assert.match(html, /more than one action that day/);
    // Failed and running are squares, succeeded and unfinished circles; the legend shows all four.
    for (const outcome of ['failed', 'running', 'unfinished', 'succeeded']) {
      assert.match(html, new RegExp(`<svg class="swatch outcome-${outcome}"`));
    }
  });

  it('lists codes by count and, in each, recurring nodes first; rows are focusable and name their node', () => {
    const other = 'aks-userpool-12345678-vmss000001';
    const data = buildHistoryData(input({
      [A]: [ev(A, 'NodeRebootError', TODAY - 3 * H, { code: 'OutboundConnectivityNotEnabledOnVMSS' })],
      [B]: [
        ev(B, 'NodeRebootError', TODAY - 30 * H, { code: 'OutboundConnectivityNotEnabledOnVMSS' }),
        ev(B, 'NodeReimageError', TODAY - 20 * H, { code: 'OutboundConnectivityNotEnabledOnVMSS', count: 2 }),
      ],
      [other]: [ev(other, 'NodeRebootError', TODAY - 2 * H, { code: 'OutboundConnectivityNotEnabledOnVMSS', count: 2 })],
      [C]: [ev(C, 'NodeRedeployError', TODAY - 1 * H, { code: 'TooManyVMRedeploymentRequests' })],
    }, { liveNodes: new Set([A, B, C]) }));
    assert.deepEqual(data.codes.map((c) => [c.code, c.total]), [['OutboundConnectivityNotEnabledOnVMSS', 6], ['TooManyVMRedeploymentRequests', 1]]);
    assert.deepEqual(data.codes[0].nodes.map((n) => [n.node, n.times]), [[B, 3], [other, 2], [A, 1]]);
    // The chart's rows: recurring nodes first too.
    assert.deepEqual(data.nodes.map((n) => n.name), [B, other, C, A]);
    assert.ok(data.nodes.find((n) => n.name === other)!.gone, 'a node not in the cluster now is marked gone');
    const html = renderHistoryPage(data, resources);
    const rows = [...html.matchAll(/<tr tabindex="0"[^>]*data-node="([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(rows, [B, other, A, C]);
    assert.match(html, /<tr tabindex="0" class="group-start recurring" data-node="aks-userpool-12345678-vmss000005"[^>]*aria-label="OutboundConnectivityNotEnabledOnVMSS on aks-userpool-12345678-vmss000005: 3 time\(s\)/);
    assert.match(html, /data-action="guidance" data-code="OutboundConnectivityNotEnabledOnVMSS"/);
    assert.match(html, /\(gone\)/);
  });

  it('escapes hostile node names, codes and messages everywhere', () => {
    const names = ['<script>alert(1)</script>', 'javascript:alert(1)', 'x"onload="alert(1)', "y' onmouseover='alert(1)"];
    const events: Record<string, SourcedEvent[]> = {};
    for (const n of names) {
      events[n] = [ev(n, 'NodeRebootError', TODAY + H, { code: '<img src=x onerror=alert(1)>"onload="x', message: '<b>bold</b>' })];
    }
    const insights: InsightsStatus = { kind: 'errorsOnly', message: 'Only <i>Warning</i> rows"onload="x', nextStep: '<a href="javascript:alert(1)">fix</a>', at: NOW, rows: 3 };
    const data = buildHistoryData(input(events, { liveNodes: new Set(), insights, insightsDays: 7, cluster: '<svg onload=alert(1)>' }));
    const html = renderHistoryPage(data, resources) + historyUpdate(data).regions.content + historyUpdate(data).regions.sources;
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'only our own script tag');
    assert.doesNotMatch(html, /<img|<b>|<i>|<a |<svg onload/);
    assert.deepEqual(attributeNames(html).filter((a) => /^on/i.test(a)), [], 'no handler attribute can be injected');
    assert.doesNotMatch(html, /href="javascript:/i);
    assert.match(html, /data-node="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
    assert.match(html, /data-node="x&quot;onload=&quot;alert\(1\)"/);
    assert.match(html, /Only &lt;i&gt;Warning&lt;\/i&gt; rows&quot;onload=&quot;x/);
    assert.match(html, /<code>javascript:alert\(1\)<\/code>/);
  });

  it('says where the data came from: local history since when, Container Insights days and its message', () => {
    const insights: InsightsStatus = {
      kind: 'errorsOnly', message: 'Only Warning events came back: Normal events are not collected.',
      nextStep: 'Set collect_all_kube_events = true in the container-azm-ms-agentconfig ConfigMap.', at: NOW, rows: 12,
    };
    const data = buildHistoryData(input({ [A]: [ev(A, 'NodeRebootError', TODAY - 40 * DAY_MS, { code: 'X', origin: 'containerInsights' })] }, { insights, insightsDays: 60 }));
    assert.equal(data.days.length, 61, 'the chart reaches back as far as Container Insights was asked');
    const { sources } = renderHistoryRegions(data);
    assert.match(sources, /Local history since 2026-11-03 10:00:00 UTC/);
    assert.match(sources, /<li class="warn">Container Insights, 60 days: Only Warning events came back: Normal events are not collected\. <span class="next-step">Set collect_all_kube_events = true/);
    assert.match(sources, /Days are UTC, 2026-10-04 to 2026-12-03/);
    const none = renderHistoryRegions(buildHistoryData(input({}, { snapshot: undefined })));
    assert.match(none.sources, /Local history: not available yet/);
    assert.match(none.sources, /Container Insights: not read/);
  });

  it('says when the local history is not being recorded (its storage cannot be written), and what to do, instead of "not available yet"', () => {
    const historyProblem = {
      message: 'Repair history is not being recorded: /home/u/.config/Code/User/globalStorage/x/repair-history: <EACCES>',
      nextStep: 'Check the permissions of VS Code\'s global storage folder.',
    };
    const withProblem = (data: HistoryData): HistoryData => {
      if (data.kind !== 'cluster') {
        return data;
      }
      // What the panel's data carries from RepairHistoryView.problem().
      const sources = { ...data.sources, historyProblem };
      return { ...data, sources };
    };
    const none = renderHistoryRegions(withProblem(buildHistoryData(input({}, { snapshot: undefined }))));
    assert.doesNotMatch(none.sources, /not available yet/);
    assert.match(none.sources, /<li class="warn">Repair history is not being recorded: \/home\/u\/.+\/repair-history: &lt;EACCES&gt; <span class="next-step">Check the permissions of VS Code&#39;s global storage folder\.<\/span><\/li>/);
    // Read, but no longer recorded: since when it holds records, and that it is not recorded now.
    const read = renderHistoryRegions(withProblem(buildHistoryData(input({}))));
    assert.match(read.sources, /<li class="warn">Local history since 2026-11-03 10:00:00 UTC: Repair history is not being recorded/);
  });

  it('never spans more than 90 days and counts what it leaves out', () => {
    const data = buildHistoryData(input({ [A]: [ev(A, 'NodeRebootError', TODAY - 200 * DAY_MS, { code: 'X' }), ev(A, 'NodeRebootError', TODAY - H, { code: 'Y' })] }, { snapshot: snapshot(NOW - 365 * DAY_MS) }));
    assert.equal(data.days.length, MAX_DAYS);
    assert.equal(data.olderLeftOut, 1);
    assert.match(renderHistoryRegions(data).content, /1 repair action\(s\) older than the chart&#39;s first day are left out/);
  });

  it('has a text alternative for the chart and a keyboard path to every mark and node', () => {
    const html = renderHistoryPage(sample(), resources);
    assert.match(html, /<details class="text-alt"><summary>Timeline as text<\/summary><ul class="chart-text"><li><code>aks-userpool-12345678-vmss000003<\/code><ul><li>2026-12-01: reboot succeeded at 08:00:00 UTC \(local history\); reimage failed: VMExtensionProvisioningError at 09:00:00 UTC \(local history\)<\/li>/);
    const focusable = [...html.matchAll(/<g class="(mark|node-label)[^"]*" tabindex="0" role="button" data-node="[^"]+" data-key="[^"]+" aria-label="[^"]+">/g)];
    assert.equal(focusable.length, 3 + 4, 'three node labels and four marks');
    assert.match(html, /<div class="chart-wrap" role="group" aria-label="Repair actions per node and UTC day, 2026-11-03 to 2026-12-03" aria-describedby="chart-help"><svg class="chart chart-labels"/);
    // Node names stay put in their own SVG; the days scroll beside them.
    assert.match(html, /<\/svg><div class="chart-scroll"><svg class="chart chart-days" width="880"/);
  });

  it('shows what to do when no cluster is connected or nothing was recorded yet', () => {
    const none = renderHistoryPage({ kind: 'noCluster', why: 'The kubeconfig <file> was not found.' }, resources);
    assert.match(none, /<h2 id="h-empty">No cluster is connected<\/h2><p>The kubeconfig &lt;file&gt; was not found\.<\/p>/);
    assert.match(none, /data-action="openNodes"/);
    assert.doesNotMatch(none, /class="chart-wrap"/);
    const empty = renderHistoryPage(buildHistoryData(input({ [A]: [ev(A, 'NodeNotReady', NOW - H)] })), resources);
    assert.match(empty, /No repair history yet/);
    assert.match(empty, /No auto-repair action on any node of this cluster since 2026-11-03 10:00:00 UTC\./);
    assert.match(empty, /The history records while VS Code is open/);
    assert.doesNotMatch(empty, /class="chart-wrap"/);
  });

  it('marks the picture stale when the Nodes view watches another cluster', () => {
    const data = { ...sample(), watching: false };
    assert.match(renderHistoryRegions(data).sources, /<p class="stale" role="status">The Nodes view watches another cluster now: this is aks-demo-westeurope as last seen/);
  });

  it('runs under a nonce CSP with only our script and stylesheet; the script handles every message', () => {
    const html = renderHistoryPage(sample(), resources);
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-bm9uY2U='/);
    assert.deepEqual([...html.matchAll(/<script[^>]*>/g)].map((m) => m[0]), ['<script nonce="bm9uY2U=" src="https://webview.test/media/history.js">']);
    assert.match(html, /<link rel="stylesheet" href="https:\/\/webview.test\/media\/history.css">/);
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/i, 'no inline style or handler (the CSP would block them)');
    const script = fs.readFileSync(path.join(REPO_ROOT, 'media', 'history.js'), 'utf8');
    for (const type of ['ready', 'reveal', 'guidance', 'openNodes']) {
      assert.match(script, new RegExp(`'${type}'`), `media/history.js sends ${type}`);
    }
    assert.match(script, /event\.key !== 'Enter'/, 'Enter activates marks and rows');
  });
});
