/**
 * What a guidance page is about: a catalog id, and where it was opened from (a node's failed
 * step, one of its events, a notification, a pasted message). Shared by the tree, the notifier,
 * hovers and commands; the lazy guidance bundle renders it but does not own it.
 */

import type { RepairEventRecord } from './repairEvent';
import { AZURE_MESSAGE_MAX, repairReasonName } from './repairMessage';
import type { RepairStep, RepairTimeline } from './repairTimeline';

/** Where the guidance was opened from; all of it is untrusted text. */
export interface GuidanceContext {
  /** The code as written when it is not in the catalog, or the code an event named. */
  readonly code?: string;
  readonly node?: string;
  readonly reason?: string;
  readonly message?: string;
  /** The Azure error's message the event carried beside its code (`Code="…" Message="…"`, JSON). */
  readonly azureMessage?: string;
  /** Epoch ms. */
  readonly seenAt?: number;
  /** How often the code recurred on the node over the retained history ("seen N times over D days"). */
  readonly recurrence?: { readonly times: number; readonly days: number };
}

export interface GuidanceTarget {
  readonly id: string;
  readonly context?: GuidanceContext;
}

/** The guidance for one event: its code's entry when it names one, else its reason's. */
export function eventGuidance(node: string, event: RepairEventRecord): GuidanceTarget {
  return {
    id: event.code ?? event.reason,
    context: withAzureMessage(
      { node, reason: event.reason, message: event.message, code: event.code, seenAt: event.lastSeen ?? event.firstSeen },
      event.azureMessage),
  };
}

/** The guidance for a repair step: its Error event's, or the action's error reason when the step has none. */
export function stepGuidance(node: string, step: RepairStep): GuidanceTarget {
  const error = [...step.events].reverse().find((e) => e.phase === 'error');
  if (error) {
    return { id: step.code ?? error.reason, context: withAzureMessage({ ...eventGuidance(node, error).context, code: step.code }, step.azureMessage) };
  }
  const reason = repairReasonName(step.action, 'error');
  return { id: step.code ?? reason, context: withAzureMessage({ node, reason, code: step.code }, step.azureMessage) };
}

/** Adds how often the target's code recurred on the node, when it did (the history knows). */
export function withRecurrence(target: GuidanceTarget, recurrence: { readonly times: number; readonly days: number } | undefined): GuidanceTarget {
  return recurrence ? { ...target, context: { ...target.context, recurrence: { times: recurrence.times, days: recurrence.days } } } : target;
}

/** Adds the Azure message only when there is one, so contexts without one stay as they were. */
function withAzureMessage(context: GuidanceContext, azureMessage: string | undefined): GuidanceContext {
  return azureMessage ? { ...context, azureMessage } : context;
}

/** What "explain" on a node opens: its latest failure, or nothing. */
export function nodeGuidance(node: string, timeline: RepairTimeline): GuidanceTarget | undefined {
  return timeline.lastError ? stepGuidance(node, timeline.lastError) : undefined;
}

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
  const recurrence = r.recurrence as { times?: unknown; days?: unknown } | undefined;
  const count = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= 1e9 ? v : undefined);
  const times = typeof recurrence === 'object' && recurrence !== null ? count(recurrence.times) : undefined;
  const days = typeof recurrence === 'object' && recurrence !== null ? count(recurrence.days) : undefined;
  return {
    code: str(r.code, 200),
    node: str(r.node, 253),
    reason: str(r.reason, 100),
    message: str(r.message, 2000),
    azureMessage: str(r.azureMessage, AZURE_MESSAGE_MAX),
    seenAt: typeof seenAt === 'number' && Number.isFinite(seenAt) && Math.abs(seenAt) <= MAX_DATE_MS ? seenAt : undefined,
    ...(times !== undefined && days !== undefined ? { recurrence: { times, days } } : {}),
  };
}
