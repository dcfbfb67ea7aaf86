import * as vscode from 'vscode';
import { shellQuote } from '../domain/shellQuote';
import { CommandIds } from '../ids';
import { nodeNameOf } from './nodeArgument';

async function copy(text: string): Promise<void> {
  await vscode.env.clipboard.writeText(text);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied: {0}', text), 3000);
}

/** Copies `kubectl describe node NAME` (tree item action). */
export class CopyDescribeNodeCommand {
  readonly id = CommandIds.copyDescribeNode;

  async execute(arg?: unknown): Promise<void> {
    const name = nodeNameOf(arg);
    if (name) {
      await copy(`kubectl describe node ${shellQuote(name)}`);
    }
  }
}

/** Copies the command that lists this node's events, newest last (tree item action). */
export class CopyEventsCommand {
  readonly id = CommandIds.copyEventsCommand;

  async execute(arg?: unknown): Promise<void> {
    const name = nodeNameOf(arg);
    if (name) {
      await copy(`kubectl get events -A --field-selector ${shellQuote(`involvedObject.kind=Node,involvedObject.name=${name}`)} --sort-by=.lastTimestamp`);
    }
  }
}
