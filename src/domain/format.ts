/**
 * Short, plain-text formatting shared by the tree, tooltips and hovers. Nothing here escapes
 * for HTML or Markdown: callers do that for the surface they render to.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** `45s`, `12m`, `3h 5m`, `2d 4h`: two units at most, rounded down. Negative or odd input → `0s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) {
    return '0s';
  }
  if (ms < MINUTE) {
    return `${Math.floor(ms / SECOND)}s`;
  }
  if (ms < HOUR) {
    return `${Math.floor(ms / MINUTE)}m`;
  }
  if (ms < DAY) {
    const h = Math.floor(ms / HOUR);
    const m = Math.floor((ms % HOUR) / MINUTE);
    return m > 0 ? `${h}h ${m}m` : `${h}h`;
  }
  const d = Math.floor(ms / DAY);
  const h = Math.floor((ms % DAY) / HOUR);
  return h > 0 ? `${d}d ${h}h` : `${d}d`;
}

/** How long ago `since` was; empty when `since` is unknown. A future `since` (clock skew) reads `0s`. */
export function formatAge(since: number | undefined, now: number): string {
  if (since === undefined || !Number.isFinite(since)) {
    return '';
  }
  return formatDuration(now - since);
}

/** Cuts `text` to at most `max` characters, ending with `…` when cut; never splits a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (max <= 0) {
    return '';
  }
  if (text.length <= max) {
    return text;
  }
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) {
    end -= 1;
  }
  return text.slice(0, end) + '…';
}

// Control characters, line/paragraph separators and bidi overrides/isolates: event text comes
// from the cluster and must not reorder or break the line it is shown on.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\ufeff]/g;

/** Collapses whitespace and control characters to single spaces and trims. */
export function singleLine(text: string): string {
  return text.replace(UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

/** `2026-12-03 09:44:43 UTC`; `unknown` (empty by default) for a missing or out-of-range time. */
export function formatUtc(epochMs: number | undefined, unknown = ''): string {
  if (epochMs === undefined || !Number.isFinite(epochMs) || Math.abs(epochMs) > 8.64e15) {
    return unknown;
  }
  return `${new Date(epochMs).toISOString().replace('T', ' ').slice(0, 19)} UTC`;
}

/** A clock time for tooltips, `09:44:43` in UTC, so it matches `kubectl get events` output. */
export function formatClock(epochMs: number | undefined): string {
  if (epochMs === undefined || !Number.isFinite(epochMs)) {
    return '';
  }
  return new Date(epochMs).toISOString().slice(11, 19);
}

/** `reboot` → `Reboot`. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
