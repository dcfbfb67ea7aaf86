/** Every command id the extension contributes, in one place. Keep in sync with package.json. */
export const CommandIds = {
  explainError: 'aksNodeRepair.explainError',
  openGuidance: 'aksNodeRepair.openGuidance',
} as const;

export const ViewIds = {
  nodes: 'aksNodeRepair.nodes',
} as const;

export const GUIDANCE_PANEL_TYPE = 'aksNodeRepair.guidance';

/** The guidance panel's page listing every catalog entry. */
export const GUIDANCE_INDEX_ID = '__index__';
