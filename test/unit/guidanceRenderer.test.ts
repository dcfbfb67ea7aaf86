import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Catalog } from '../../src/domain/catalog';
import { parseCatalogEntry, type CatalogEntry } from '../../src/domain/catalogEntry';
import { loadCatalogFolders } from '../../src/domain/catalogLoader';
import { escapeHtml } from '../../src/domain/html';
import { GuidanceRenderer } from '../../src/guidance/guidanceRenderer';
import { englishGuidanceStrings } from './guidanceFixtures';

const REPO_ROOT = path.resolve(__dirname, '../../..');
const resources = { cspSource: 'https://webview.test', scriptUri: 'https://webview.test/media/guidance.js', styleUri: 'https://webview.test/media/guidance.css', nonce: 'bm9uY2U=' };

function entry(text: string, origin: 'builtin' | 'user' = 'user'): CatalogEntry {
  const parsed = parseCatalogEntry(text, '/runbooks/x.md', origin);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error);
  return parsed.entry;
}

const HOSTILE = `---
id: team-runbook
title: Team <script>alert(1)</script> runbook
kind: topic
action: none
severity: info
summary: Summary with <img src=x onerror=alert(1)>
firstStep: Run "kubectl get nodes" & check
docs:
  - Docs | https://learn.microsoft.com/azure/aks/node-auto-repair
related:
  - monitoring
---
# Heading

<script>alert('raw html')</script>
<iframe src="https://evil.example"></iframe>

[monitoring](./monitoring.md) · [missing](./nope.md) · [external](https://learn.microsoft.com/azure/aks/events)
[plain http](http://example.com) · [script](javascript:alert(1)) · [file](file:///etc/passwd) · [cmd](command:workbench.action.terminal.new)

![diagram](https://example.com/x.png)

\`\`\`sh
kubectl describe node "<node>" && echo '</code></pre><script>x()</script>'
\`\`\`
`;

describe('guidance renderer', () => {
  const builtin = loadCatalogFolders([{ path: path.join(REPO_ROOT, 'media', 'catalog'), origin: 'builtin' }]).catalog;
  const hostile = entry(HOSTILE);
  const catalog = new Catalog([...builtin.entries, hostile]);
  const renderer = new GuidanceRenderer(englishGuidanceStrings);

  it('renders every built-in entry with a nonce CSP and no inline handlers', () => {
    for (const e of builtin.entries) {
      const html = renderer.renderPage({ target: { id: e.id }, entry: e, catalog: builtin, canGoBack: false }, resources);
      assert.match(html, /default-src 'none'/);
      assert.ok(html.includes(`script-src 'nonce-${resources.nonce}'`), e.id);
      assert.equal((html.match(/<script\b/g) ?? []).length, 1, `${e.id}: only our nonce script`);
      assert.doesNotMatch(html, /\son[a-z]+=/i, `${e.id}: no inline event handlers`);
      assert.ok(html.includes(escapeHtml(e.title)), e.id);
    }
  });

  it('escapes raw HTML from the markdown and front matter of a user entry', () => {
    const html = renderer.renderPage({ target: { id: hostile.id }, entry: hostile, catalog, canGoBack: true }, resources);
    assert.equal((html.match(/<script\b/g) ?? []).length, 1, 'only our nonce script');
    assert.doesNotMatch(html, /<iframe|<img/i);
    assert.ok(html.includes('Team &lt;script&gt;alert(1)&lt;/script&gt; runbook'));
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(html.includes('&lt;/code&gt;&lt;/pre&gt;&lt;script&gt;x()&lt;/script&gt;'), 'code blocks are escaped');
    assert.match(html, /data-action="back"/, 'a back button when there is history');
  });

  it('keeps catalog links in the panel, sends https out, and leaves other schemes inert', () => {
    const body = renderer.renderBody(hostile, catalog);
    assert.match(body, /<a href="#" data-entry="monitoring">monitoring<\/a>/);
    assert.match(body, /data-external="https:\/\/learn\.microsoft\.com\/azure\/aks\/events"/);
    for (const bad of ['http://example.com', 'javascript:', 'file:///etc/passwd', 'command:']) {
      assert.ok(!body.includes(`href="${bad}`), `${bad} is not a live link`);
    }
    assert.match(body, /class="inert-link"[^>]*>missing</, 'a link to a missing entry is inert');
    assert.match(body, /\[image: diagram\]/, 'images become text');
    assert.match(body, /<button type="button" class="copy" data-action="copy"/, 'command blocks get a copy button');
  });

  it('shows the Azure error an event carried beside its code, escaped', () => {
    const e = builtin.get('unknown-error')!;
    const context = { node: 'aks-x', code: 'AllocationFailed', azureMessage: 'No <b>capacity</b> & "more"' };
    const html = renderer.renderPage({ target: { id: e.id, context }, entry: e, catalog: builtin, canGoBack: false }, resources);
    assert.match(html, /<p class="azure-error"><strong>Azure error:<\/strong> <code>AllocationFailed<\/code> No &lt;b&gt;capacity&lt;\/b&gt; &amp; &quot;more&quot;<\/p>/);
    const without = renderer.renderPage({ target: { id: e.id, context: { node: 'aks-x', code: 'X' } }, entry: e, catalog: builtin, canGoBack: false }, resources);
    assert.doesNotMatch(without, /azure-error/);
  });

  it('shows untrusted context from the cluster escaped', () => {
    const e = builtin.get('NodeReimageError')!;
    const context = { node: 'aks-x<b>1</b>', reason: 'NodeReimageError', message: 'failed: <img src=x onerror=alert(1)> "quoted" \'single\'', code: '<svg/onload=alert(1)>', seenAt: Date.UTC(2026, 10, 20, 9, 39, 43) };
    const html = renderer.renderPage({ target: { id: e.id, context }, entry: e, catalog: builtin, canGoBack: false }, resources);
    assert.doesNotMatch(html, /<img|<svg|<b>1/i);
    assert.ok(html.includes('aks-x&lt;b&gt;1&lt;/b&gt;'));
    assert.ok(html.includes('&lt;svg/onload=alert(1)&gt;'));
    assert.ok(html.includes('2026-11-20 09:39:43 UTC'));
    // The state the page restores from is an attribute value: quotes must be escaped too.
    const state = /data-state="([^"]*)"/.exec(html)?.[1];
    assert.ok(state && !state.includes("'") && !state.includes('<'));
  });

  it('says how often a recurring code was seen on the node, and only when it recurs', () => {
    const e = builtin.get('VMExtensionProvisioningError')!;
    const context = { node: 'aks-pool-vmss000003', code: 'VMExtensionProvisioningError', recurrence: { times: 4, days: 3 } };
    const recurring = renderer.renderPage({ target: { id: e.id, context }, entry: e, catalog: builtin, canGoBack: false }, resources);
    assert.match(recurring, /Node <code>aks-pool-vmss000003<\/code>, seen 4 times over 3 days/);
    const once = renderer.renderPage({ target: { id: e.id, context: { node: 'aks-pool-vmss000003' } }, entry: e, catalog: builtin, canGoBack: false }, resources);
    assert.doesNotMatch(once, /times over/);
  });

  it('shows a notice (ignored workspace folders) escaped, as a status with its trust button, and only when given', () => {
    const e = builtin.get('VMExtensionProvisioningError')!;
    const notice = 'Ignored folders: ./runbooks, <img src=x onerror=alert(1)>';
    const page = renderer.renderPage({ target: { id: e.id }, entry: e, catalog: builtin, canGoBack: false, notice }, resources);
    const index = renderer.renderIndex(builtin, resources, false, notice);
    for (const html of [page, index]) {
      assert.doesNotMatch(html, /<img/);
      assert.ok(html.includes('<div class="notice" role="status"><p>Ignored folders: ./runbooks, &lt;img src=x onerror=alert(1)&gt;</p>'));
      assert.match(html, /<button type="button" data-action="manageTrust">Manage Workspace Trust<\/button>/);
    }
    const plain = renderer.renderPage({ target: { id: e.id }, entry: e, catalog: builtin, canGoBack: false }, resources);
    assert.doesNotMatch(plain, /class="notice"/);
  });

  it('lists every entry on the index page', () => {
    const html = renderer.renderIndex(builtin, resources, false);
    for (const e of builtin.entries) {
      assert.ok(html.includes(`data-entry="${e.id}"`), e.id);
    }
  });
});
