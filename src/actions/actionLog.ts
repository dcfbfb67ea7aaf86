import type * as vscode from 'vscode';
import { singleLine } from '../domain/format';
import { redact } from '../domain/redact';
import { serverHost, type ClusterRef } from './actionTarget';
import type { NodeActionKind } from './nodeActionKinds';

export type LogOutcome = 'info' | 'warn' | 'error';

/**
 * Each node action in the log channel: what, on which node, in which cluster, when, and how it
 * ended, on one line. Everything passes through redact(): server and Azure messages can carry tokens.
 */
export class ActionLog {
  constructor(private readonly log: vscode.LogOutputChannel, private readonly now: () => number = Date.now) {}

  /** `Node action drain on aks-…-vmss000003 (context "aks-demo", API server 127.0.0.1:6443) at 2026-…Z: confirmed`. */
  write(outcome: LogOutcome, kind: NodeActionKind, cluster: ClusterRef, nodes: readonly string[] | string, what: string): void {
    const names = typeof nodes === 'string' ? nodes : nodes.join(', ');
    // One entry, one line: a line break in a node name, a context or a server message cannot forge another entry.
    const line = redact(singleLine(`Node action ${kind} on ${names} (context "${cluster.context}", API server ${serverHost(cluster.server)}) at ${new Date(this.now()).toISOString()}: ${what}`));
    switch (outcome) {
      case 'info': this.log.info(line); break;
      case 'warn': this.log.warn(line); break;
      case 'error': this.log.error(line); break;
    }
  }
}
