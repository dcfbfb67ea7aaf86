import * as assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ActionLog } from '../../src/actions/actionLog';

/** The three levels ActionLog writes, recorded (what a LogOutputChannel would print, one entry per line). */
class RecordingChannel {
  readonly lines: { level: string; text: string }[] = [];
  info(text: string): void { this.lines.push({ level: 'info', text }); }
  warn(text: string): void { this.lines.push({ level: 'warn', text }); }
  error(text: string): void { this.lines.push({ level: 'error', text }); }
}

const AT = Date.UTC(2026, 11, 3, 9, 44, 43);
const CLUSTER = { context: 'aks-demo', server: 'https://aks-demo-dns.hcp.westeurope.azmk8s.io:443' };

describe('node action log lines', () => {
  it('names the action, the nodes, the cluster and the time on one line', () => {
    const channel = new RecordingChannel();
    new ActionLog(channel as unknown as vscode.LogOutputChannel, () => AT).write('info', 'cordon', CLUSTER, ['aks-a', 'aks-b'], 'cordoned');
    assert.deepEqual(channel.lines, [{
      level: 'info',
      text: 'Node action cordon on aks-a, aks-b (context "aks-demo", API server aks-demo-dns.hcp.westeurope.azmk8s.io) at 2026-12-03T09:44:43.000Z: cordoned',
    }]);
  });

  it('a line break in a node name, a context or a server message cannot forge a second log line', () => {
    const channel = new RecordingChannel();
    const log = new ActionLog(channel as unknown as vscode.LogOutputChannel, () => AT);
    const forged = 'aks-a\n2026-12-03 09:44:44.000 [info] Node action uncordon on aks-b: uncordoned';
    log.write('error', 'drain', { ...CLUSTER, context: 'ctx\r\nfake' }, forged, 'failed: admission webhook said\u2028ok\u202e');
    log.write('warn', 'drain', CLUSTER, [forged, 'aks-c'], 'not started');
    assert.equal(channel.lines.length, 2);
    for (const { text } of channel.lines) {
      assert.doesNotMatch(text, /[\r\n\u2028\u2029\u202a-\u202e]/, JSON.stringify(text));
    }
    assert.match(channel.lines[0].text, /^Node action drain on aks-a 2026-12-03 09:44:44\.000 \[info\] Node action uncordon on aks-b: uncordoned \(context "ctx fake"/);
  });
});
