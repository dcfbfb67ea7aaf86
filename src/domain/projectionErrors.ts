/**
 * What to do with an API object that could not be read: the object is skipped, never the whole
 * list, and the caller (the cluster model) logs it with context.
 */
export type ProjectionErrorHandler = (what: 'node' | 'event', err: unknown) => void;

/** For callers that only want the projection (tests, benchmarks): the object is still skipped. */
export const ignoreError: ProjectionErrorHandler = () => undefined;
