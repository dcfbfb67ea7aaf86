/**
 * Entry of dist/diagnosis.js (esbuild.mjs): the "Diagnose Node in Azure" panel with its renderers
 * and findings, required by DiagnosisPanels when the first panel opens.
 */
import { useVscodeL10n } from '../lazy/bundleL10n';

useVscodeL10n();

export { DiagnosisPanel } from './diagnosisPanel';
