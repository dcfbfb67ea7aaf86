import { CommandIds } from '../ids';
import type { RepairHistoryPanels } from '../historyPanel/historyPanels';

/** "AKS: Show Repair History": the watched cluster's repair history panel (Nodes view title bar, palette). */
export class ShowRepairHistoryCommand {
  readonly id = CommandIds.showRepairHistory;

  constructor(private readonly panels: RepairHistoryPanels) {}

  execute(): void {
    this.panels.createOrShow();
  }
}
