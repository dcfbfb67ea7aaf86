/**
 * Entry of dist/fileScan.js (esbuild.mjs): the file scanner behind "Find Auto-Repair Errors in
 * File" and the status item's count, required by ScannerForCatalog on the first scan.
 */
import { useVscodeL10n } from '../lazy/bundleL10n';

useVscodeL10n();

export { FileScanner } from '../fileScan/fileScanner';
