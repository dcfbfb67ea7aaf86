import type { GuidanceContext } from './guidanceRenderer';

/** Latest time a JavaScript Date can hold. */
const MAX_DATE_MS = 8.64e15;

/**
 * Where guidance was opened from arrives from command URIs, tree items and restored webview
 * state: all untrusted. Keep short strings and a representable time only.
 */
export function sanitizeGuidanceContext(raw: unknown): GuidanceContext | undefined {
  if (typeof raw !== 'object' || raw === null) {
    return undefined;
  }
  const r = raw as Record<string, unknown>;
  const str = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : undefined);
  const seenAt = r.seenAt;
  return {
    code: str(r.code, 200),
    node: str(r.node, 253),
    reason: str(r.reason, 100),
    message: str(r.message, 2000),
    seenAt: typeof seenAt === 'number' && Number.isFinite(seenAt) && Math.abs(seenAt) <= MAX_DATE_MS ? seenAt : undefined,
  };
}
