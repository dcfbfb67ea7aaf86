import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { GuidancePanel } from '../guidance/guidancePanel';
import { ClusterSession } from '../tree/clusterSession';
import { nodeGuidance } from '../tree/clusterTreeProvider';
import { nodeNameOf } from '../tree/treeNodes';

/** Explains a node's latest auto-repair failure (tree item action). */
export class ExplainNodeCommand {
  readonly id = CommandIds.explainNode;

  constructor(private readonly session: ClusterSession, private readonly panel: GuidancePanel) {}

  execute(arg?: unknown): void {
    const name = nodeNameOf(arg);
    const target = name ? nodeGuidance(this.session, name, Date.now()) : undefined;
    if (target) {
      this.panel.show(target);
    } else {
      void vscode.window.showInformationMessage(`No auto-repair error is recorded for ${name ?? 'this item'} in the last hour.`);
    }
  }
}
