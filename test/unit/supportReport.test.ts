import * as assert from 'node:assert/strict';
import MarkdownIt from 'markdown-it';
import type { Finding } from '../../src/domain/diagnosis';
import type { EventOrigin, InsightsStatus, SourcedEvent } from '../../src/domain/history';
import type { NodeSummary } from '../../src/domain/nodeProjection';
import { parseRepairReason } from '../../src/domain/repairMessage';
import { apiServerHost, buildSupportReport, type CodeMeaning, type SupportReportInput } from '../../src/domain/supportReport';
import { CLUSTER_ID, diagnosis, INSTANCE_ID, NODE, NOW } from './diagnosisFixtures';

const MIN = 60_000;
const TOKEN = 'kubeconfig-user-token-3f9a1c77e2b94d0b8d1e';
const CLIENT_KEY = 'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFcEFJQkFBS0NBUUVB';
const EXEC_ARG = '--client-secret=s3cr3t-exec-argument';
const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQifQ.c2lnbmF0dXJlLXBhcnQ';

let seq = 0;
function ev(reason: string, at: number, origin: EventOrigin | undefined, opts: { code?: string; count?: number; message?: string } = {}): SourcedEvent {
  const r = parseRepairReason(reason);
  return {
    key: `e${seq++}`,
    node: NODE,
    reason,
    ...(r ? { action: r.action, phase: r.phase } : {}),
    ...(opts.code ? { code: opts.code } : {}),
    format: opts.code ? 'colon' : 'none',
    message: opts.message ?? `Node auto-repair ${reason}`,
    type: r?.phase === 'error' ? 'Warning' : 'Normal',
    count: opts.count ?? 1,
    firstSeen: at,
    lastSeen: at + ((opts.count ?? 1) - 1) * MIN,
    ...(origin ? { origin } : {}),
  };
}

const LIVE: NodeSummary = {
  name: NODE, pool: 'nodepool1', ready: 'False', readySince: NOW - 40 * MIN, reason: 'KubeletNotReady', message: 'container runtime is down',
  pressures: ['DiskPressure'], instanceType: 'Standard_D4s_v5', zone: 'westeurope-1', os: 'linux', kubeletVersion: 'v1.31.2',
  nodeImage: 'AKSUbuntu-2204gen2containerd-202411.12.0', unschedulable: false, skipReasons: [], providerID: `azure://${INSTANCE_ID}`,
};

const CATALOG: Record<string, CodeMeaning> = {
  VMExtensionProvisioningError: { title: 'VM extension failed', summary: 'The node bootstrap extension (vmssCSE) failed.', firstStep: 'Read the extension\'s exit code.' },
  NodeRedeployError: { title: 'Redeploy failed', summary: 'The redeploy action failed.' },
};

/** A kubeconfig-like identity that carries credentials besides the fields the report may read. */
const IDENTITY = {
  context: 'aks-demo-westeurope',
  cluster: 'aks-demo',
  server: 'https://admin:hunter2@aks-demo-dns-4f1c.hcp.westeurope.azmk8s.io:443/private/path?sig=abcdef0123456789',
  user: 'clusterUser_rg-demo_aks-demo',
  token: TOKEN,
  'client-key-data': CLIENT_KEY,
  exec: { command: 'kubelogin', args: ['get-token', '--server-id', '6dae42f8-4368-4678-94ff-3960e28e3630', EXEC_ARG] },
  files: ['/home/me/.kube/config'],
  contexts: ['aks-demo-westeurope'],
};

function input(overrides: Partial<SupportReportInput> = {}): SupportReportInput {
  return {
    node: NODE,
    now: NOW,
    extensionVersion: '0.1.0',
    identity: IDENTITY,
    live: LIVE,
    recorded: { name: NODE, pool: 'nodepool1', firstSeen: NOW - 10 * 86_400_000, lastSeen: NOW },
    kubeletVersions: ['v1.31.2'],
    events: [
      ev('NodeReimageError', NOW - 3 * 86_400_000, 'containerInsights', { code: 'VMExtensionProvisioningError' }),
      ev('NodeRebootStart', NOW - 2 * 86_400_000, 'history'),
      ev('NodeRebootEnd', NOW - 2 * 86_400_000 + 200, 'history'),
      ev('NodeReimageStart', NOW - 30 * MIN, undefined),
      ev('NodeReimageError', NOW - 29 * MIN, 'live', { code: 'VMExtensionProvisioningError', count: 2, message: `Node auto-repair reimage action failed: VMExtensionProvisioningError Authorization: Bearer ${TOKEN} ${JWT}` }),
      ev('NodeRedeployError', NOW - 10 * MIN, 'live'),
      ev('NodeReimageError', NOW - 5 * MIN, 'live', { code: 'SomeNewAksError' }),
    ],
    transitions: [{ node: NODE, ready: 'False', at: NOW - 40 * MIN, reason: 'KubeletNotReady' }],
    history: { available: true, since: NOW - 30 * 86_400_000 },
    insights: { kind: 'ok', message: '4 rows', at: NOW, rows: 4 },
    meaning: (code) => CATALOG[code],
    ...overrides,
  };
}

function headings(md: string): string[] {
  return md.split('\n').filter((l) => /^#{1,6} /.test(l));
}

describe('support report', () => {
  it('has every section, in order, and ends with the note to review it', () => {
    const md = buildSupportReport(input());
    const h2 = headings(md).filter((h) => h.startsWith('## ')).map((h) => h.slice(3));
    assert.deepEqual(h2, [
      'Cluster', 'Node', 'Repair steps', 'Repair timeline (UTC)', 'Error codes and what they mean', 'Azure diagnosis',
      'What the extension could not read', 'About this report',
    ]);
    assert.match(headings(md)[0], /^# AKS node auto-repair report for `aks-nodepool1-12345678-vmss000003`$/);
    assert.match(md, /- Kubelet versions of the nodes: `v1\.31\.2`/);
    assert.match(md, /- VM size: `Standard_D4s_v5`/);
    assert.match(md, /- Node image version: `AKSUbuntu-2204gen2containerd-202411\.12\.0`/);
    assert.match(md, new RegExp(`- Provider ID: \`azure://${INSTANCE_ID.replace(/\//g, '\\/')}\``));
    assert.match(md, /- Ready: `False` since `2026-12-03 09:20:00 UTC`; reason `KubeletNotReady`, message container runtime is down/);
    assert.match(md, /- Other conditions that are True: `DiskPressure`/);
    assert.match(md, /- Extension: `AKS Node Auto-Repair 0\.1\.0`/);
    const last = md.trimEnd().split('\n').at(-1)!;
    assert.match(last, /^> Review this report before you share it\./);
  });

  it('writes the full timeline in UTC, every row marked with its source, readiness changes included', () => {
    const md = buildSupportReport(input());
    const section = md.split('## Repair timeline (UTC)')[1].split('\n## ')[0];
    const rows = section.split('\n').filter((l) => l.startsWith('- '));
    assert.equal(rows.length, 8, 'seven events and one readiness change');
    for (const row of rows) {
      assert.match(row, /^- `\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC` · /, row);
      assert.match(row, /· source: (cluster \(live\)|local history|Container Insights)/, row);
    }
    assert.match(rows[0], /^- `2026-11-30 10:00:00 UTC` · `NodeReimageError` · `Warning` · code `VMExtensionProvisioningError` · source: Container Insights/);
    assert.match(rows[1], /`NodeRebootStart` · source: local history/);
    assert.match(rows.join('\n'), /`NodeReimageStart` · source: cluster \(live\)/, 'a row without an origin is live');
    assert.match(rows.join('\n'), /×2, last 2026-12-03 09:32:00 UTC/);
    assert.match(rows.join('\n'), /- `2026-12-03 09:20:00 UTC` · Ready became `False` \(`KubeletNotReady`\) · source: local history/);
    assert.doesNotMatch(md, /GMT|[+-]\d\d:\d\d\b/, 'no local time');
    // The steps, paired from those events.
    assert.match(md, /- reboot #1: completed \(started `2026-12-01 10:00:00 UTC`, ended `2026-12-01 10:00:00 UTC`\)/);
    assert.match(md, /- redeploy #1: failed \(no code\)/);
  });

  it('says what each code means, and when it recurred', () => {
    const md = buildSupportReport(input());
    assert.match(md, /- `VMExtensionProvisioningError` \(seen 3 times over 3 days\) — VM extension failed: The node bootstrap extension \(vmssCSE\) failed\. First step: Read the extension's exit code\./);
    assert.match(md, /- `NodeRedeployError` \(an error with no code\) — Redeploy failed: The redeploy action failed\./);
    assert.match(md, /- `SomeNewAksError` — Not in the guidance catalog/);
  });

  it('holds no token, client key, exec argument or API server credential, even when the identity carries them', () => {
    const md = buildSupportReport(input());
    for (const secret of [TOKEN, CLIENT_KEY, EXEC_ARG, 's3cr3t', JWT, 'hunter2', 'admin:', 'abcdef0123456789', '6dae42f8', 'kubelogin', '/private/path', '.kube/config', 'clusterUser_']) {
      assert.ok(!md.includes(secret), `the report contains ${secret}`);
    }
    assert.match(md, /- API server host: `aks-demo-dns-4f1c\.hcp\.westeurope\.azmk8s\.io`/, 'the host only (443 is the default port)');
    assert.match(md, /Authorization: Bearer \\\[redacted\\\]/, 'a token in an event message is masked (before it is escaped)');
    assert.equal(apiServerHost('not a url'), undefined);
    assert.equal(apiServerHost('https://10.0.0.1:6443'), '10.0.0.1:6443');
  });

  it('keeps hostile text inert: no link, image or HTML can come out of a node\'s message or name', () => {
    const hostile = '[x](command:aksNodeRepair.refresh) <img src=x onerror=alert(1)> ![i](https://evil.example/x.png) <script>alert(1)</script> **bold** `tick` | pipe\n# heading';
    const md = buildSupportReport(input({
      node: `${NODE}<img src=x>`,
      live: { ...LIVE, message: hostile, reason: '[r](https://evil.example)' },
      events: [ev('NodeRebootError', NOW - MIN, 'live', { code: '[c](command:x)', message: hostile })],
      connectionWarnings: [hostile],
      insights: { kind: 'problem', message: hostile, nextStep: '<a href="command:x">fix</a>', at: NOW, rows: 0 } satisfies InsightsStatus,
      meaning: () => ({ title: '[t](command:x)', summary: hostile }),
    }));
    // Rendered as a permissive renderer would (HTML on, bare URLs linked): nothing active.
    const html = new MarkdownIt({ html: true, linkify: true }).render(md);
    assert.doesNotMatch(html, /<a\s|<img|<script|<b>|<strong>bold/i);
    assert.ok(!md.split('\n').some((l) => l === '# heading'), 'a newline in a message cannot start a heading');
    assert.match(md, /\\\[x\\\]\(command:`aksNodeRepair\.refresh`\)/, 'the brackets escaped, the target in a code span');
  });

  it('masks credentials without freeing markup: a masked value never swallows a closing backtick or an escape', () => {
    const link = 'https://b.io/[Fix](command:workbench.action.reloadWindow)x';
    const md = buildSupportReport(input({
      events: [
        ev('NodeRebootError', NOW - 3 * MIN, 'live', { message: `see https://a.io/?token=tok3n-value then ${link}` }),
        ev('NodeRebootError', NOW - 2 * MIN, 'live', { code: 'Bearer b3arer-value-1234', message: `then ${link}` }),
        ev('NodeRebootError', NOW - MIN, 'live', { message: 'sig=s1g-value<img src=x onerror=alert(1)> and password=pa55-value<img src=y>' }),
      ],
      connectionWarnings: [`token=tok3n-value \`${link}`],
    }));
    const html = new MarkdownIt({ html: true, linkify: true }).render(md);
    assert.doesNotMatch(html, /<a\s|<img/i, 'nothing in the report renders as a link or an image');
    for (const secret of ['tok3n-value', 'b3arer-value-1234', 's1g-value', 'pa55-value']) {
      assert.ok(!md.includes(secret), `the report contains ${secret}`);
    }
    assert.match(md, /`https:\/\/a\.io\/\?token=\[redacted\]`/, 'the value is masked inside its code span');
    assert.match(md, /code `Bearer \[redacted\]` ·/, 'the code span keeps its closing backtick');
  });

  it('reports a node that left the cluster from the local history', () => {
    const md = buildSupportReport(input({
      live: undefined,
      recorded: { name: NODE, pool: 'nodepool1', providerID: `azure://${INSTANCE_ID}`, instanceType: 'Standard_D4s_v5', nodeImage: 'AKSUbuntu-2204', firstSeen: NOW - 86_400_000, lastSeen: NOW - 2 * 3_600_000, goneAt: NOW - 2 * 3_600_000 },
      events: [ev('NodeReimageError', NOW - 3 * 3_600_000, 'history', { code: 'VMExtensionProvisioningError' })],
    }));
    assert.match(md, /- In the cluster: no, it left at 2026-12-03 08:00:00 UTC/);
    assert.match(md, /- Node pool: `nodepool1`/);
    assert.match(md, /- VM size: `Standard_D4s_v5`/);
    assert.match(md, /Not in the cluster now: its conditions cannot be read/);
    assert.match(md, /- The node is no longer in the cluster: its details are as the local history last saw them \(2026-12-03 08:00:00 UTC\)\./);
    assert.match(md, /`NodeReimageError` · `Warning` · code `VMExtensionProvisioningError` · source: local history/);
  });

  it('says what could not be read and why', () => {
    const md = buildSupportReport(input({
      identity: undefined,
      connectionProblem: 'The kubeconfig /home/me/.kube/config has no current context.',
      history: { available: false },
      insights: { kind: 'errorsOnly', message: 'Only Warning events came back.', nextStep: 'Set collect_all_kube_events = true.', at: NOW, rows: 2 },
      diagnosis: { diagnosis: diagnosis({ signIn: { kind: 'not-signed-in', message: 'You are not signed in to Azure.', nextStep: 'Sign in to Azure.' } }), findings: [] },
    }));
    const gaps = md.split('## What the extension could not read')[1].split('\n## ')[0];
    assert.match(gaps, /- No cluster is connected now/);
    assert.match(gaps, /- The cluster could not be read: The kubeconfig `\/home\/me\/\.kube\/config` has no current context\./);
    assert.match(gaps, /- The local history was not available/);
    assert.match(gaps, /- Container Insights: Only Warning events came back\. Set collect\\_all\\_kube\\_events = true\./);
    assert.match(gaps, /- Azure: You are not signed in to Azure\. Sign in to Azure\./);
    assert.match(md, /No cluster is connected, and no Azure diagnosis names the cluster\.|Cluster \(Azure\)/);
    const none = buildSupportReport(input({ insights: undefined, diagnosis: undefined }));
    assert.match(none, /- Container Insights was not read for this cluster/);
    assert.match(none, /- Azure: no diagnosis of this node in this VS Code session\. Run "AKS: Diagnose Node in Azure"/);
  });

  it('includes the Azure diagnosis under its own heading, and the cluster facts it found', () => {
    const finding: Finding = {
      code: 'VMExtensionProvisioningError', severity: 'error', title: 'The bootstrap extension failed with exit code 50',
      evidence: 'vmssCSE exited with 50.', nextStep: 'Allow outbound traffic.', command: '# check outbound access\naz network nsg list -o table',
    };
    const md = buildSupportReport(input({ diagnosis: { diagnosis: diagnosis(), findings: [finding] } }));
    assert.match(md, /^### Azure diagnosis of node `aks-nodepool1-12345678-vmss000003`$/m);
    assert.match(md, /^#### Findings$/m);
    assert.match(md, /^##### 1\. The bootstrap extension failed with exit code 50 \(error\)$/m);
    assert.match(md, /^# check outbound access az network nsg list -o table$/m, 'a line of a fenced command is not taken for a heading');
    assert.match(md, new RegExp(`- Resource ID: \`${CLUSTER_ID.replace(/\//g, '\\/')}\``));
    assert.match(md, /- Kubernetes version \(control plane, from Azure\): `1\.31\.2`/);
    assert.match(md, /- Sources: cluster \(live\), local history since 2026-11-03 10:00:00 UTC, Container Insights \(4 rows\), Azure diagnosis of 2026-12-03 10:00:00 UTC/);
  });
});
