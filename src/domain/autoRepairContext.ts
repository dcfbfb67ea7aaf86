/**
 * The policy for ambiguous codes (catalog entries flagged `ambiguous`, such as InvalidParameter):
 * so common in unrelated Azure errors that a match means little unless the text around it shows
 * a node auto-repair event.
 */
import type { TermMatch } from './codeMatcher';

/** How far around a match the context check looks, and how far it follows the match's line. */
const CONTEXT_RADIUS = 400;
const LINE_CAP = 2000;

const CONTEXT_MARKERS: readonly string[] = [
  'NodeRebootStart', 'NodeRebootEnd', 'NodeRebootError',
  'NodeReimageStart', 'NodeReimageEnd', 'NodeReimageError',
  'NodeRedeployStart', 'NodeRedeployEnd', 'NodeRedeployError',
  'aks-auto-repair', 'aks-remediator', 'See error details here',
];
/** Matched case-insensitively: prose and links spell it `Node auto-repair`, `node-auto-repair`. */
const CONTEXT_MARKERS_ANY_CASE: readonly string[] = ['node auto-repair', 'node-auto-repair'];

/**
 * Whether a match sits in auto-repair context: its line (up to 2,000 characters each way) and
 * 400 characters either side contain an auto-repair reason, `aks-auto-repair`, `aks-remediator`,
 * `node auto-repair` in any case, or `See error details here`. Cost is bounded whatever the text.
 */
export function looksLikeAutoRepairContext(text: string, match: TermMatch): boolean {
  const start = Math.max(0, Math.min(match.start, text.length));
  const end = Math.max(start, Math.min(match.end, text.length));
  let lineStart = start;
  const lineFloor = Math.max(0, start - LINE_CAP);
  while (lineStart > lineFloor && text.charCodeAt(lineStart - 1) !== 0x0a) {
    lineStart--;
  }
  let lineEnd = end;
  const lineCeiling = Math.min(text.length, end + LINE_CAP);
  while (lineEnd < lineCeiling && text.charCodeAt(lineEnd) !== 0x0a) {
    lineEnd++;
  }
  const from = Math.min(lineStart, Math.max(0, start - CONTEXT_RADIUS));
  const to = Math.max(lineEnd, Math.min(text.length, end + CONTEXT_RADIUS));
  const window = text.slice(from, to);
  if (CONTEXT_MARKERS.some((m) => window.includes(m))) {
    return true;
  }
  const lower = window.toLowerCase();
  return CONTEXT_MARKERS_ANY_CASE.some((m) => lower.includes(m));
}
