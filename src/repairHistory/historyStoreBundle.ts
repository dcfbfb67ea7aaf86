/**
 * Entry of dist/historyStore.js (esbuild.mjs): the repair history's file store and the recorder
 * that feeds it, required by RepairHistoryService when a cluster first connects (or the history is
 * first cleared).
 */
import { useVscodeL10n } from '../lazy/bundleL10n';

useVscodeL10n();

export { HistoryRecorder } from '../history/historyRecorder';
export { clearAllHistory, historyFileName, HistoryStore } from '../history/historyStore';
