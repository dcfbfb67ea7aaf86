/**
 * The simulated cluster and Azure with attacker-controlled text everywhere a cluster, Azure or a
 * runbook can put text (test/fixtures/hostile/hostileCorpus.ts): event messages and reasons, node
 * labels and annotations (node names stay DNS labels, as the API server insists), the bootstrap
 * extension's status messages, Activity Log errors and callers, Resource Health, Container
 * Insights rows, a user runbook's front matter and body, and a log file to hover in. For the ui
 * tier's hostile test, which proves none of it runs, loads or becomes a trusted link.
 */
import type { HostileString } from '../fixtures/hostile/hostileCorpus';
import type { ApiStandIn } from './apiServer';
import { aksNodeName, makeNode, makeRepairEvent } from './fixtures';
import type { InsightsWorkspace } from './azure/insightsScenario';
import type { AzureScenario } from './azure/scenario';
import { SIMULATED_NODES } from './simulatedCluster';
import type { KubeObject } from './tables';

/** The simulated NotReady node (it has a scale-set instance in the simulated Azure) that carries the corpus. */
export const HOSTILE_NODE = SIMULATED_NODES.userNotReady[0];
/** A pool of its own, NotReady, so hostile rows are at the top of the view. */
export const HOSTILE_POOL_NODE = aksNodeName('hostile', 0);
/** The user runbook's code: a code of its own, so the built-in catalog does not answer for it. */
export const HOSTILE_RUNBOOK_CODE = 'HostileRunbookError';
const ERROR_PREFIX = 'Node auto-repair reimage action failed due to an operation failure: VMExtensionProvisioningError ';

/** The strings that go into event messages and panels: all but the 100 KB ones (those go into one annotation). */
export function eventPayloads(corpus: readonly HostileString[]): HostileString[] {
  return corpus.filter((h) => h.kind !== 'size');
}

/** Kubernetes annotation keys: a prefix and a DNS-label name. */
const annotationKey = (h: HostileString): string => `hostile.example.com/${h.id}`.slice(0, 63);

/** Adds the hostile node, hostile labels and annotations on both nodes, and one repair error per payload. */
export function seedHostileCluster(server: ApiStandIn, corpus: readonly HostileString[], now = new Date()): void {
  const annotations = Object.fromEntries(corpus.map((h) => [annotationKey(h), h.text]));
  const labels = { 'hostile.example.com/label': 'x"><img-src-x', 'hostile.example.com/name': 'javascript-alert-1' };
  const existing = server.nodes().find((n) => n.metadata?.name === HOSTILE_NODE) as KubeObject & { metadata: { annotations?: Record<string, string>; labels?: Record<string, string> } };
  server.upsertNode({ ...existing, metadata: { ...existing.metadata, annotations: { ...existing.metadata.annotations, ...annotations }, labels: { ...existing.metadata.labels, ...labels } } });
  server.upsertNode(makeNode({ name: HOSTILE_POOL_NODE, pool: 'hostile', ready: 'False', since: new Date(now.getTime() - 20 * 60_000), annotations, labels }));
  const payloads = eventPayloads(corpus);
  payloads.forEach((h, i) => {
    const at = new Date(now.getTime() - (payloads.length - i) * 1000);
    server.upsertEvent(makeRepairEvent({ node: HOSTILE_NODE, reason: 'NodeReimageError', at, message: `${ERROR_PREFIX}${h.text}`, name: `hostile-${h.id}` }));
    server.upsertEvent(makeRepairEvent({ node: HOSTILE_POOL_NODE, reason: 'NodeRebootError', at, message: `Node auto-repair reboot action failed due to an operation failure: OutboundConnectivityNotEnabledOnVMSS ${h.text}`, name: `hostile-pool-${h.id}` }));
  });
  // An event whose reason itself is hostile (not an auto-repair reason: it must not break the view either).
  const odd = makeRepairEvent({ node: HOSTILE_POOL_NODE, reason: 'NodeRebootError', at: now, message: corpus[0].text, name: 'hostile-reason' });
  server.upsertEvent({ ...odd, reason: corpus[0].text });
}

/** A new auto-repair error with hostile text: the notification a person sees when it arrives. */
export function hostileNotificationEvent(node: string, h: HostileString, at = new Date()): KubeObject {
  return makeRepairEvent({ node, reason: 'NodeRedeployError', at, message: `Node auto-repair redeploy action failed due to an operation failure: VMExtensionProvisioningError ${h.text}`, name: `hostile-notify-${h.id}` });
}

/** Hostile bootstrap extension messages, Activity Log errors and callers, and Resource Health text for HOSTILE_NODE. */
export function seedHostileAzure(scenario: AzureScenario, corpus: readonly HostileString[]): void {
  const payloads = eventPayloads(corpus);
  const text = (i: number): string => payloads[i % payloads.length].text;
  const vm = scenario.scaleSetVms.find((v) => v.computerName === HOSTILE_NODE);
  if (!vm) {
    throw new Error(`the simulated Azure has no instance for ${HOSTILE_NODE}`);
  }
  vm.instanceView.extensions.forEach((ext, i) => {
    ext.statuses.forEach((s, j) => { s.message = `${s.message ?? ''}\n${text(i * 7 + j)}`; s.displayStatus = text(i * 7 + j + 3); });
    ext.substatuses?.forEach((s, j) => { s.message = text(i * 5 + j + 11); });
  });
  let k = 0;
  for (const entry of scenario.activityLog) {
    if (!entry.resourceId.toLowerCase().includes(`virtualmachines/${vm.instanceId}`) || !entry.resourceId.toLowerCase().includes(vm.scaleSetName.toLowerCase())) {
      continue;
    }
    entry.caller = text(k++);
    const message = entry.properties?.statusMessage;
    if (message) {
      const parsed = JSON.parse(message) as { error: { message: string; details?: { code: string; message: string }[] } };
      parsed.error.message = text(k++);
      parsed.error.details = payloads.map((h) => ({ code: 'VMExtensionProvisioningError', message: h.text }));
      entry.properties = { ...entry.properties, statusMessage: JSON.stringify(parsed) };
    }
  }
  for (const health of scenario.resourceHealth) {
    if (health.resourceId.toLowerCase().includes(vm.scaleSetName.toLowerCase())) {
      health.summary = text(k++);
      health.title = text(k++);
      health.detailedStatus = text(k++);
    }
  }
}

/** Container Insights rows for HOSTILE_NODE with hostile messages, copied from one of its real rows. */
export function seedHostileInsights(workspaces: readonly InsightsWorkspace[], corpus: readonly HostileString[]): void {
  for (const ws of workspaces) {
    const template = ws.rows.find((r) => r.Name === HOSTILE_NODE && /Error$/.test(r.Reason));
    if (!template) {
      continue;
    }
    eventPayloads(corpus).forEach((h, i) => {
      const at = new Date(Date.parse(template.TimeGenerated) - (i + 1) * 3_600_000).toISOString();
      ws.rows.push({ ...template, TimeGenerated: at, FirstSeen: at, LastSeen: at, Message: `${ERROR_PREFIX}${h.text}` });
    });
  }
}

/** Front matter values are single lines: the corpus strings that are. */
const oneLine = (corpus: readonly HostileString[]): HostileString[] => eventPayloads(corpus).filter((h) => !/[\r\n\u2028\u2029\u0085]/.test(h.text) && h.text.length < 400);

/** `<folder>/HostileRunbookError.md`: front matter and body from the corpus. */
export function hostileRunbook(corpus: readonly HostileString[]): string {
  const line = oneLine(corpus);
  const pick = (id: string): string => (line.find((h) => h.id === id) ?? line[0]).text;
  const quote = (s: string): string => JSON.stringify(s);
  return [
    '---',
    `id: ${HOSTILE_RUNBOOK_CODE}`,
    `title: ${quote(`Hostile ${pick('img-onerror')}`)}`,
    'kind: code',
    'matches:',
    `  - ${HOSTILE_RUNBOOK_CODE}`,
    'action: any',
    'severity: error',
    `summary: ${quote(pick('md-command-aks'))}`,
    `firstStep: ${quote(pick('svg-onload'))}`,
    // Docs must be http(s) URLs: the loader refuses an entry with a `javascript:` or `command:` one (unit-tested).
    'docs:',
    `  - ${quote(`${pick('md-inline-html')} | https://hostile.invalid/?q=${encodeURIComponent(pick('img-onerror'))}`)}`,
    '---',
    ...eventPayloads(corpus).flatMap((h) => [`## ${h.id}`, '', h.text, '']),
  ].join('\n');
}

/** A node log with the codes to hover next to hostile text. */
export function hostileLog(corpus: readonly HostileString[]): string {
  // The codes first on their lines, where a hover can reach them in a narrow editor.
  return [
    `VMExtensionProvisioningError ${corpus.find((h) => h.id === 'md-command-terminal')?.text ?? ''}`,
    `${HOSTILE_RUNBOOK_CODE} ${corpus.find((h) => h.id === 'img-onerror')?.text ?? ''}`,
    `09:39:43 Warning NodeReimageError node/${HOSTILE_NODE}`,
    `  ${ERROR_PREFIX}${corpus.find((h) => h.id === 'md-command-aks')?.text ?? ''}`,
    ...oneLine(corpus).map((h) => `  ${h.text}`),
    '',
  ].join('\n');
}
