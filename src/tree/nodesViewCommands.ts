import * as vscode from 'vscode';
import { onFirstRun, type Command } from '../commands/commandManager';
import { CommandIds } from '../ids';
import type { ClusterView } from './clusterView';
import { NO_FILTER } from './treeNodes';

/** The Nodes view's own commands: its title-bar filter, and showing nodes for notifications. */
export function nodesViewCommands(view: ClusterView): Command[] {
  return [
    onFirstRun(CommandIds.filterNodes, () => new FilterNodesCommand(view)),
    { id: CommandIds.clearFilter, execute: () => view.setFilter(NO_FILTER) },
    { id: CommandIds.revealNode, execute: (name) => (typeof name === 'string' ? view.revealNode(name) : undefined) },
    {
      id: CommandIds.showRepairActivity,
      execute: (names) => view.showRepairActivity(Array.isArray(names) ? names.filter((n): n is string => typeof n === 'string') : []),
    },
  ];
}

/** "AKS: Filter Nodes": only unhealthy nodes, only nodes with repair activity, or both. */
class FilterNodesCommand implements Command {
  readonly id = CommandIds.filterNodes;

  constructor(private readonly view: ClusterView) {}

  async execute(): Promise<void> {
    const current = this.view.filter;
    const items = [
      { label: vscode.l10n.t('Only unhealthy nodes'), description: vscode.l10n.t('NotReady or Unknown'), key: 'unhealthyOnly' as const, picked: current.unhealthyOnly },
      { label: vscode.l10n.t('Only nodes with auto-repair activity'), description: vscode.l10n.t('a repair step in the last hour'), key: 'repairActivityOnly' as const, picked: current.repairActivityOnly },
    ];
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: vscode.l10n.t('Filter Nodes'), placeHolder: vscode.l10n.t('Pick none to show every node') });
    if (picked) {
      await this.view.setFilter({
        unhealthyOnly: picked.some((p) => p.key === 'unhealthyOnly'),
        repairActivityOnly: picked.some((p) => p.key === 'repairActivityOnly'),
      });
    }
  }
}
