/**
 * Entry of dist/actions.js (esbuild.mjs): the node actions' service (checks, confirmations, the
 * cluster and Azure runners, the drain), built by NodeActions when an action or its test hook is
 * first used.
 */
import { useVscodeL10n } from '../lazy/bundleL10n';

useVscodeL10n();

export { NodeActionService } from './nodeActionService';
