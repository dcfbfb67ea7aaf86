/**
 * Reading AKS auto-repair events: the reason says which action and phase, the message may
 * name an error code in one of the formats AKS has been seen to use.
 */

import { capitalize, singleLine, truncate } from './format';

export type RepairAction = 'reboot' | 'reimage' | 'redeploy';
export type RepairPhase = 'start' | 'end' | 'error';

/**
 * Which message format an error used: the marker before the detail (`colon`: "operation failure:",
 * `see-details`: "See error details here:" / "See error details:"), `learn-more` (no detail),
 * `azure-error` (no marker, but the text carries an Azure error), `none` (no known error format).
 */
export type ErrorMessageFormat = 'colon' | 'see-details' | 'learn-more' | 'azure-error' | 'none';

export interface RepairReason {
  readonly action: RepairAction;
  readonly phase: RepairPhase;
}

export interface ParsedRepairMessage {
  readonly action?: RepairAction;
  readonly phase?: RepairPhase;
  /** The error code named by the message; undefined when the message names none. */
  readonly code?: string;
  readonly format: ErrorMessageFormat;
  /** The Azure error's message, when the detail was a whole Azure error (single line, capped). */
  readonly azureMessage?: string;
}

const REASON_PATTERN = /^Node(Reboot|Reimage|Redeploy)(Start|End|Error)$/;

/** `NodeReimageError` → reimage/error; anything that is not an auto-repair reason → undefined. */
export function parseRepairReason(reason: string | undefined): RepairReason | undefined {
  const m = reason === undefined ? null : REASON_PATTERN.exec(reason.trim());
  if (!m) {
    return undefined;
  }
  return { action: m[1].toLowerCase() as RepairAction, phase: m[2].toLowerCase() as RepairPhase };
}

export function repairReasonName(action: RepairAction, phase: RepairPhase): string {
  return `Node${capitalize(action)}${capitalize(phase)}`;
}

// Format 1: "... action failed due to an operation failure: CODE"
// Format 2: "... action failed due to an operation failure. See error details here: CODE"
//           (also "See error details: CODE")
// Format 3: "... action failed due to an operation failure. Learn more: aka.ms/..." (no code)
// The detail (CODE above) may also be a quoted code, `Code="…" Message="…"` or Azure's JSON error.
const ACTION_IN_TEXT = /\b(reboot|reimage|redeploy)\b/i;
const SEE_DETAILS = /See error details(?:[ \t]+here)?[ \t]*:/i;
const COLON_MARKER = /operation failure[ \t]*:/i;
const LEARN_MORE = /operation failure\.?\s*Learn more:/i;

/** Event messages are capped at 2,000 characters; this bounds the work on pasted text. */
const MESSAGE_SCAN_LIMIT = 64 * 1024;
/** An Azure error found in a detail longer than this is not looked for past it. */
const DETAIL_SCAN_LIMIT = 16 * 1024;
/** The Azure message kept: a line for a tooltip or a notification, not the whole error. */
export const AZURE_MESSAGE_MAX = 500;

/**
 * Parses an auto-repair event message. The reason, when given, is trusted over the message
 * for action and phase. Never throws; text it does not understand yields `format: 'none'`.
 */
export function parseRepairMessage(message: string | undefined, reason?: string): ParsedRepairMessage {
  const text = (typeof message === 'string' ? message : '').slice(0, MESSAGE_SCAN_LIMIT);
  const fromReason = parseRepairReason(reason);
  const actionMatch = ACTION_IN_TEXT.exec(text);
  const action = fromReason?.action ?? (actionMatch ? (actionMatch[1].toLowerCase() as RepairAction) : undefined);
  const failed = /\bfailed\b/i.test(text);
  const phase = fromReason?.phase ?? (failed ? 'error' : undefined);

  const details = SEE_DETAILS.exec(text);
  if (details) {
    return withDetail({ action, phase, format: 'see-details' }, parseDetail(text.slice(details.index + details[0].length)));
  }
  if (LEARN_MORE.test(text)) {
    return { action, phase, code: undefined, format: 'learn-more' };
  }
  const colon = COLON_MARKER.exec(text);
  if (colon) {
    return withDetail({ action, phase, format: 'colon' }, parseDetail(text.slice(colon.index + colon[0].length)));
  }
  const azure = findAzureError(text.slice(0, DETAIL_SCAN_LIMIT));
  if (azure && (azure.code !== undefined || azure.message !== undefined)) {
    return withDetail({ action, phase, format: 'azure-error' }, azure);
  }
  return { action, phase, code: undefined, format: 'none' };
}

interface Detail {
  readonly code?: string;
  readonly message?: string;
}

function withDetail(base: Omit<ParsedRepairMessage, 'code' | 'azureMessage'>, detail: Detail): ParsedRepairMessage {
  const parsed: ParsedRepairMessage = { action: base.action, phase: base.phase, code: detail.code, format: base.format };
  return detail.message ? { ...parsed, azureMessage: detail.message } : parsed;
}

/** The detail after a marker: a whole Azure error when there is one, else a bare or quoted code. */
function parseDetail(raw: string): Detail {
  const detail = raw.slice(0, DETAIL_SCAN_LIMIT);
  const azure = findAzureError(detail);
  if (azure?.code !== undefined) {
    return azure;
  }
  const bare = bareCode(detail);
  return { code: bare?.code, message: azure?.message ?? bare?.message };
}

/**
 * The code is the identifier that follows the marker (with the two multi-word codes AKS uses,
 * "X failed" and "X authentication failed"); whatever text follows it is not part of the code.
 */
const CODE_TOKEN = /^[A-Za-z][\w.-]*(?:[ \t]+(?:authentication[ \t]+)?failed\b)?/;
const WHOLE_CODE = /^[A-Za-z][\w.-]*(?:[ \t]+(?:authentication[ \t]+)?failed)?$/;

/** Words that start the prose around a code, or name its parts, and are never a code themselves. */
const PROSE = new Set([
  'a', 'an', 'the', 'code', 'codes', 'message', 'messages', 'error', 'errors', 'detail', 'details', 'here', 'see',
  'learn', 'more', 'status', 'statuscode', 'reason', 'category', 'target', 'failure', 'failed', 'fail', 'operation',
  'please', 'internal', 'request', 'response', 'original', 'http', 'https', 'aka', 'null', 'undefined', 'none',
  'true', 'false', 'unknown', 'for', 'with', 'and', 'or', 'of', 'to', 'in', 'on', 'at', 'is',
]);

/** Whether an identifier can be an error code, given the text that follows it. */
function isCode(token: string, rest: string): boolean {
  const head = token.split(/[ \t]/)[0];
  if (PROSE.has(head.toLowerCase().replace(/[.-]+$/, ''))) {
    return false;
  }
  // `Key=value`, `Microsoft.Compute/…`, `aka.ms/…`: a key or a path, not a code.
  if (/^\s*[=/]/.test(rest)) {
    return false;
  }
  if (token !== head) {
    return true; // "X failed", "X authentication failed"
  }
  // CamelCase (`InvalidParameter`, `scaleSetName…`, `VMExtension…`), or with a digit or underscore.
  if (/[a-z][A-Z]|[A-Z]{2}[a-z]|[_\d]/.test(head)) {
    return true;
  }
  if (!/^[A-Z]/.test(head)) {
    return false; // a lower-case word: prose
  }
  // One capitalized word (`Conflict`): a code only when no sentence goes on after it.
  return !/^[ \t]+[a-z]/.test(rest);
}

function bareCode(detail: string): { code?: string; message?: string } | undefined {
  const text = detail.replace(/^\s+/, '');
  const quote = /^["'`]+/.exec(text);
  const body = quote ? text.slice(quote[0].length) : text;
  const m = CODE_TOKEN.exec(body);
  if (!m) {
    return undefined;
  }
  const code = m[0].replace(/[.-]+$/, '');
  const rest = body.slice(code.length);
  if (!code || !isCode(code, rest)) {
    return undefined;
  }
  // `Code: message`: Azure's own short form; the message is what follows the colon.
  const tail = /^["'`]*[ \t]*:[ \t]*(\S[^\n]*)/.exec(rest);
  const message = tail ? cleanMessage(tail[1].replace(/\s*Learn more:\s*\S*\s*$/i, '')) : undefined;
  return { code, message };
}

/** The code and message of an Azure error written in the text: JSON, or `Code="…" Message="…"`. */
function findAzureError(text: string): Detail | undefined {
  const json = /\{\s*\\?"/.exec(text);
  const keyed = /\bCode[ \t]*[=:][ \t]*\\?["']/.exec(text);
  if (json && (!keyed || json.index < keyed.index)) {
    return jsonError(text.slice(json.index)) ?? (keyed ? keyedError(text.slice(keyed.index)) : undefined);
  }
  return keyed ? keyedError(text.slice(keyed.index)) : undefined;
}

/** `Code="X" Message="Y"` (Azure SDK errors), also with single quotes or `Code: "X"`. */
function keyedError(text: string): Detail | undefined {
  const code = /^Code[ \t]*[=:][ \t]*\\?(["'])([^"'\\\n]{1,200})\\?\1/.exec(text);
  const message = /\bMessage[ \t]*[=:][ \t]*\\?(["'])((?:\\.|(?!\1)[^\\])*)/.exec(text.slice(0, DETAIL_SCAN_LIMIT));
  return detail(code?.[2], message ? unescapeLoose(message[2]) : undefined);
}

/** Azure's JSON error, `{"code", "message"}`, also wrapped as `{"error": {…}}`, whole or cut short. */
function jsonError(text: string): Detail | undefined {
  const end = balancedEnd(text);
  if (end !== undefined) {
    try {
      const found = errorObject(JSON.parse(text.slice(0, end)) as unknown, 0);
      if (found) {
        return found;
      }
    } catch {
      // Not JSON after all (or escaped inside a string): read its fields loosely below.
    }
  }
  const code = /\\?"code\\?"\s*:\s*\\?"([^"\\\n]{1,200})\\?"/i.exec(text);
  // Plain JSON (`"message": "…\"…"`), or JSON escaped inside another string (`\"message\": \"…\"`).
  const message = /"message"\s*:\s*"((?:\\.|[^"\\])*)/i.exec(text) ?? /\\"message\\"\s*:\s*\\"((?:(?!\\")[^])*)/i.exec(text);
  return code || message ? detail(code?.[1], message ? unescapeLoose(message[1]) : undefined) : undefined;
}

function errorObject(value: unknown, depth: number): Detail | undefined {
  if (typeof value !== 'object' || value === null || depth > 3) {
    return undefined;
  }
  const o = value as Record<string, unknown>;
  const code = o.code ?? o.Code;
  const message = o.message ?? o.Message;
  if (typeof code === 'string') {
    return detail(code, typeof message === 'string' ? message : undefined);
  }
  return errorObject(o.error ?? o.Error ?? o.odata_error, depth + 1);
}

function detail(rawCode: string | undefined, rawMessage: string | undefined): Detail | undefined {
  const trimmed = rawCode?.trim();
  const code = trimmed !== undefined && WHOLE_CODE.test(trimmed) && isCode(trimmed, '') ? trimmed : undefined;
  const message = rawMessage === undefined ? undefined : cleanMessage(rawMessage);
  return code === undefined && message === undefined ? undefined : { code, message };
}

/** Where the JSON value starting at text[0] ends (exclusive), strings and escapes respected; undefined if cut short. */
function balancedEnd(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') {
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        return i + 1;
      }
    }
  }
  return undefined;
}

/** `\\"` → `"`, `\\n` → newline …, without trusting the text to be valid JSON. */
function unescapeLoose(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, e: string) => {
    if (e.length === 5) {
      return String.fromCharCode(parseInt(e.slice(1), 16));
    }
    return e === 'n' || e === 'r' || e === 't' ? ' ' : e;
  });
}

function cleanMessage(raw: string): string | undefined {
  const one = singleLine(raw.slice(0, DETAIL_SCAN_LIMIT));
  return one ? truncate(one, AZURE_MESSAGE_MAX) : undefined;
}
