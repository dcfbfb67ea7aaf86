import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { BEACON_PATH_PREFIX, HOSTILE_MARKER_GLOBAL, beaconIdOf, beaconUrl, hostileCorpus, type HostileString } from '../fixtures/hostile/hostileCorpus';
import { startControlledArmStandIn, type ControlledArmStandIn } from '../harness/armControl';
import {
  HOSTILE_NODE, HOSTILE_POOL_NODE, HOSTILE_RUNBOOK_CODE, hostileLog, hostileNotificationEvent, hostileRunbook,
  seedHostileAzure, seedHostileCluster, seedHostileInsights,
} from '../standin/hostileScenario';
import { startSimulatedCluster, type SimulatedCluster } from '../standin/simulatedCluster';
import { screenshotFailures, Workbench } from './workbench';

/**
 * As an operator whose cluster, Azure and runbook folder carry attacker-controlled text
 * (test/fixtures/hostile/hostileCorpus.ts): every surface that shows it, in the real workbench,
 * and none of it runs (no beacon request, no `window.__aksHostile` in any frame) or becomes a
 * link that runs a command or script.
 */

/** A link's target that would run something: any script URL, or a command the corpus names. */
function dangerousTargets(targets: readonly string[], corpusCommands: ReadonlySet<string>): string[] {
  return targets.filter((t) => {
    const target = t.trim();
    if (/^(javascript|vbscript|data):/i.test(target)) {
      return true;
    }
    const command = /^command:([\w.-]+)/i.exec(target)?.[1];
    return command !== undefined && corpusCommands.has(command);
  });
}

/**
 * Runs in a frame (as source text: this project compiles without the DOM library): the marker
 * array a hostile script would have filled, and every link, form and embed target under `roots`
 * (the whole document, or on the workbench itself only hovers, tooltips and notifications, whose
 * text comes from the cluster; the workbench's own chrome has command links of its own).
 */
const FRAME_PROBE = `(() => {
  const set = window[MARKER];
  const roots = SCOPED
    ? Array.from(document.querySelectorAll('.monaco-hover, .workbench-hover, .notifications-toasts, .notifications-center, .custom-hover'))
    : [document.documentElement];
  const attrs = ['href', 'data-href', 'action', 'formaction', 'src', 'srcdoc', 'data', 'xlink:href'];
  const links = roots.flatMap((root) => Array.from(root.querySelectorAll('a, area, form, button, iframe, object, embed, [data-href], [href]'))
    .flatMap((el) => attrs.map((a) => el.getAttribute(a)).filter((v) => typeof v === 'string')));
  return { markers: Array.isArray(set) ? set.map(String) : set === undefined ? [] : [String(set)], links };
})()`;

/** What each frame of the page holds: the marker a hostile script sets, and the targets of its links and forms. */
async function inspectFrames(page: Page, hoverAndToastsOnly: boolean): Promise<{ markers: string[]; targets: string[]; frames: number }> {
  const markers: string[] = [];
  const targets: string[] = [];
  const frames = page.frames();
  for (const frame of frames) {
    const isMain = frame === page.mainFrame();
    const script = FRAME_PROBE.replace('MARKER', JSON.stringify(HOSTILE_MARKER_GLOBAL)).replace('SCOPED', String(isMain && hoverAndToastsOnly));
    const found = await frame.evaluate(script).catch(() => ({ markers: [], links: [] })) as { markers: string[]; links: string[] };
    markers.push(...found.markers);
    targets.push(...found.links);
  }
  return { markers, targets, frames: frames.length };
}

describe('ui: hostile cluster, Azure and runbook text stays text', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let cluster: SimulatedCluster;
  let arm: ControlledArmStandIn;
  let dir: string;
  let beacon: http.Server;
  let corpus: readonly HostileString[];
  const beaconHits: string[] = [];
  const markers: string[] = [];
  const badLinks: string[] = [];
  let framesInspected = 0;
  let linksInspected = 0;
  let corpusCommands: Set<string>;

  const byId = (id: string): HostileString => corpus.find((h) => h.id === id)!;
  const row = (text: string) => wb!.page.locator('.pane-body .monaco-list-row', { hasText: text }).first();

  /** Checks every frame after a step; the webviews' frames go when their panel does, so this runs after each. */
  async function inspect(step: string, hoverAndToastsOnly = true): Promise<void> {
    const found = await inspectFrames(wb!.page, hoverAndToastsOnly);
    framesInspected += found.frames;
    linksInspected += found.targets.length;
    markers.push(...found.markers.map((m) => `${step}: ${m}`));
    badLinks.push(...dangerousTargets(found.targets, corpusCommands).map((t) => `${step}: ${t.slice(0, 120)}`));
  }

  before(async () => {
    beacon = http.createServer((req, res) => {
      beaconHits.push(`${req.method} ${req.url}`);
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => beacon.listen(0, '127.0.0.1', resolve));
    const beaconPort = (beacon.address() as AddressInfo).port;
    corpus = hostileCorpus({ beaconPort });
    corpusCommands = new Set(corpus.flatMap((h) => [...h.text.matchAll(/command:([\w.-]+)/g)].map((m) => m[1])));

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-ui-hostile-'));
    cluster = await startSimulatedCluster({ kubeconfigPath: path.join(dir, 'kubeconfig') });
    seedHostileCluster(cluster.server, corpus);
    arm = await startControlledArmStandIn();
    seedHostileAzure(arm.standin.scenario, corpus);
    seedHostileInsights(arm.logAnalytics.workspaces, corpus);
    const runbooks = path.join(dir, 'runbooks');
    fs.mkdirSync(runbooks);
    fs.writeFileSync(path.join(runbooks, `${HOSTILE_RUNBOOK_CODE}.md`), hostileRunbook(corpus));
    wb = await Workbench.open({
      files: { 'hostile-node.log': hostileLog(corpus) },
      env: { KUBECONFIG: cluster.kubeconfigPath, ...arm.env },
      settings: {
        'aksNodeRepair.azure.resourceManagerEndpoint': arm.standin.url,
        'aksNodeRepair.azure.logAnalyticsEndpoint': arm.logAnalytics.url,
        'aksNodeRepair.azure.credential': 'azureCli',
        'aksNodeRepair.catalogFolders': [runbooks],
      },
    });
    // The beacon is reachable from this browser: a payload that ran would be counted.
    const probe = await wb.page.context().browser()!.newPage();
    await probe.goto(beaconUrl(beaconPort, 'beacon-self-test')).catch(() => undefined);
    await probe.close();
    assert.deepEqual(beaconHits, [`GET ${BEACON_PATH_PREFIX}beacon-self-test`], 'the browser reaches the beacon');
    beaconHits.length = 0;
    // And the frame probe reads the marker a payload would set.
    await wb.page.evaluate(`window.${HOSTILE_MARKER_GLOBAL} = ['probe-self-test']`);
    assert.deepEqual((await inspectFrames(wb.page, true)).markers, ['probe-self-test'], 'the probe reads the marker');
    await wb.page.evaluate(`delete window.${HOSTILE_MARKER_GLOBAL}`);
  });
  screenshotFailures(() => wb);
  after(async () => {
    await wb?.close();
    await arm?.stop();
    await cluster?.stop();
    await new Promise<void>((resolve) => (beacon ? beacon.close(() => resolve()) : resolve()));
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('shows the hostile nodes in the Nodes view, and a node\'s tooltip, as text', async () => {
    const page = wb!.page;
    await page.locator('.activitybar .action-item a[aria-label^="AKS Auto-Repair"]').click();
    await wb!.widenSideBar(760);
    const hostileRow = row(HOSTILE_POOL_NODE);
    await hostileRow.waitFor({ state: 'visible', timeout: 30_000 });
    await row(HOSTILE_NODE).waitFor({ state: 'visible', timeout: 30_000 });
    // The tooltip comes after the hover delay, once the tree has settled: move onto the name again if it has not.
    const tooltip = page.locator('.monaco-hover, .workbench-hover').first();
    for (let attempt = 1; ; attempt++) {
      await page.mouse.move(1000, 800);
      await hostileRow.locator('.label-name').first().hover();
      try {
        await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
        break;
      } catch (err) {
        if (attempt === 4) {
          throw err;
        }
      }
    }
    assert.ok((await tooltip.innerText()).includes(HOSTILE_POOL_NODE), 'the tooltip is the node\'s');
    await inspect('tooltip');
    await wb!.screenshot('hostile-nodes-view');
    await page.mouse.move(1000, 800);
    await page.keyboard.press('Escape');
  });

  it('opens the guidance for a hostile event: its message is shown as text', async () => {
    const page = wb!.page;
    const nodeRow = row(HOSTILE_POOL_NODE);
    await nodeRow.click();
    if ((await nodeRow.getAttribute('aria-expanded')) !== 'true') {
      await page.keyboard.press('ArrowRight');
    }
    const failed = page.locator('.pane-body .monaco-list-row', { hasText: /Reboot\s*failed: OutboundConnectivityNotEnabledOnVMSS/ }).first();
    await failed.waitFor({ state: 'visible', timeout: 15_000 });
    await page.mouse.move(1000, 800);
    await failed.click();
    const view = wb!.webview();
    await view.locator('header h1', { hasText: 'OutboundConnectivityNotEnabledOnVMSS' }).waitFor({ state: 'visible', timeout: 20_000 });
    const context = await view.locator('.context').innerText();
    assert.ok(context.includes('onerror='), 'the hostile markup is on the page as text');
    await page.waitForTimeout(500);
    await inspect('guidance for an event');
    // Collapse it again: its ninety failed steps would push the other nodes out of sight.
    await page.mouse.move(1000, 800);
    await nodeRow.click();
    await page.keyboard.press('ArrowLeft');
    await page.locator('.pane-body .monaco-list-row[aria-expanded="false"]', { hasText: HOSTILE_POOL_NODE }).first().waitFor({ state: 'visible', timeout: 10_000 });
  });

  it('diagnoses the node whose Azure text is hostile: the panel shows it as text', async () => {
    const page = wb!.page;
    await page.mouse.move(1000, 800);
    await wb!.contextMenu(row(HOSTILE_NODE), 'Diagnose Node in Azure');
    const view = wb!.webview();
    await view.locator('main[aria-busy="false"]').waitFor({ state: 'attached', timeout: 40_000 });
    await view.locator('#extensions').waitFor({ state: 'visible', timeout: 20_000 });
    assert.ok((await view.locator('#activity').innerText()).includes('onerror='), 'the Activity Log error is shown, as text');
    await page.waitForTimeout(500);
    await inspect('diagnosis');
    await wb!.screenshot('hostile-diagnosis');
  });

  it('shows the repair history with hostile codes and messages', async () => {
    await wb!.runCommand('AKS: Show Repair History');
    const view = wb!.webview();
    await view.locator('svg.chart-days').waitFor({ state: 'visible', timeout: 30_000 });
    await wb!.page.waitForTimeout(500);
    await inspect('history');
  });

  it('creates the support report for the hostile node', async () => {
    const page = wb!.page;
    await page.mouse.move(1000, 800);
    // From the palette, which asks which node: the hostile pool's rows keep changing (live events),
    // and a right-click can land on the row that just moved under the pointer (history.test.ts
    // covers the context menu).
    await wb!.runCommand('AKS: Create Support Report');
    const input = page.locator('.quick-input-widget input');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: HOSTILE_NODE }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(HOSTILE_NODE);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: HOSTILE_NODE }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: /Untitled/ }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await page.locator('.monaco-editor .view-lines').first().getByText('AKS node auto-repair report for').first().waitFor({ state: 'visible', timeout: 15_000 });
    await inspect('support report', false);
  });

  it('notifies of a new hostile auto-repair error: the toast is text, its buttons the extension\'s own', async () => {
    const page = wb!.page;
    cluster.server.upsertEvent(hostileNotificationEvent(HOSTILE_POOL_NODE, byId('md-command-aks')));
    const toast = page.locator('.notification-toast', { hasText: 'VMExtensionProvisioningError' }).first();
    await toast.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok((await toast.innerText()).includes(HOSTILE_POOL_NODE));
    await inspect('notification');
    await wb!.screenshot('hostile-notification');
  });

  it('hovers codes in a hostile node log, and opens the hostile runbook\'s guidance', async () => {
    const page = wb!.page;
    await wb!.openFile('hostile-node.log');
    await wb!.hoverText('VMExtensionProvisioningError');
    const hover = page.locator('.monaco-hover').first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    await inspect('hover on a code');
    await page.mouse.move(1000, 850);
    await page.keyboard.press('Escape');
    await wb!.hoverText(HOSTILE_RUNBOOK_CODE);
    // The runbook's hover: its title and summary, as text (the summary is a markdown command link).
    const runbookHover = page.locator('.monaco-hover', { hasText: 'aksNodeRepair.deleteNodeMachine' }).first();
    await runbookHover.waitFor({ state: 'visible', timeout: 15_000 });
    const shown = await runbookHover.innerText();
    // As text (the hover may break it up with invisible characters or no-break spaces, which is fine).
    assert.match(shown.replace(/[^\x21-\x7e]/g, ''), /\[Fixit\]\(command:aksNodeRepair\.deleteNodeMachine/, 'the summary\'s link is text');
    await inspect('hover on the runbook\'s code');
    await wb!.screenshot('hostile-runbook-hover');
    await page.mouse.down();
    await page.mouse.up();
    await page.keyboard.press('Escape');
    await wb!.runCommand('AKS: Explain Auto-Repair Error');
    const view = wb!.webview();
    await view.locator('header h1', { hasText: 'Hostile' }).waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok((await view.locator('header h1').innerText()).includes('onerror='), 'the runbook\'s hostile title is text');
    await page.waitForTimeout(500);
    await inspect('runbook guidance');
    await wb!.screenshot('hostile-input', { docs: true });
  });

  it('ran nothing: no beacon request, no marker in any frame, no hostile command or script link', async () => {
    await wb!.page.waitForTimeout(1000);
    await inspect('at the end');
    assert.ok(framesInspected > 10 && linksInspected > 10, `frames and links were inspected (${framesInspected} frames, ${linksInspected} link targets)`);
    assert.deepEqual(beaconHits.map((h) => `${h} (${beaconIdOf(h.split(' ')[1] ?? '') ?? '?'})`), [], 'beacon requests');
    assert.deepEqual(markers, [], 'hostile script markers');
    assert.deepEqual(badLinks, [], 'links that would run a hostile command or script');
  });
});
