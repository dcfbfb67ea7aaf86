import * as vscode from 'vscode';
import { CommandIds } from '../commandIds';
import { ClusterView } from '../tree/clusterView';
import { NO_FILTER } from '../tree/treeNodes';

/** "AKS: Filter Nodes": only unhealthy nodes, only nodes with repair activity, or both. */
export class FilterNodesCommand {
  readonly id = CommandIds.filterNodes;

  constructor(private readonly view: ClusterView) {}

  async execute(): Promise<void> {
    const current = this.view.filter;
    const items = [
      { label: 'Only unhealthy nodes', description: 'NotReady or Unknown', key: 'unhealthyOnly' as const, picked: current.unhealthyOnly },
      { label: 'Only nodes with auto-repair activity', description: 'a repair step in the last hour', key: 'repairActivityOnly' as const, picked: current.repairActivityOnly },
    ];
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Filter Nodes', placeHolder: 'Pick none to show every node' });
    if (picked) {
      await this.view.setFilter({
        unhealthyOnly: picked.some((p) => p.key === 'unhealthyOnly'),
        repairActivityOnly: picked.some((p) => p.key === 'repairActivityOnly'),
      });
    }
  }
}

export class ClearFilterCommand {
  readonly id = CommandIds.clearFilter;

  constructor(private readonly view: ClusterView) {}

  async execute(): Promise<void> {
    await this.view.setFilter(NO_FILTER);
  }
}
