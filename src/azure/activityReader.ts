/**
 * The Activity Log of the instance and of its scale set since the node went NotReady (at least
 * the last 24 h, at most 89 days: Azure keeps 90): restart, reimage, redeploy and delete operations, newest first, with the error
 * text of failed ones (`properties.statusMessage`), where the real reason behind an auto-repair
 * error lives.
 */
import type { ActivityEntry, NodeTarget, Section } from '../domain/diagnosis';
import { scaleSetResourceId } from '../domain/providerId';
import type { ArmSession, CallResult } from './armCall';
import { collect } from './armCall';
import { cut } from './problems';

const DAY_MS = 24 * 60 * 60 * 1000;
export const ACTIVITY_MIN_WINDOW_MS = DAY_MS;
/** The Activity Log keeps 90 days and refuses (400) a filter that starts earlier: stay a day inside. */
export const ACTIVITY_MAX_WINDOW_MS = 89 * DAY_MS;
const MAX_EVENTS_PER_RESOURCE = 1000;
const MAX_ENTRIES = 300;
/** `…/virtualMachines/restart/action`, `…/reimage/action`, `…/reimageall/action`, `…/redeploy/action`, `…/delete` … */
const REPAIR_OPERATION = /\/(restart|reimage|reimageall|redeploy|delete|deleteInstances)(\/action)?$/i;

interface Localizable { readonly value?: string; readonly localizedValue?: string }
interface EventData {
  readonly eventDataId?: string;
  readonly id?: string;
  readonly caller?: string;
  readonly correlationId?: string;
  readonly operationName?: Localizable;
  readonly status?: Localizable;
  readonly subStatus?: Localizable;
  readonly eventTimestamp?: Date | string;
  readonly resourceId?: string;
  readonly properties?: Record<string, unknown>;
}

export interface ActivityWindow {
  readonly now: number;
  readonly notReadySince?: number;
}

/** From when the node went NotReady, but at least 24 h and at most 89 days back, to `now` (epoch ms). */
export function activityRange(window: ActivityWindow): { readonly from: number; readonly to: number } {
  const since = window.notReadySince !== undefined && Number.isFinite(window.notReadySince) ? window.notReadySince : window.now;
  const from = Math.max(window.now - ACTIVITY_MAX_WINDOW_MS, Math.min(since, window.now - ACTIVITY_MIN_WINDOW_MS));
  return { from, to: window.now };
}

export function activityFilter(resourceUri: string, window: ActivityWindow): string {
  const { from, to } = activityRange(window);
  return `eventTimestamp ge '${new Date(from).toISOString()}' and eventTimestamp le '${new Date(to).toISOString()}' and resourceUri eq '${resourceUri}'`;
}

export async function readActivity(session: ArmSession, target: NodeTarget, window: ActivityWindow): Promise<Section<readonly ActivityEntry[]>> {
  const uris = [target.resourceId, scaleSetResourceId(target)].filter((u): u is string => u !== undefined);
  const results: CallResult<EventData[]>[] = await Promise.all(uris.map((uri) =>
    session.call<EventData[]>('activity log', (c, abortSignal) =>
      collect(c.monitor.activityLogs.list(activityFilter(uri, window), { abortSignal }), MAX_EVENTS_PER_RESOURCE))));
  const failed = results.find((r) => !r.ok);
  if (failed && !failed.ok) {
    // Half an Activity Log would hide the operations that matter: show why it could not be read.
    return failed.cancelled ? { state: 'skipped', reason: failed.problem.message } : { state: 'error', problem: failed.problem };
  }
  const seen = new Set<string>();
  const entries: ActivityEntry[] = [];
  for (const result of results) {
    for (const event of result.ok ? result.value : []) {
      const key = event.eventDataId ?? event.id;
      if (key !== undefined) {
        if (seen.has(key)) {
          continue;
        }
        seen.add(key);
      }
      const entry = activityEntry(event);
      if (entry && REPAIR_OPERATION.test(entry.operation)) {
        entries.push(entry);
      }
    }
  }
  entries.sort((a, b) => b.time - a.time);
  return { state: 'ok', value: entries.slice(0, MAX_ENTRIES) };
}

export function activityEntry(event: EventData): ActivityEntry | undefined {
  const operation = event.operationName?.value;
  const time = event.eventTimestamp instanceof Date ? event.eventTimestamp.getTime() : Date.parse(String(event.eventTimestamp ?? ''));
  if (!operation || Number.isNaN(time)) {
    return undefined;
  }
  const status = event.status?.value;
  const error = /^failed$/i.test(status ?? '') ? statusError(event.properties?.statusMessage) : undefined;
  return {
    operation: cut(operation, 300) ?? operation,
    operationLabel: cut(event.operationName?.localizedValue, 300),
    status: cut(status, 50),
    subStatus: cut(event.subStatus?.value || undefined, 100),
    caller: cut(event.caller, 200),
    time,
    resourceId: cut(event.resourceId, 600),
    correlationId: cut(event.correlationId, 100),
    errorCode: error?.code,
    errorMessage: error?.message,
  };
}

/** `statusMessage` is JSON text like `{"status":"Failed","error":{"code":"…","message":"…"}}`, or plain text. */
export function statusError(statusMessage: unknown): { code?: string; message?: string } | undefined {
  if (typeof statusMessage !== 'string' || statusMessage.trim() === '') {
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(statusMessage);
  } catch {
    return { message: cut(statusMessage, 2000, true) };
  }
  const root = (parsed ?? {}) as { error?: unknown; code?: unknown; message?: unknown };
  const error = (typeof root.error === 'object' && root.error !== null ? root.error : root) as
    { code?: unknown; message?: unknown; details?: readonly { code?: unknown; message?: unknown }[] };
  const detail = Array.isArray(error.details) ? error.details[0] : undefined;
  const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  // ARM wraps the real reason: `ResourceOperationFailure` … `details: [{ code: 'VMExtensionProvisioningError', … }]`.
  const code = text(detail?.code) ?? text(error.code);
  const message = text(detail?.message) ?? text(error.message);
  return code || message ? { code: cut(code, 200), message: cut(message, 2000, true) } : { message: cut(statusMessage, 2000, true) };
}
