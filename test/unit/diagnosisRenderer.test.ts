import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Catalog } from '../../src/domain/catalog';
import { parseCatalogEntry } from '../../src/domain/catalogEntry';
import type { AzureProblem, Diagnosis, Finding, Section } from '../../src/domain/diagnosis';
import { GuidanceRenderer } from '../../src/guidance/guidanceRenderer';
import {
  OPENABLE_SETTINGS, REGIONS, renderDiagnosisPage, renderRegions, updateMessage,
} from '../../src/diagnosis/diagnosisRenderer';
import { isBusy, type DiagnosisView } from '../../src/diagnosis/diagnosisView';
import { escapeHtml } from '../../src/domain/html';
import { fixFor } from '../../src/diagnosis/problemBox';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const resources = { cspSource: 'https://webview.test', scriptUri: 'https://webview.test/media/diagnosis.js', styleUri: 'https://webview.test/media/diagnosis.css', nonce: 'bm9uY2U=' };

const NODE = 'aks-userpool-12345678-vmss000003';
const SUB = '00000000-0000-0000-0000-000000000001';
const RG = 'mc_rg-aks-demo_aks-demo_westeurope';
const VM_ID = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachineScaleSets/aks-userpool-12345678-vmss/virtualMachines/3`;
const HOSTILE = '<img src=x onerror="alert(1)"><script>alert(2)</script>" onclick="x" \' &amp;';

const loading = { state: 'loading' } as const;

function diagnosis(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return {
    node: NODE,
    providerId: `azure://${VM_ID}`,
    target: { ok: true, target: { kind: 'vmss', subscriptionId: SUB, resourceGroup: RG, scaleSet: 'aks-userpool-12345678-vmss', instanceId: '3', resourceId: VM_ID } },
    instance: loading,
    extensions: loading,
    health: loading,
    activity: loading,
    cluster: loading,
    startedAt: Date.UTC(2026, 11, 1, 14, 2, 0),
    ...overrides,
  };
}

function complete(overrides: Partial<Diagnosis> = {}): Diagnosis {
  return diagnosis({
    instance: { state: 'ok', value: { resourceId: VM_ID, name: 'aks-userpool-12345678-vmss_3', powerState: 'running', provisioningState: 'failed', latestModelApplied: true, image: 'microsoft-aks:aks:ubuntu-2204:2026.11.20' } },
    extensions: {
      state: 'ok', value: [
        { name: 'vmssCSE', type: 'Microsoft.Azure.Extensions.CustomScript', status: 'Provisioning failed', level: 'Error', message: 'Enable failed: failed to execute command: command terminated with exit status=50', exitCode: 50 },
        { name: 'AKSLinuxBilling', status: 'Provisioning succeeded', level: 'Info' },
      ],
    },
    health: { state: 'ok', value: { availabilityState: 'Unavailable', summary: 'The VM is not reachable.', since: Date.UTC(2026, 11, 1, 13, 20) } },
    activity: {
      state: 'ok', value: [
        { operation: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/reimage/action', status: 'Failed', caller: 'aks-remediator', time: Date.UTC(2026, 11, 1, 13, 37), errorCode: 'VMExtensionProvisioningError', errorMessage: 'VM has reported a failure when processing extension vmssCSE' },
        { operation: 'Microsoft.Compute/virtualMachineScaleSets/virtualMachines/restart/action', status: 'Succeeded', caller: 'aks-remediator', time: Date.UTC(2026, 11, 1, 13, 32) },
      ],
    },
    cluster: {
      state: 'ok', value: {
        name: 'aks-demo', resourceId: `/subscriptions/${SUB}/resourceGroups/rg-aks-demo/providers/Microsoft.ContainerService/managedClusters/aks-demo`, resourceGroup: 'rg-aks-demo',
        provisioningState: 'Succeeded', powerState: 'Running', kubernetesVersion: '1.33.2', outboundType: 'userDefinedRouting',
        pool: { name: 'userpool', provisioningState: 'Succeeded', powerState: 'Running', count: 6, vmSize: 'Standard_D4s_v5', nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202611.20.0', mode: 'User' },
      },
    },
    completedAt: Date.UTC(2026, 11, 1, 14, 2, 1, 300),
    ...overrides,
  });
}

const FINDING: Finding = {
  code: 'VMExtensionProvisioningError',
  severity: 'error',
  title: 'The node bootstrap failed with exit code 50 (ERR_OUTBOUND_CONN_FAIL)',
  evidence: 'vmssCSE reports exit status=50: the node could not reach mcr.microsoft.com.',
  nextStep: 'Open egress to the required AKS endpoints, then reimage the node.',
  command: `az vmss reimage -g ${RG} -n aks-userpool-12345678-vmss --instance-ids 3`,
  guidanceId: 'VMExtensionProvisioningError',
};

function view(d: Diagnosis, extra: Partial<DiagnosisView> = {}): DiagnosisView {
  return { diagnosis: d, findings: [], credential: 'vscode', ...extra };
}

function problem(kind: AzureProblem['kind'], extra: Partial<AzureProblem> = {}): AzureProblem {
  return { kind, message: `message for ${kind}`, nextStep: `next step for ${kind}`, ...extra };
}

/** Every attribute of every tag in `html`. */
function attributes(html: string): string[] {
  // Quoted values hold no `"` (the renderer writes it as &quot;): drop them, then read the names.
  return [...html.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap((m) => [...m[0].replace(/"[^"]*"/g, '""').matchAll(/\s([a-zA-Z-:]+)=/g)].map((a) => a[1].toLowerCase()));
}

describe('diagnosisRenderer', () => {
  describe('the page frame', () => {
    const html = renderDiagnosisPage(view(diagnosis()), resources);

    it('has a CSP of default-src none with this render\'s nonce for the one script', () => {
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-bm9uY2U='/);
      assert.match(csp, /style-src https:\/\/webview\.test/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      assert.deepEqual(scripts, ['<script nonce="bm9uY2U=" src="https://webview.test/media/diagnosis.js">']);
      assert.match(html, /<link rel="stylesheet" href="https:\/\/webview\.test\/media\/diagnosis\.css">/);
    });

    it('has no inline handler, style or javascript: URL', () => {
      const full = renderDiagnosisPage(view(complete(), { findings: [FINDING] }), resources);
      for (const page of [html, full]) {
        assert.deepEqual(attributes(page).filter((a) => a.startsWith('on') || a === 'style'), []);
        assert.doesNotMatch(page, /javascript:/i);
        assert.doesNotMatch(page, /<style/i);
      }
    });

    it('has one labelled region per section, live, with headings and real buttons', () => {
      for (const id of REGIONS) {
        assert.match(html, new RegExp(`id="${id}"`), id);
      }
      assert.match(html, /<h1>Azure diagnosis of <code>aks-userpool-12345678-vmss000003<\/code><\/h1>/);
      for (const title of ['Findings', 'Scale set instance', 'VM extensions', 'Resource Health', 'Activity Log', 'Cluster and node pool']) {
        assert.match(html, new RegExp(`<h2 id="h-[a-z]+">${title}</h2>`), title);
      }
      assert.equal((html.match(/class="section-body" id="[a-z]+" aria-live="polite"/g) ?? []).length, 7);
      assert.match(html, /<button type="button" data-action="refresh"[^>]*>Refresh<\/button>/);
      assert.match(html, /<button type="button" data-action="copyMarkdown">Copy as Markdown<\/button>/);
      assert.match(html, /<main aria-busy="true">/);
    });

    it('hands the script its words as data attributes', () => {
      assert.match(html, /<body data-copy-label="Copy" data-copied-label="Copied">/);
    });

    it('ships the page script and stylesheet it links', () => {
      const script = fs.readFileSync(path.join(REPO_ROOT, 'media', 'diagnosis.js'), 'utf8');
      assert.ok(fs.existsSync(path.join(REPO_ROOT, 'media', 'diagnosis.css')));
      // Every action the renderer can put on a button is one the script handles.
      const actions = new Set([...renderDiagnosisPage(view(complete(), { findings: [FINDING] }), resources).matchAll(/data-action="(\w+)"/g)].map((m) => m[1]));
      for (const p of ['not-signed-in', 'cli-missing', 'throttled'] as const) {
        actions.add(/data-action="(\w+)"/.exec(fixFor(problem(p), p === 'not-signed-in' ? 'azureCli' : 'vscode')!.attrs)![1]);
      }
      actions.add('signIn');
      for (const action of actions) {
        assert.match(script, new RegExp(`'${action}'`), `media/diagnosis.js handles ${action}`);
      }
      assert.doesNotMatch(script, /\beval\(|new Function/);
    });
  });

  describe('section states', () => {
    it('loading: a spinner and "Reading…"', () => {
      const r = renderRegions(view(diagnosis()));
      for (const id of ['instance', 'extensions', 'health', 'activity', 'cluster'] as const) {
        assert.match(r[id], /class="spinner" aria-hidden="true"/, id);
        assert.match(r[id], /Reading…/, id);
      }
      assert.match(r.status, /Reading from Azure… \(started 2026-12-01 14:02:00 UTC\)/);
      assert.equal(isBusy(view(diagnosis())), true);
    });

    it('ok: the facts of every section', () => {
      const r = renderRegions(view(complete(), { findings: [FINDING] }));
      assert.equal(isBusy(view(complete())), false);
      assert.match(r.target, new RegExp(VM_ID.replace(/[/.]/g, '\\$&')));
      assert.match(r.instance, /Power state<\/dt><dd><span class="state state-good">running<\/span>/);
      assert.match(r.instance, /Provisioning state<\/dt><dd><span class="state state-bad">failed<\/span>/);
      assert.match(r.instance, /Latest model applied<\/dt><dd>yes/);
      assert.match(r.instance, /microsoft-aks:aks:ubuntu-2204:2026\.11\.20/);
      assert.match(r.extensions, /<code>vmssCSE<\/code>/);
      assert.match(r.extensions, /Exit code 50<\/strong>: <code>ERR_OUTBOUND_CONN_FAIL<\/code> \(OutboundConnFailVMExtensionError\)/);
      assert.match(r.extensions, /exit status=50/);
      assert.match(r.health, /Unavailable/);
      assert.match(r.health, /2026-12-01 13:20:00 UTC/);
      assert.match(r.activity, /<th scope="col">Time<\/th>/);
      assert.match(r.activity, /virtualMachines\/reimage/);
      assert.match(r.activity, /<tr class="failed">/);
      assert.match(r.activity, /aks-remediator/);
      assert.ok(r.activity.indexOf('reimage') < r.activity.indexOf('restart'), 'newest first');
      assert.match(r.cluster, /Outbound type<\/dt><dd><code>userDefinedRouting<\/code>/);
      assert.match(r.cluster, /Node pool <code>userpool<\/code>/);
      assert.match(r.cluster, /Node count<\/dt><dd>6/);
      assert.match(r.status, /Read from Azure at 2026-12-01 14:02:01 UTC in 1\.3 s\./);
    });

    it('an unknown exit code is shown as the number it is', () => {
      const r = renderRegions(view(complete({ extensions: { state: 'ok', value: [{ name: 'vmssCSE', exitCode: 217, message: 'exit status=217' }] } })));
      assert.match(r.extensions, /Exit code 217/);
      assert.match(r.extensions, /not one of the bootstrap codes/);
    });

    it('gone: the resource does not exist, said as a fact', () => {
      const r = renderRegions(view(complete({ instance: { state: 'gone', message: 'The instance 3 no longer exists (404).' } })));
      assert.match(r.instance, /class="gone"/);
      assert.match(r.instance, /The instance 3 no longer exists \(404\)\./);
      assert.doesNotMatch(r.instance, /class="problem/);
    });

    it('skipped: why it was not asked', () => {
      const r = renderRegions(view(complete({ health: { state: 'skipped', reason: 'no usable providerID' } })));
      assert.match(r.health, /Not read: no usable providerID/);
    });

    it('error: the problem\'s message, its next step and the fix', () => {
      const forbidden = problem('forbidden', { status: 403, code: 'AuthorizationFailed', missingRole: { role: 'Reader', scope: `/subscriptions/${SUB}/resourceGroups/${RG}` } });
      const r = renderRegions(view(complete({ health: { state: 'error', problem: forbidden } })));
      assert.match(r.health, /message for forbidden/);
      assert.match(r.health, /\(HTTP 403, AuthorizationFailed\)/);
      assert.match(r.health, /Missing role: <strong>Reader<\/strong> on <code>\/subscriptions\/[^<]+\/resourceGroups\/mc_rg-aks-demo_aks-demo_westeurope<\/code>/);
      assert.match(r.health, /<strong>Next step:<\/strong> next step for forbidden/);
    });

    it('offers the button that fixes each sign-in problem', () => {
      const section = (p: AzureProblem): Section<never> => ({ state: 'error', problem: p });
      const vscodeView = renderRegions(view(complete({ instance: section(problem('not-signed-in')) })));
      assert.match(vscodeView.instance, /<button type="button" class="primary" data-action="signIn">Sign in to Azure<\/button>/);
      const cli = renderRegions(view(complete({ instance: section(problem('not-signed-in')) }), { credential: 'azureCli' }));
      assert.match(cli.instance, /<button type="button" class="primary" data-action="copy" data-text="az login">Copy az login<\/button>/);
      const tenant = renderRegions(view(complete({ instance: section(problem('wrong-tenant')) })));
      assert.match(tenant.instance, /data-action="openSetting" data-setting="aksNodeRepair\.azure\.tenant">Open Setting</);
      const missing = renderRegions(view(complete({ instance: section(problem('cli-missing')) }), { credential: 'azureCli' }));
      assert.match(missing.instance, /data-setting="aksNodeRepair\.azure\.credential"/);
      const server = renderRegions(view(complete({ instance: section(problem('server', { status: 503 })) })));
      assert.match(server.instance, /data-action="refresh">Try Again</);
      assert.equal(fixFor(problem('forbidden'), 'vscode'), undefined);
      assert.ok(!OPENABLE_SETTINGS.includes('aksNodeRepair.azure.logAnalyticsEndpoint'), 'no fix opens the unused Log Analytics setting');
      // Every setting a button opens is one the panel agrees to open.
      for (const kind of ['cli-missing', 'wrong-tenant', 'refused-host'] as const) {
        const setting = /data-setting="([^"]+)"/.exec(fixFor(problem(kind), 'vscode')!.attrs)![1];
        assert.ok(OPENABLE_SETTINGS.includes(setting), setting);
      }
    });

    it('a failure before any section: a clear message with the fix, never a blank page', () => {
      const p = problem('not-signed-in', { message: 'You are not signed in to Azure.' });
      const skipped = { state: 'skipped', reason: 'nothing was asked of Azure' } as const;
      const d = complete({ instance: skipped, extensions: skipped, health: skipped, activity: skipped, cluster: skipped });
      const html = renderDiagnosisPage(view(d, { problem: p }), resources);
      assert.match(html, /<div id="problem" aria-live="assertive"><div class="problem kind-not-signed-in page-problem"/);
      assert.match(html, /You are not signed in to Azure\./);
      assert.match(html, /data-action="signIn">Sign in to Azure</);
      assert.match(html, /<main aria-busy="false">/);
      assert.match(html, /Nothing could be read from Azure\./);
    });

    it('a sign-in every section hit: one problem at the top with its fix, a line in each section', () => {
      const signIn = problem('not-signed-in', { message: 'You are not signed in to Azure.' });
      const failed = { state: 'error', problem: signIn } as const;
      const d = complete({ instance: failed, extensions: failed, health: failed, activity: failed, cluster: failed, signIn });
      const html = renderDiagnosisPage(view(d), resources);
      assert.match(html, /<div id="problem" aria-live="assertive"><div class="problem kind-not-signed-in page-problem"/);
      assert.equal((html.match(/data-action="signIn"/g) ?? []).length, 1, 'one "Sign in to Azure" on the page');
      assert.equal((html.match(/You are not signed in to Azure\./g) ?? []).length, 1);
      const r = renderRegions(view(d));
      for (const id of ['instance', 'extensions', 'health', 'activity', 'cluster'] as const) {
        assert.match(r[id], /Not read: signing in to Azure failed \(see the problem above\)\./, id);
      }
      // A section that failed for another reason still shows its own problem.
      const mixed = renderRegions(view({ ...d, health: { state: 'error', problem: problem('forbidden', { status: 403 }) } }));
      assert.match(mixed.health, /message for forbidden/);
      const cli = renderDiagnosisPage(view(d, { credential: 'azureCli' }), resources);
      assert.equal((cli.match(/data-text="az login"/g) ?? []).length, 1, 'one "Copy az login"');
    });

    it('the Azure client that did not load is said as such, with its next step and no sign-in button', () => {
      const p: AzureProblem = { kind: 'unknown', message: 'The Azure client could not be loaded.', nextStep: 'Reinstall the extension.' };
      const html = renderDiagnosisPage(view(complete(), { problem: p }), resources);
      assert.match(html, /The Azure client could not be loaded\./);
      assert.match(html, /<strong>Next step:<\/strong> Reinstall the extension\./);
      assert.doesNotMatch(html, /data-action="signIn"|Install the Azure CLI/);
    });

    it('names the instance section after what the node runs on', () => {
      assert.match(renderDiagnosisPage(view(complete()), resources), /<h2 id="h-instance">Scale set instance<\/h2>/);
      const vmId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Compute/virtualMachines/aks-agentpool-1-0`;
      const vm = complete({ target: { ok: true, target: { kind: 'vm', subscriptionId: SUB, resourceGroup: RG, vmName: 'aks-agentpool-1-0', resourceId: vmId } } });
      assert.match(renderDiagnosisPage(view(vm), resources), /<h2 id="h-instance">Virtual machine<\/h2>/);
      // The heading is a region too: a panel opened before the target was known gets it in the update.
      assert.equal(updateMessage(view(vm)).regions['h-instance'], 'Virtual machine');
    });

    it('the Activity Log says the window it read', () => {
      const window = { from: Date.UTC(2026, 10, 28, 9, 0), to: Date.UTC(2026, 11, 1, 14, 2) };
      const none = renderRegions(view(complete({ activity: { state: 'ok', value: [] }, activityWindow: window })));
      assert.match(none.activity, /since 2026-11-28 09:00:00 UTC\./);
      const some = renderRegions(view(complete({ activityWindow: window })));
      assert.match(some.activity, /Operations from 2026-11-28 09:00:00 UTC to 2026-12-01 14:02:00 UTC, newest first\./);
      // Without a window (an older diagnosis): 24 h before the run started.
      assert.match(renderRegions(view(complete({ activity: { state: 'ok', value: [] } }))).activity, /since 2026-11-30 14:02:00 UTC\./);
    });

    it('says when the node has left the cluster', () => {
      const r = renderRegions(view(complete(), { nodeLeft: true }));
      assert.match(r.target, /class="notice node-left"/);
      assert.match(r.target, /no longer in the watched cluster/);
      assert.match(r.target, new RegExp(VM_ID.replace(/[/.]/g, '\\$&')), 'and still shows the resource it reads');
      assert.doesNotMatch(renderRegions(view(complete())).target, /node-left/);
    });

    it('a providerID that does not parse is shown as it is', () => {
      const r = renderRegions(view(complete({ providerId: 'azure:///bogus', target: { ok: false, raw: 'azure:///bogus', reason: 'not a VM' } })));
      assert.match(r.target, /does not lead to an Azure VM: not a VM\./);
      assert.match(r.target, /<code>azure:\/\/\/bogus<\/code>/);
    });
  });

  describe('findings', () => {
    it('each with its evidence, next step, a command to copy and the guidance link', () => {
      const r = renderRegions(view(complete(), { findings: [FINDING, { ...FINDING, code: 'OutboundConnectivityNotEnabledOnVMSS', severity: 'warning', command: undefined, guidanceId: undefined }] }));
      assert.equal((r.findings.match(/<article class="finding/g) ?? []).length, 2);
      assert.match(r.findings, /<h3 id="finding-0"><span class="badge severity-error">error<\/span> The node bootstrap failed/);
      assert.match(r.findings, /<button type="button" class="copy" data-action="copyCode" aria-label="Copy the command">Copy<\/button>/);
      assert.match(r.findings, /<code>az vmss reimage -g mc_rg-aks-demo_aks-demo_westeurope/);
      // The link names the finding by index only: the panel opens the entry its own finding names.
      assert.match(r.findings, /<a href="#" class="guidance-link" data-action="guidance" data-finding="0">Open the guidance for VMExtensionProvisioningError<\/a>/);
      assert.doesNotMatch(r.findings, /data-entry=|data-code=/);
      assert.equal((r.findings.match(/data-action="copyCode"/g) ?? []).length, 1, 'no copy button without a command');
    });

    it('says so when there are none, and while they may still come', () => {
      assert.match(renderRegions(view(complete())).findings, /No findings: the evidence shows nothing/);
      assert.match(renderRegions(view(diagnosis())).findings, /Reading…/);
    });
  });

  describe('hostile Azure text', () => {
    const evil = complete({
      node: HOSTILE,
      providerId: HOSTILE,
      target: { ok: false, raw: HOSTILE, reason: HOSTILE },
      instance: { state: 'ok', value: { resourceId: HOSTILE, name: HOSTILE, powerState: HOSTILE, image: HOSTILE, vmHealth: HOSTILE } },
      extensions: { state: 'ok', value: [{ name: HOSTILE, type: HOSTILE, status: HOSTILE, level: HOSTILE, message: HOSTILE, code: HOSTILE, exitCode: 50 }] },
      health: { state: 'error', problem: { kind: 'forbidden', message: HOSTILE, nextStep: HOSTILE, code: HOSTILE, missingRole: { role: HOSTILE, scope: HOSTILE } } },
      activity: { state: 'ok', value: [{ operation: HOSTILE, operationLabel: HOSTILE, status: HOSTILE, subStatus: HOSTILE, caller: HOSTILE, time: 0, errorCode: HOSTILE, errorMessage: HOSTILE }] },
      cluster: { state: 'ok', value: { name: HOSTILE, resourceId: HOSTILE, resourceGroup: HOSTILE, outboundType: HOSTILE, kubernetesVersion: HOSTILE, kubeletIdentity: { resourceId: HOSTILE }, pool: { name: HOSTILE, vmSize: HOSTILE, nodeImageVersion: HOSTILE } } },
    });
    const evilFinding: Finding = { code: HOSTILE, severity: 'error', title: HOSTILE, evidence: HOSTILE, nextStep: HOSTILE, command: HOSTILE, guidanceId: HOSTILE };
    const html = renderDiagnosisPage(view(evil, { findings: [evilFinding] }), resources);
    const failed = renderDiagnosisPage(view(evil, { problem: { kind: 'unknown', message: HOSTILE, nextStep: HOSTILE } }), resources);
    const gone = renderRegions(view(complete({ instance: { state: 'gone', message: HOSTILE }, health: { state: 'skipped', reason: HOSTILE } })));

    it('creates no element, attribute or script from it', () => {
      for (const page of [html, failed, ...Object.values(gone)]) {
        assert.doesNotMatch(page, /<img|<script>/i);
        assert.deepEqual(attributes(page).filter((a) => a.startsWith('on')), []);
      }
      assert.equal((html.match(/<script\b/g) ?? []).length, 1, 'only the page\'s own script');
    });

    it('shows it as text', () => {
      assert.ok(html.includes(escapeHtml(HOSTILE)));
      assert.ok(html.includes('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'));
      assert.ok(gone.instance.includes(escapeHtml(HOSTILE)));
      assert.ok(failed.includes(`</span> ${escapeHtml(HOSTILE)}</p>`));
    });

    it('keeps attribute values quoted and closed', () => {
      assert.match(html, /data-action="guidance" data-finding="0">/);
      // Every quote in the rendered text is an entity: no attribute can be broken out of.
      for (const m of [...html.matchAll(/<[a-zA-Z][^>]*>/g), ...failed.matchAll(/<[a-zA-Z][^>]*>/g)]) {
        assert.equal((m[0].match(/"/g) ?? []).length % 2, 0, m[0]);
      }
    });

    it('cuts a huge message to a readable length', () => {
      const huge = 'x'.repeat(100_000);
      const r = renderRegions(view(complete({ extensions: { state: 'ok', value: [{ name: 'vmssCSE', message: huge }] } })));
      assert.ok(r.extensions.length < 10_000);
      assert.match(r.extensions, /x…<\/pre>/);
    });
  });

  it('posts every region in one update message', () => {
    const m = updateMessage(view(complete(), { findings: [FINDING] }));
    assert.equal(m.type, 'update');
    assert.deepEqual(Object.keys(m.regions).sort(), [...REGIONS].sort());
    assert.equal(m.busy, false);
  });
});

describe('the guidance page links to the diagnosis', () => {
  const parsed = parseCatalogEntry('---\nid: VMExtensionProvisioningError\ntitle: VM extension failed\nkind: code\nmatches:\n  - VMExtensionProvisioningError\naction: any\nseverity: error\nsummary: s\nfirstStep: f\n---\nBody.\n', '/x.md', 'builtin');
  assert.ok(parsed.ok);
  const entry = parsed.entry;
  const strings = new Proxy({}, { get: (_t, key) => (key === 'kindLabels' || key === 'kindHeadings' ? { code: 'c', reason: 'r', topic: 't' } : key === 'diagnose' ? 'Diagnose in Azure' : String(key)) });
  const res = { cspSource: 'https://webview.test', scriptUri: 's', styleUri: 'c', nonce: 'n' };

  it('offers "Diagnose in Azure" when the page is about a node, and not otherwise', () => {
    const renderer = new GuidanceRenderer(strings as never);
    const catalog = new Catalog([entry]);
    const onNode = renderer.renderPage({ target: { id: entry.id, context: { node: NODE, code: entry.id } }, entry, catalog, canGoBack: false }, res);
    assert.match(onNode, /<button type="button" data-action="diagnose">Diagnose in Azure<\/button>/);
    const bare = renderer.renderPage({ target: { id: entry.id }, entry, catalog, canGoBack: false }, res);
    assert.doesNotMatch(bare, /data-action="diagnose"/);
    assert.match(fs.readFileSync(path.join(REPO_ROOT, 'media', 'guidance.js'), 'utf8'), /action === 'diagnose'/);
  });
});
