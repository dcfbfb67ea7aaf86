/**
 * What AKS documents (and has been seen to do) about auto-repair timing. Health, timelines and
 * the model read these; nothing here depends on anything else.
 */

/** AKS waits this long after a node turns unhealthy before the first repair action. */
export const REPAIR_DELAY_MS = 5 * 60_000;
/** Observed gap between successive repair actions. */
export const STEP_INTERVAL_MS = 5 * 60_000;
/** A step still "running" after this long lost its End to a watch gap or expiry: not current. */
export const STALE_STEP_MS = 60 * 60_000;
/** AKS keeps Kubernetes events for one hour. */
export const EVENT_RETENTION_MS = 60 * 60_000;
