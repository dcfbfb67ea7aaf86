/**
 * Issue 13, "No input gets in": every escaping and neutralising function, and every renderer built
 * on them, fed the whole hostile corpus. The checks parse what comes out with real parsers (parse5
 * for HTML, markdown-it with HTML and linkify on for Markdown) and look for what a renderer must
 * never let through: live markup, links the input chose, terminal and bidi controls where the
 * function promises to drop them, and lone surrogates it created.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { parseFragment } from 'parse5';
import { ActionLog } from '../../src/actions/actionLog';
import { renderDiagnosisPage, renderRegions, updateMessage } from '../../src/diagnosis/diagnosisRenderer';
import { t as htmlText } from '../../src/diagnosis/htmlParts';
import { Catalog } from '../../src/domain/catalog';
import { parseCatalogEntry } from '../../src/domain/catalogEntry';
import { kqlHoldsExactly, kqlString } from '../../src/domain/containerInsightsQuery';
import type { ActivityEntry, AzureProblem, Diagnosis, Finding, RepairErrorSeen, Section } from '../../src/domain/diagnosis';
import { diagnosisToMarkdown, mdCode, mdText } from '../../src/domain/diagnosisMarkdown';
import { findingsFor } from '../../src/domain/findings';
import { quoted } from '../../src/domain/findings/evidence';
import { singleLine, truncate } from '../../src/domain/format';
import type { HistorySnapshot, SourcedEvent } from '../../src/domain/history';
import { escapeHtml } from '../../src/domain/html';
import { describeNode, describeNodeTooltip } from '../../src/domain/nodeDescription';
import type { NodeSummary } from '../../src/domain/nodeProjection';
import { inertNotificationText } from '../../src/domain/notificationText';
import { oneLine, redact } from '../../src/domain/redact';
import { parseRepairReason } from '../../src/domain/repairMessage';
import { buildTimeline } from '../../src/domain/repairTimeline';
import { shellQuote } from '../../src/domain/shellQuote';
import { buildSupportReport } from '../../src/domain/supportReport';
import { GuidanceRenderer } from '../../src/guidance/guidanceRenderer';
import { shortName, text as chartText } from '../../src/historyPanel/historyChart';
import { buildHistoryData, DAY_MS, type HistoryInput } from '../../src/historyPanel/historyData';
import { historyUpdate, renderHistoryPage } from '../../src/historyPanel/historyRenderer';
import { HOSTILE_CORPUS, loneSurrogateIndex, markersOf, unsafeCharactersIn, type HostileString } from '../fixtures/hostile/hostileCorpus';
import { liveMarkdownIn, liveMarkupIn } from '../fixtures/hostile/liveMarkup';
import { englishGuidanceStrings } from './guidanceFixtures';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const ORIGIN = 'https://webview.test';
const resources = (name: string) => ({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/media/${name}.js`, styleUri: `${ORIGIN}/media/${name}.css`, nonce: 'bm9uY2U=' });
const page = { nonce: 'bm9uY2U=', resourceOrigin: ORIGIN };
const NOW = Date.UTC(2026, 11, 3, 10, 0, 0);

/** The whole corpus as one string too: payloads that only work together (a reference link and its definition) get their chance. */
const ALL: readonly HostileString[] = [...HOSTILE_CORPUS, { id: 'all', kind: 'size', text: HOSTILE_CORPUS.filter((h) => h.text.length < 5000).map((h) => h.text).join('\n') }];

/** The workbench's link syntax in notification text (parseLinkedText in vs/base/common/linkedText.ts). */
const NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

/** `text` with no lone surrogate, so a test can tell whether a function created one. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Runs `check` for every corpus string, collecting failures so one run reports them all. */
function forEachHostile(check: (h: HostileString) => void, corpus: readonly HostileString[] = ALL): void {
  const failures: string[] = [];
  for (const h of corpus) {
    try {
      check(h);
    } catch (err) {
      const e = err as assert.AssertionError;
      const what = e.message.startsWith('Expected values') ? `got ${JSON.stringify(e.actual)}` : e.message.split('\n')[0];
      failures.push(`${h.id}: ${what.slice(0, 300)}`);
    }
  }
  assert.deepEqual(failures, []);
}

function assertInert(html: string, allow = {}): void {
  assert.deepEqual(liveMarkupIn(html, allow), []);
}

describe('hostile input', function () {
  // Every check runs over the whole corpus (a 100 KB string included): slower than one example.
  this.timeout(120_000);

  describe('the corpus', () => {
    it('has unique ids, at least 50 strings, every family, and a marker in every payload that runs', () => {
      assert.ok(HOSTILE_CORPUS.length >= 50, `${HOSTILE_CORPUS.length} strings`);
      assert.equal(new Set(HOSTILE_CORPUS.map((h) => h.id)).size, HOSTILE_CORPUS.length);
      for (const id of ['img-onerror', 'svg-onload', 'script-tag', 'attr-double-quote', 'md-javascript', 'ansi-osc8', 'md-image']) {
        assert.deepEqual(markersOf(HOSTILE_CORPUS.find((h) => h.id === id)!.text), [id]);
      }
      assert.equal(HOSTILE_CORPUS.find((h) => h.id === 'huge-100k')!.text.length, 102_400);
      assert.ok(loneSurrogateIndex(HOSTILE_CORPUS.find((h) => h.id === 'lone-high')!.text) >= 0);
      assert.deepEqual(unsafeCharactersIn(HOSTILE_CORPUS.find((h) => h.id === 'bidi-rlo')!.text), ['bidi']);
    });

    it('the live-markup check finds what it is meant to find (so a pass means something)', () => {
      const caught = HOSTILE_CORPUS.filter((h) => ['html', 'svg'].includes(h.kind) && liveMarkupIn(h.text).length > 0).map((h) => h.id);
      for (const id of ['img-onerror', 'img-mixed-case', 'script-tag', 'iframe-srcdoc', 'a-javascript', 'a-javascript-tab', 'meta-refresh', 'svg-onload', 'math-mutation', 'form-action']) {
        assert.ok(caught.includes(id), `${id} is caught raw`);
      }
      assert.notDeepEqual(liveMarkdownIn(HOSTILE_CORPUS.find((h) => h.id === 'md-reference-link')!.text), []);
      assert.notDeepEqual(liveMarkdownIn(HOSTILE_CORPUS.find((h) => h.id === 'md-raw-url')!.text), []);
      assert.notDeepEqual(liveMarkdownIn(HOSTILE_CORPUS.find((h) => h.id === 'md-inline-html')!.text), []);
    });
  });

  describe('escapeHtml', () => {
    it('makes text that an HTML parser reads back as exactly one text node and one attribute value', () => {
      forEachHostile((h) => {
        const escaped = escapeHtml(h.text);
        assert.doesNotMatch(escaped, /[<>"']/);
        assert.doesNotMatch(escaped, /&(?!amp;|lt;|gt;|quot;|#39;)/);
        for (const quote of ['"', "'"]) {
          const fragment = parseFragment(`<p title=${quote}${escaped}${quote}>${escaped}</p>`) as unknown as { childNodes: { nodeName: string; attrs: { name: string; value: string }[]; childNodes: { nodeName: string; value: string }[] }[] };
          assert.equal(fragment.childNodes.length, 1);
          const p = fragment.childNodes[0];
          assert.equal(p.nodeName, 'p');
          assert.deepEqual(p.attrs.map((a) => a.name), ['title']);
          // The parser turns NUL into U+FFFD and CR / CRLF into LF before it reads anything.
          // In an attribute NUL reads as U+FFFD; in body text it is dropped.
          const normalized = h.text.replace(/\r\n?/g, '\n');
          assert.ok(p.attrs[0].value === normalized.split('\u0000').join('\uFFFD'), 'attribute round trip');
          assert.ok(p.childNodes.every((c) => c.nodeName === '#text'), 'only text inside');
          assert.ok(p.childNodes.map((c) => c.value).join('') === normalized.split('\u0000').join(''), 'text round trip');
        }
      });
    });
  });

  describe('one-line text', () => {
    it('singleLine leaves no line break, control, bidi or BOM character and is stable', () => {
      forEachHostile((h) => {
        const s = singleLine(h.text);
        assert.deepEqual(unsafeCharactersIn(s, ['terminal', 'bidi', 'control', 'lineBreak']), []);
        assert.ok(!s.includes('\uFEFF'));
        assert.equal(singleLine(s), s);
        assert.ok(s.length <= h.text.length);
      });
    });

    it('truncate never creates a lone surrogate and keeps to its length', () => {
      forEachHostile((h) => {
        const clean = wellFormed(h.text);
        for (const max of [1, 2, 5, 37, 300]) {
          const cut = truncate(clean, max);
          assert.ok(cut.length <= max);
          assert.equal(loneSurrogateIndex(cut), -1, `max ${max}`);
        }
      });
      assert.equal(loneSurrogateIndex(truncate('ab😀😀', 4)), -1);
    });

    it('inertNotificationText leaves nothing the workbench draws as a link, on one line', () => {
      forEachHostile((h) => {
        const s = inertNotificationText(h.text);
        assert.deepEqual([...s.matchAll(NOTIFICATION_LINK)].map((m) => m[0]), []);
        assert.ok(!s.includes(']('));
        assert.deepEqual(unsafeCharactersIn(s, ['terminal', 'bidi', 'control', 'lineBreak']), []);
        // However a progress title and line are joined.
        const joined = `${inertNotificationText(`[${h.text}`)}: ${inertNotificationText(`${h.text})`)}`;
        assert.deepEqual([...joined.matchAll(NOTIFICATION_LINK)].map((m) => m[0]), []);
      });
    });

    it('oneLine gives one line without controls, redacted, cut without breaking a character', () => {
      forEachHostile((h) => {
        const s = oneLine(wellFormed(h.text), 200);
        assert.ok(s.length <= 200);
        assert.deepEqual(unsafeCharactersIn(s, ['terminal', 'bidi', 'control', 'lineBreak']), []);
        assert.equal(loneSurrogateIndex(s), -1);
        assert.doesNotMatch(s, /\[error\] fake|\[info\] token/, 'no forged log entry after a line break');
      });
      assert.equal(oneLine('ok\r[error] fake'), 'ok');
      assert.equal(oneLine(`pod ${'\u{1F600}'.repeat(10)}`, 8), 'pod 😀…');
    });

    it('redact keeps a hostile text and its secrets apart, and never throws on any of it', () => {
      const secret = 'kubeconfig-user-token-3f9a1c77e2b94d0b8d1e';
      forEachHostile((h) => {
        const s = redact(`${h.text} Authorization: Bearer ${secret} ${h.text}`, [secret]);
        assert.ok(!s.includes(secret));
        assert.ok(!s.includes(secret.slice(0, 20)));
      });
    });

    it('the action log writes one redacted line per entry whatever the names and messages hold', () => {
      const lines: string[] = [];
      const channel = { info: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };
      const log = new ActionLog(channel as never, () => NOW);
      forEachHostile((h) => {
        lines.length = 0;
        log.write('error', 'drain', { context: h.text, server: `https://${h.text}:443` }, [h.text, 'aks-x'], `${h.text} token=s3cr3tvalue99`);
        assert.equal(lines.length, 1);
        assert.deepEqual(unsafeCharactersIn(lines[0], ['terminal', 'bidi', 'control', 'lineBreak']), []);
        assert.ok(!lines[0].includes('s3cr3tvalue99'));
      });
    });

    it('quoted Azure text, chart text and short names stay on one line and keep characters whole', () => {
      forEachHostile((h) => {
        const clean = wellFormed(h.text);
        for (const s of [quoted(clean), shortName(clean), shortName(clean, 9)]) {
          assert.deepEqual(unsafeCharactersIn(s, ['terminal', 'bidi', 'control', 'lineBreak']), []);
          assert.equal(loneSurrogateIndex(s), -1);
          assert.ok(s.length <= 300);
        }
        const html = chartText(clean);
        assertInert(html);
        assert.doesNotMatch(html, /[<>"']/);
        assert.equal(loneSurrogateIndex(html), -1);
      });
    });

    it('the diagnosis page text cut keeps characters whole', () => {
      forEachHostile((h) => {
        const clean = wellFormed(h.text);
        for (const max of [1, 10, 4000]) {
          const s = htmlText(clean, max);
          assert.doesNotMatch(s, /[<>"']/);
          assert.equal(loneSurrogateIndex(s), -1, `max ${max}`);
        }
      });
    });
  });

  describe('quoting for commands and queries', () => {
    it('shellQuote: a real POSIX shell reads each string back unchanged and runs nothing', () => {
      // NUL cannot be in an argument; a 100 KB string is one argument too many for echo's sake.
      const strings = HOSTILE_CORPUS.filter((h) => !h.text.includes('\u0000') && h.text.length < 20_000);
      const script = strings.map((h) => `printf '%s\\0' ${shellQuote(wellFormed(h.text))}`).join('\n');
      const out = execFileSync('sh', ['-c', script], { encoding: 'utf8', cwd: '/nonexistent-dir-is-fine'.slice(0, 1), env: { PATH: '/usr/bin:/bin' } });
      assert.deepEqual(out.split('\0').slice(0, -1), strings.map((h) => wellFormed(h.text)));
    });

    it('kqlString: the literal ends where it should, whatever the value holds', () => {
      forEachHostile((h) => {
        const lit = kqlString(h.text);
        assert.ok(lit.startsWith("'") && lit.endsWith("'"));
        // Read it back as KQL reads a single-quoted literal: backslash escapes, a bare quote ends it.
        let i = 1;
        let value = '';
        while (i < lit.length - 1) {
          const c = lit[i];
          assert.notEqual(c, "'", `bare quote at ${i}`);
          assert.ok(!/[\n\r]/.test(c), 'raw line break inside the literal');
          if (c === '\\') {
            const e = lit[i + 1];
            value += ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e;
            i += 2;
          } else {
            value += c;
            i += 1;
          }
        }
        assert.equal(i, lit.length - 1, 'the closing quote is not escaped');
        if (kqlHoldsExactly(h.text)) {
          assert.equal(value, h.text);
        }
      });
    });
  });

  describe('markdown for the clipboard and the support report', () => {
    it('mdCode and mdText give only text under a permissive renderer', () => {
      forEachHostile((h) => {
        assert.deepEqual(liveMarkdownIn(`- a: ${mdCode(h.text)}`), []);
        assert.deepEqual(liveMarkdownIn(`- a: ${mdText(h.text)}`), []);
        assert.deepEqual(liveMarkdownIn(`${mdText(h.text)} ${mdCode(h.text)} ${mdText(h.text)}`), []);
        assert.equal(loneSurrogateIndex(mdText(wellFormed(h.text))), -1);
        assert.equal(loneSurrogateIndex(mdCode(wellFormed(h.text))), -1);
      });
    });

    it('a diagnosis whose every string is hostile copies as Markdown with no link, image or HTML', () => {
      forEachHostile((h) => {
        const d = hostileDiagnosis(h.text);
        const md = diagnosisToMarkdown(d, findingsFor(d, [hostileError(h.text)], NOW).concat(hostileFinding(h.text)));
        assert.deepEqual(liveMarkdownIn(md), []);
        assert.deepEqual(unsafeCharactersIn(md, ['terminal', 'bidi']), []);
      });
    });

    it('a support report built from hostile cluster, history and Azure text holds no link, image or HTML', () => {
      forEachHostile((h) => {
        const md = buildSupportReport(hostileReportInput(h.text));
        assert.deepEqual(liveMarkdownIn(md), []);
        assert.deepEqual(unsafeCharactersIn(md, ['terminal', 'bidi']), []);
        assert.equal(loneSurrogateIndex(buildSupportReport(hostileReportInput(wellFormed(h.text)))), -1, 'no character cut in half');
      });
    });
  });

  describe('webview pages', () => {
    const renderer = new GuidanceRenderer(englishGuidanceStrings);
    const builtin = new Catalog([]);

    it('a runbook whose front matter and body are hostile renders inert', () => {
      forEachHostile((h) => {
        const entry = hostileEntry(h.text);
        const catalog = new Catalog([entry, ...builtin.entries]);
        const context = { code: h.text, node: h.text, reason: h.text, message: h.text, azureMessage: h.text, seenAt: NOW, recurrence: { times: 3, days: 2 } };
        const html = renderer.renderPage({ target: { id: entry.id, context }, entry, catalog, canGoBack: true }, resources('guidance'));
        assertInert(html, page);
        assertInert(renderer.renderIndex(catalog, resources('guidance'), false, h.text), page);
        const body = renderer.renderBody(entry, catalog);
        assertInert(body);
      });
    });

    it('a diagnosis whose every string is hostile renders inert, in the page and in the update message', () => {
      forEachHostile((h) => {
        const d = hostileDiagnosis(h.text);
        const view = { diagnosis: d, findings: [...findingsFor(d, [hostileError(h.text)], NOW), hostileFinding(h.text)], credential: 'vscode' as const, problem: hostileProblem(h.text) };
        assertInert(renderDiagnosisPage(view, resources('diagnosis')), page);
        assertInert(renderDiagnosisPage({ ...view, problem: undefined, nodeLeft: true }, resources('diagnosis')), page);
        for (const html of Object.values(renderRegions({ ...view, problem: undefined }))) {
          assertInert(html);
        }
        const message = updateMessage(view);
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(message)));
        for (const html of Object.values((message as { regions?: Record<string, string> }).regions ?? {})) {
          assertInert(html);
        }
      });
    });

    it('a repair history with hostile node names, codes and messages renders inert', () => {
      forEachHostile((h) => {
        const data = buildHistoryData(hostileHistoryInput(h.text));
        assertInert(renderHistoryPage(data, resources('history')), page);
        const update = historyUpdate(data);
        // The title is set as text (textContent and the panel title): one line is what matters.
        assert.deepEqual(unsafeCharactersIn(update.title, ['terminal', 'bidi', 'control', 'lineBreak']), []);
        for (const html of Object.values(update.regions)) {
          assertInert(html);
        }
        assert.doesNotThrow(() => JSON.parse(JSON.stringify(update)));
      });
    });
  });

  describe('tree text (vscode-free parts)', () => {
    it('node descriptions and tooltips are one plain line each (tooltips: plain lines), without controls or bidi', () => {
      forEachHostile((h) => {
        const node = hostileNode(h.text);
        const description = describeNode(node, undefined, NOW);
        assert.deepEqual(unsafeCharactersIn(description, ['terminal', 'bidi', 'control', 'lineBreak']), []);
        const timeline = buildTimeline(hostileEvents(h.text, h.text), undefined, NOW);
        assert.deepEqual(unsafeCharactersIn(describeNode(node, timeline, NOW), ['terminal', 'bidi', 'control', 'lineBreak']), []);
        const tooltip = describeNodeTooltip(node, timeline, NOW);
        for (const line of tooltip.split('\n')) {
          assert.deepEqual(unsafeCharactersIn(line, ['terminal', 'bidi', 'control', 'lineBreak']), []);
        }
        assert.ok(description.length <= 300, `${description.length}`);
      });
    });
  });
});

// ---- Inputs built from one hostile string. ----

function hostileProblem(h: string): AzureProblem {
  return { kind: 'forbidden', status: 403, code: h, message: h, nextStep: h, missingRole: { role: h, scope: h } };
}

function hostileError(h: string): RepairErrorSeen {
  return { reason: 'NodeReimageError', action: 'reimage', code: h, azureMessage: h, seenAt: NOW };
}

function hostileFinding(h: string): Finding {
  return { code: h, severity: 'error', title: h, evidence: h, nextStep: h, command: h, guidanceId: h, azureMessage: h };
}

function hostileDiagnosis(h: string): Diagnosis {
  const ok = <T>(value: T): Section<T> => ({ state: 'ok', value });
  const activity: ActivityEntry[] = [{ operation: h, operationLabel: h, status: h, subStatus: h, caller: h, time: NOW - 60_000, resourceId: h, correlationId: h, errorCode: h, errorMessage: h }];
  const vmId = '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/mc_rg/providers/Microsoft.Compute/virtualMachineScaleSets/aks-pool-vmss/virtualMachines/3';
  return {
    node: h,
    providerId: h,
    target: { ok: true, target: { kind: 'vmss', subscriptionId: h, resourceGroup: h, scaleSet: h, instanceId: h, resourceId: vmId } },
    instance: ok({ resourceId: h, name: h, computerName: h, powerState: h, provisioningState: h, latestModelApplied: false, image: h, vmSize: h, zone: h, vmHealth: h }),
    extensions: ok([
      { name: 'vmssCSE', type: h, typeHandlerVersion: h, status: h, level: 'Error', code: h, message: `${h} exit status=50 ${h}`, exitCode: 50 },
      { name: h, type: h, typeHandlerVersion: h, status: h, level: h, code: h, message: h },
    ]),
    health: ok({ availabilityState: h, summary: h, reason: h, detailedStatus: h, since: NOW - 3_600_000 }),
    activity: ok(activity),
    cluster: ok({
      name: h, resourceId: h, resourceGroup: h, provisioningState: h, powerState: h, kubernetesVersion: h, outboundType: h, nodeResourceGroup: h,
      kubeletIdentity: { clientId: h, objectId: h, resourceId: h },
      pool: { name: h, provisioningState: h, powerState: h, count: 3, vmSize: h, nodeImageVersion: h, mode: h },
    }),
    activityWindow: { from: NOW - DAY_MS, to: NOW },
    signIn: hostileProblem(h),
    startedAt: NOW - 5000,
    completedAt: NOW,
  };
}

function hostileNode(h: string): NodeSummary {
  return {
    name: h, pool: h, ready: 'False', readySince: NOW - 600_000, reason: h, message: h, pressures: [h, 'DiskPressure'], instanceType: h, zone: h,
    os: h, kubeletVersion: h, nodeImage: h, unschedulable: true, skipReasons: [], providerID: h,
  };
}

let seq = 0;
function hostileEvent(node: string, h: string, reason: string, at: number): SourcedEvent {
  const r = parseRepairReason(reason);
  return {
    key: `k${seq++}${h.slice(0, 20)}`, node, reason, ...(r ? { action: r.action, phase: r.phase } : {}), code: h, azureMessage: h,
    format: 'colon', message: h, type: h, count: 2, firstSeen: at, lastSeen: at + 1000, source: h, origin: 'history',
  };
}

function hostileEvents(node: string, h: string): SourcedEvent[] {
  return [
    hostileEvent(node, h, 'NodeReimageStart', NOW - 3_600_000),
    hostileEvent(node, h, 'NodeReimageError', NOW - 3_500_000),
    hostileEvent(node, h, h, NOW - 3_400_000),
  ];
}

function hostileHistoryInput(h: string): HistoryInput {
  const snapshot: HistorySnapshot = {
    cluster: h,
    since: NOW - 30 * DAY_MS,
    nodes: new Map([[h, { name: h, pool: h, providerID: h, instanceType: h, nodeImage: h, firstSeen: NOW - 20 * DAY_MS, lastSeen: NOW, goneAt: NOW - DAY_MS }]]),
    events: new Map(),
    transitions: new Map([[h, [{ node: h, ready: 'False' as const, at: NOW - 7_200_000, reason: h }]]]),
  };
  return {
    cluster: h,
    now: NOW,
    snapshot,
    liveNodes: new Set([h, `${h}-2`]),
    events: new Map([[h, hostileEvents(h, h)], [`${h}-2`, hostileEvents(`${h}-2`, h)]]),
    insights: { kind: 'problem', message: h, nextStep: h, at: NOW, rows: 0 },
    historyProblem: { message: h, nextStep: h },
  };
}

function hostileReportInput(h: string): Parameters<typeof buildSupportReport>[0] {
  const d = hostileDiagnosis(h);
  return {
    node: h,
    now: NOW,
    extensionVersion: h,
    identity: { context: h, cluster: h, server: `https://${h}@${h}:443/${h}` },
    connectionProblem: h,
    connectionWarnings: [h, h],
    live: hostileNode(h),
    recorded: { name: h, pool: h, providerID: h, instanceType: h, nodeImage: h, firstSeen: NOW - 20 * DAY_MS, lastSeen: NOW },
    kubeletVersions: [h, 'v1.31.2'],
    events: hostileEvents(h, h),
    transitions: [{ node: h, ready: 'False', at: NOW - 7_200_000, reason: h }],
    history: { available: true, since: NOW - 30 * DAY_MS },
    insights: { kind: 'problem', message: h, nextStep: h, at: NOW, rows: 0 },
    meaning: () => ({ title: h, summary: h, firstStep: h }),
    diagnosis: { diagnosis: d, findings: [...findingsFor(d, [hostileError(h)], NOW), hostileFinding(h)] },
  };
}

/** A user runbook with every front-matter value and the whole body hostile (front matter stays parseable: one line per value). */
function hostileEntry(h: string) {
  const line = singleLine(h).replace(/^-+/, '') || 'x';
  const text = `---
id: hostile-runbook
title: ${line}
kind: code
matches:
  - ${line}
action: none
severity: error
summary: ${line}
firstStep: ${line}
docs:
  - ${line} | https://learn.microsoft.com/azure/aks/x
  - ${line} | ${line}
related:
  - ${line}
---
# ${line}

${h}

[${line}](./${line}.md) [x](${line}) ![${line}](${line})

\`\`\`sh
${h}
\`\`\`
`;
  const parsed = parseCatalogEntry(text, path.join(REPO_ROOT, 'runbooks', 'hostile.md'), 'user');
  if (parsed.ok) {
    return parsed.entry;
  }
  // A value the parser refuses (a list marker, a bad id): the body alone is hostile then.
  const fallback = parseCatalogEntry(`---\nid: hostile-runbook\ntitle: t\nkind: topic\naction: none\nseverity: info\nsummary: s\nfirstStep: f\n---\n${h}\n`, 'hostile.md', 'user');
  assert.ok(fallback.ok, fallback.ok ? '' : fallback.error);
  return fallback.entry;
}

