/**
 * Entry of dist/historyPanel.js (esbuild.mjs): the "Show Repair History" panel, its renderer and
 * chart, required by RepairHistoryPanels when the first panel opens.
 */
import { useVscodeL10n } from '../lazy/bundleL10n';

useVscodeL10n();

export { RepairHistoryPanel } from './historyPanel';
