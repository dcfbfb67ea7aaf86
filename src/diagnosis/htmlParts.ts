/**
 * The pieces every region of the diagnosis page is built from: escaping, untrusted text cut to a
 * readable length, times, a facts list, state badges. No `vscode` import.
 */
import * as l10n from '@vscode/l10n';
import { escapeHtml } from '../domain/html';
import { truncate } from '../domain/format';

/** Longest stretch of one Azure string shown (extension messages can run to many kilobytes). */
const MAX_SHOWN = 4000;

/** Untrusted text, cut to a readable length, escaped. */
export function t(text: string | number | boolean | undefined, max = MAX_SHOWN): string {
  const s = text === undefined ? '' : String(text);
  // truncate keeps surrogate pairs whole: a cut emoji would reach the page as a lone surrogate.
  return escapeHtml(truncate(s, max + 1));
}

/** `template` escaped, its `{0}`, `{1}` … replaced in one pass by `html` (markup the caller has escaped). */
export function fillHtml(template: string, ...html: string[]): string {
  return escapeHtml(template).replace(/\{(\d)\}/g, (m, i: string) => html[Number(i)] ?? m);
}

export function loading(): string {
  return `<p class="loading"><span class="spinner" aria-hidden="true"></span>${escapeHtml(l10n.t('Reading…'))}</p>`;
}

/** A definition list of the facts that are known; unknown ones are left out. */
export function facts(rows: readonly (readonly [string, string | undefined])[]): string {
  const shown = rows.filter(([, v]) => v !== undefined && v !== '');
  if (shown.length === 0) {
    return `<p class="muted">${escapeHtml(l10n.t('Azure returned no details.'))}</p>`;
  }
  return `<dl class="facts">${shown.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

export const code = (text: string | undefined, max = 1000): string | undefined => (text ? `<code>${t(text, max)}</code>` : undefined);
export const plain = (text: string | number | boolean | undefined, max = 500): string | undefined => (text === undefined || text === '' ? undefined : t(text, max));

export function stateBadge(state: string | undefined): string | undefined {
  if (!state) {
    return undefined;
  }
  const lower = state.toLowerCase();
  const tone = /fail|unavailable|unhealthy|deallocat|stopped|error|canceled/.test(lower) ? 'bad'
    : /succeed|running|available|healthy/.test(lower) && !/degraded/.test(lower) ? 'good' : 'neutral';
  return `<span class="state state-${tone}">${t(state, 100)}</span>`;
}
