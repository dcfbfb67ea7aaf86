/**
 * Every id the code and package.json share, in one place: commands, views, settings, context
 * keys, memento keys and the tree's contextValue tokens. Keep in sync with package.json.
 */

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
  diagnoseNode: 'aksNodeRepair.diagnoseNode',
  createSupportReport: 'aksNodeRepair.createSupportReport',
  showRepairHistory: 'aksNodeRepair.showRepairHistory',
  copyContainerInsightsQuery: 'aksNodeRepair.copyContainerInsightsQuery',
  clearRepairHistory: 'aksNodeRepair.clearRepairHistory',
  cordonNode: 'aksNodeRepair.cordonNode',
  uncordonNode: 'aksNodeRepair.uncordonNode',
  drainNode: 'aksNodeRepair.drainNode',
  restartNodeVm: 'aksNodeRepair.restartNodeVm',
  reimageNodeVm: 'aksNodeRepair.reimageNodeVm',
  redeployNodeVm: 'aksNodeRepair.redeployNodeVm',
  deleteNodeMachine: 'aksNodeRepair.deleteNodeMachine',
  findErrorsInFile: 'aksNodeRepair.findErrorsInFile',
  /** Internal (not contributed): shows a node in the Nodes view, clearing a filter that hides it. */
  revealNode: 'aksNodeRepair.revealNode',
  /** Internal: filters the Nodes view to nodes with repair activity and shows the first named. */
  showRepairActivity: 'aksNodeRepair.showRepairActivity',
  /** Internal: opens one occurrence of the "Auto-Repair Errors in File" view (or offers to copy its line). */
  openFileErrorOccurrence: 'aksNodeRepair.fileErrors.openOccurrence',
} as const;

export const ViewIds = {
  container: 'aksNodeRepair',
  nodes: 'aksNodeRepair.nodes',
  /** "Find Auto-Repair Errors in File" results (shown once the command has run). */
  fileErrors: 'aksNodeRepair.fileErrors',
} as const;

/** The command VS Code registers for focusing a contributed view. */
export const FOCUS_NODES_VIEW = `${ViewIds.nodes}.focus`;

/** The configuration section and its keys (`aksNodeRepair.<key>`). */
export const SETTINGS_SECTION = 'aksNodeRepair';
export const Settings = {
  kubeconfig: 'kubeconfig',
  catalogFolders: 'catalogFolders',
  notifyOnRepairError: 'notifyOnRepairError',
  /** Machine-scoped, as every Azure setting: a workspace can never redirect a token. */
  azureCredential: 'azure.credential',
  azureTenant: 'azure.tenant',
  azureResourceManagerEndpoint: 'azure.resourceManagerEndpoint',
  azureLogAnalyticsEndpoint: 'azure.logAnalyticsEndpoint',
  historyRetentionDays: 'history.retentionDays',
  containerInsightsWorkspaceId: 'containerInsights.workspaceId',
  containerInsightsDays: 'containerInsights.days',
  /** machine-overridable: read-only set-ups hide every node action. */
  actionsEnabled: 'actions.enabled',
} as const;

/** Values of `aksNodeRepair.azure.credential`. */
export type AzureCredentialSetting = 'vscode' | 'azureCli';

/** `aksNodeRepair.kubeconfig`: the full name, for `affectsConfiguration` and the settings UI. */
export function settingId(key: (typeof Settings)[keyof typeof Settings]): string {
  return `${SETTINGS_SECTION}.${key}`;
}

export const ContextKeys = {
  /** Tells the Nodes view's welcome content why there is no tree. */
  connection: 'aksNodeRepair.connection',
  /** The Nodes view has a filter on (shows "Clear Node Filter"). */
  filtered: 'aksNodeRepair.filtered',
  /** The "Auto-Repair Errors in File" view has results to show. */
  fileErrorsShown: 'aksNodeRepair.fileErrors.shown',
} as const;

export const MementoKeys = {
  /** globalState: the context chosen per kubeconfig. */
  selectedContexts: 'aksNodeRepair.selectedContexts',
  /** workspaceState: the Nodes view's filter. */
  nodeFilter: 'aksNodeRepair.nodeFilter',
} as const;

/**
 * Tokens of the Nodes view's `contextValue` (space-separated). Menus in package.json match whole
 * tokens, e.g. `viewItem =~ /(^| )node( |$)/`.
 */
export const ItemTokens = {
  cluster: 'cluster',
  pool: 'pool',
  message: 'message',
  gone: 'gone',
  /** A node that is in the cluster. */
  node: 'node',
  /** A node no longer in the cluster whose repair events are still kept. */
  goneNode: 'goneNode',
  /** Has an auto-repair error to explain. */
  explainable: 'explainable',
  /** A node with `spec.unschedulable` (Cordon / Uncordon pick on it). */
  cordoned: 'cordoned',
  /** A row that comes from the local history or Container Insights, not from the cluster now. */
  recorded: 'recorded',
  step: 'step',
  failed: 'failed',
  event: 'event',
} as const;

export type ItemToken = (typeof ItemTokens)[keyof typeof ItemTokens];

export function contextValue(...tokens: (ItemToken | false | undefined)[]): string {
  return tokens.filter(Boolean).join(' ');
}

export const GUIDANCE_PANEL_TYPE = 'aksNodeRepair.guidance';
/** The "Diagnose Node in Azure" panels (one per node). */
export const DIAGNOSIS_PANEL_TYPE = 'aksNodeRepair.diagnosis';

/** The guidance panel's page listing every catalog entry. */
export const GUIDANCE_INDEX_ID = '__index__';

/** The "Show Repair History" panel (one per cluster). */
export const HISTORY_PANEL_TYPE = 'aksNodeRepair.history';

export const LOG_CHANNEL_NAME = 'AKS Node Auto-Repair';
export const STATUS_BAR_ID = 'aksNodeRepair.status';
/** "N auto-repair errors in this file". */
export const FILE_ERRORS_STATUS_ID = 'aksNodeRepair.fileErrors.status';
