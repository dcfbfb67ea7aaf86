/**
 * Reading AKS auto-repair events: the reason says which action and phase, the message may
 * name an error code in one of the formats AKS has been seen to use.
 */

import { capitalize } from './format';

export type RepairAction = 'reboot' | 'reimage' | 'redeploy';
export type RepairPhase = 'start' | 'end' | 'error';

/** Which message format an error used; `none` when the text fits no known error format. */
export type ErrorMessageFormat = 'colon' | 'see-details' | 'learn-more' | 'none';

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
// Format 3: "... action failed due to an operation failure. Learn more: aka.ms/..." (no code)
const ACTION_IN_TEXT = /\b(reboot|reimage|redeploy)\b/i;
const SEE_DETAILS = /See error details here:\s*(.+?)\s*$/is;
const COLON_CODE = /operation failure:\s*(.+?)\s*$/is;
const LEARN_MORE = /operation failure\.?\s*Learn more:/i;

/**
 * Parses an auto-repair event message. The reason, when given, is trusted over the message
 * for action and phase. Never throws; text it does not understand yields `format: 'none'`.
 */
export function parseRepairMessage(message: string | undefined, reason?: string): ParsedRepairMessage {
  const text = (message ?? '').slice(0, 64 * 1024);
  const fromReason = parseRepairReason(reason);
  const actionMatch = ACTION_IN_TEXT.exec(text);
  const action = fromReason?.action ?? (actionMatch ? (actionMatch[1].toLowerCase() as RepairAction) : undefined);
  const failed = /\bfailed\b/i.test(text);
  const phase = fromReason?.phase ?? (failed ? 'error' : undefined);

  const details = SEE_DETAILS.exec(text);
  if (details) {
    return { action, phase, code: cleanCode(details[1]), format: 'see-details' };
  }
  if (LEARN_MORE.test(text)) {
    return { action, phase, code: undefined, format: 'learn-more' };
  }
  const colon = COLON_CODE.exec(text);
  if (colon) {
    return { action, phase, code: cleanCode(colon[1]), format: 'colon' };
  }
  return { action, phase, code: undefined, format: 'none' };
}

/**
 * The code is the identifier that follows the marker (with the two multi-word codes AKS uses,
 * "X failed" and "X authentication failed"); whatever text follows it is not part of the code.
 */
const CODE_TOKEN = /^[A-Za-z][\w.-]*(?:[ \t]+(?:authentication[ \t]+)?failed\b)?/;

function cleanCode(raw: string): string | undefined {
  const text = raw.trim().replace(/^["'`]+/, '');
  const m = CODE_TOKEN.exec(text);
  const code = m?.[0].replace(/[.-]+$/, '');
  return code ? code : undefined;
}
