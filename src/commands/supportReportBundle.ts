/**
 * Entry of dist/supportReport.js (esbuild.mjs): the support report's builder, required by
 * "Create Support Report" when it first runs.
 */
import { useVscodeL10n } from '../lazy/bundleL10n';

useVscodeL10n();

export { buildSupportReport } from '../domain/supportReport';
