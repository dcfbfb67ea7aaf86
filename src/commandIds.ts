/** Every command id the extension contributes, in one place. Keep in sync with package.json. */
export const CommandIds = {
  explainError: 'aksNodeRepair.explainError',
  openGuidance: 'aksNodeRepair.openGuidance',
  refresh: 'aksNodeRepair.refresh',
  switchContext: 'aksNodeRepair.switchContext',
  filterNodes: 'aksNodeRepair.filterNodes',
  clearFilter: 'aksNodeRepair.clearFilter',
  showLog: 'aksNodeRepair.showLog',
  openKubeconfig: 'aksNodeRepair.openKubeconfig',
  copyDescribeNode: 'aksNodeRepair.copyDescribeNode',
  copyEventsCommand: 'aksNodeRepair.copyEventsCommand',
  explainNode: 'aksNodeRepair.explainNode',
} as const;

export const ViewIds = {
  nodes: 'aksNodeRepair.nodes',
} as const;

/** Context key telling the Nodes view's welcome content why there is no tree. */
export const CONNECTION_CONTEXT_KEY = 'aksNodeRepair.connection';

export const GUIDANCE_PANEL_TYPE = 'aksNodeRepair.guidance';

/** The guidance panel's page listing every catalog entry. */
export const GUIDANCE_INDEX_ID = '__index__';
