/**
 * What to do with an API object that could not be read: the object is skipped, never the whole
 * list, and the caller (the cluster model) logs it with context.
 */
export type ProjectionErrorHandler = (what: 'node' | 'event', err: unknown) => void;

/** For callers that only want the projection (tests, benchmarks): the object is still skipped. */
export const ignoreError: ProjectionErrorHandler = () => undefined;

/** Runs a projection; one that throws is reported and reads as "nothing to keep". */
export function projectSafely<T>(what: 'node' | 'event', project: (raw: unknown) => T | undefined, raw: unknown, onError: ProjectionErrorHandler): T | undefined {
  try {
    return project(raw);
  } catch (err) {
    onError(what, err);
    return undefined;
  }
}
