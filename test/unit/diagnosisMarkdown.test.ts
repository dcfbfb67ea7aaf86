import * as assert from 'node:assert/strict';
import { diagnosisToMarkdown, mdCode, mdText } from '../../src/domain/diagnosisMarkdown';
import { findingsFor } from '../../src/domain/findings';
import { parseProviderId } from '../../src/domain/providerId';
import { diagnosis, forbidden, NODE, NOW, ok } from './diagnosisFixtures';

describe('diagnosisMarkdown', () => {
  it('writes every section with its state, the findings and their commands', () => {
    const d = diagnosis({ health: { state: 'loading' }, activity: forbidden(), instance: { state: 'gone', message: 'ResourceNotFound' } });
    const findings = findingsFor(d, [{ code: 'VMExtensionProvisioningError', reason: 'NodeReimageError', action: 'reimage', seenAt: NOW - 60_000 }], NOW);
    const md = diagnosisToMarkdown(d, findings);
    assert.match(md, new RegExp(`^# Azure diagnosis of node \`${NODE}\``));
    for (const heading of ['## Findings', '## Instance (gone (404))', '## VM extensions (read)', '## Resource Health (still loading)', '## Activity Log (could not be read)', '## Cluster and node pool (read)']) {
      assert.ok(md.includes(heading), heading);
    }
    assert.match(md, /### 1\. Node bootstrap failed/);
    assert.match(md, /```sh\naz vmss reimage -g mc_rg-demo_aks-demo_westeurope -n aks-nodepool1-12345678-vmss --instance-ids 3\n```/);
    assert.match(md, /Missing role: `Reader` on `\/subscriptions\//);
    assert.match(md, /Exit code: `50 ERR_OUTBOUND_CONN_FAIL \(OutboundConnFailVMExtensionError\)`/);
    assert.match(md, /Started: `2026-12-03 09:59:55 UTC`/);
    assert.match(md, /Completed: `2026-12-03 10:00:00 UTC`/);
  });

  it('lets no HTML, link or emphasis out of untrusted text', () => {
    const evil = '<img src=x onerror=alert(1)> [click](https://evil.example/x) ![i](https://evil.example/i.png) **bold** www.evil.example mail@evil.example <https://evil.example> &lt;b&gt; `code`';
    const raw = `azure://${evil}`;
    const d = diagnosis({
      node: 'node`with``backticks',
      providerId: raw,
      target: parseProviderId(raw),
      instance: { state: 'skipped', reason: evil },
      extensions: ok([{ name: evil, status: evil, message: evil }]),
      health: ok({ summary: evil }),
      activity: ok([{ operation: evil, status: 'Failed', time: NOW, caller: evil, errorMessage: evil }]),
      cluster: { state: 'error', problem: { kind: 'server', message: evil, nextStep: evil } },
    });
    const md = diagnosisToMarkdown(d, [{ code: evil, severity: 'error', title: evil, evidence: evil, nextStep: evil, command: 'az x ```\n# heading', azureMessage: evil }]);
    // Outside code spans and fences, nothing can open markup.
    const outside = stripCode(md);
    assert.doesNotMatch(outside, /(?<!\\)[<>]/, outside);
    assert.doesNotMatch(outside, /(?<!\\)\[/);
    assert.doesNotMatch(outside, /https?:\/\/|www\.|@evil/);
    assert.doesNotMatch(outside, /(?<!\\)\*\*/);
    assert.doesNotMatch(outside, /(?<!\\)&/);
    // The node name with backticks survives in one code span.
    assert.ok(md.includes('```node`with``backticks```'));
    // The command's fence cannot be closed by its content, which stays on one line.
    assert.match(md, /````sh\naz x ``` # heading\n````/);
  });

  it('writes code spans that hold any text literally', () => {
    assert.equal(mdCode('plain'), '`plain`');
    assert.equal(mdCode('a`b'), '``a`b``');
    assert.equal(mdCode('`start'), '`` `start ``');
    assert.equal(mdCode(''), '—');
    assert.equal(mdCode('two\nlines'), '`two lines`');
    assert.equal(mdText('see https://x.example/a and mcr.microsoft.com.'), 'see `https://x.example/a` and `mcr.microsoft.com`.');
    assert.equal(mdText('on /subscriptions/s/resourceGroups/rg).'), 'on `/subscriptions/s/resourceGroups/rg`).');
    assert.equal(mdText('a *b* _c_'), 'a \\*b\\* \\_c\\_');
  });

  it('masks tokens that appear in messages', () => {
    const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
    const d = diagnosis({ extensions: ok([{ name: 'vmssCSE', message: `Authorization: Bearer ${jwt} and https://x.blob.core.windows.net/c?sv=1&sig=abcdef123 done` }]) });
    const md = diagnosisToMarkdown(d, []);
    assert.ok(!md.includes(jwt));
    assert.ok(!md.includes('abcdef123'));
    assert.match(md, /Bearer \[redacted\]/);
    assert.match(md, /sig=\[redacted\]/);
    assert.match(md, /No findings\./);
  });

  it('masks a token before cutting a long value, and client secrets in URLs', () => {
    const jwt = `eyJ${'a'.repeat(600)}.eyJ${'b'.repeat(600)}.${'c'.repeat(100)}`;
    const d = diagnosis({ extensions: ok([{ name: 'x', message: `${'m'.repeat(500)} ${jwt}` }]), health: ok({ summary: 'see https://login.example/t?client_secret=s3cr3t~x&y=1' }) });
    const md = diagnosisToMarkdown(d, []);
    assert.ok(!md.includes('eyJaaaa'), 'no part of the token survives the cut');
    assert.ok(!md.includes('s3cr3t'));
    assert.match(md, /client_secret=\[redacted\]&y=1/);
  });

  it('reads an exit code from the bootstrap extension only', () => {
    const d = diagnosis({ extensions: ok([{ name: 'my-script', type: 'Microsoft.Azure.Extensions.CustomScript', message: 'exit status=50' }]) });
    assert.doesNotMatch(diagnosisToMarkdown(d, []), /Exit code/);
  });
});

/** The Markdown with code spans and fenced blocks removed, as a renderer would see its inline text. */
function stripCode(md: string): string {
  const noFences = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
  return noFences.replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, '');
}
