import * as vscode from 'vscode';
import { CommandIds } from '../ids';
import type { CatalogEntry } from '../domain/catalogEntry';
import { CatalogService } from '../guidance/catalogService';
import { UNKNOWN_ERROR_ID } from '../domain/catalog';
import type { GuidanceTarget } from '../domain/guidanceTarget';
import { parseRepairMessage } from '../domain/repairMessage';

/** Documents where operators meet codes: logs, manifests, JSON dumps, notes, and the Output panel. */
export const HOVER_SELECTOR: vscode.DocumentSelector = [
  ...['log', 'yaml', 'json', 'jsonc', 'plaintext', 'markdown'].map((language) => ({ language })),
  { scheme: 'output' },
];

/** Lines around the hovered one that are searched for signs of an auto-repair event. */
const CONTEXT_LINES = 6;
/** Past this length a line is only searched near the cursor (minified JSON, huge log lines). */
const MAX_CONTEXT_CHARS = 4000;
/** How much of a line is read as an auto-repair message. */
const MAX_PARSED_CHARS = 16 * 1024;

/** Hover for auto-repair error codes and event reasons: cause, first step, links to the full guidance. */
export class ErrorCodeHoverProvider implements vscode.HoverProvider {
  constructor(private readonly catalog: CatalogService) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const line = document.lineAt(position.line).text;
    const match = this.catalog.matcher.findAt(line, position.character);
    if (!match) {
      return this.unknownCodeHover(line, position);
    }
    const entry = this.catalog.catalog.get(match.id);
    if (!entry) {
      return undefined;
    }
    const range = new vscode.Range(position.line, match.start, position.line, match.end);
    const ambiguous = entry.ambiguous;
    const inRepairContext = ambiguous ? this.isAutoRepairContext(document, position.line, match.start, match.end) : true;
    return new vscode.Hover(hoverMarkdown(entry, ambiguous, inRepairContext, azureErrorOf(line)), range);
  }

  /** A code outside the catalog, named by an auto-repair message on this line: the unknown-code entry, with the code and message. */
  private unknownCodeHover(line: string, position: vscode.Position): vscode.Hover | undefined {
    const azure = azureErrorOf(line);
    const unknown = this.catalog.catalog.get(UNKNOWN_ERROR_ID);
    if (!azure?.code || !unknown) {
      return undefined;
    }
    const start = codeStart(line, azure.code, position.character);
    if (start === undefined) {
      return undefined;
    }
    const range = new vscode.Range(position.line, start, position.line, start + azure.code.length);
    return new vscode.Hover(hoverMarkdown(unknown, false, true, azure), range);
  }

  private isAutoRepairContext(document: vscode.TextDocument, lineNo: number, start: number, end: number): boolean {
    const first = Math.max(0, lineNo - CONTEXT_LINES);
    const last = Math.min(document.lineCount - 1, lineNo + CONTEXT_LINES);
    let before = '';
    for (let i = first; i < lineNo; i++) {
      before += clip(document.lineAt(i).text) + '\n';
    }
    const line = document.lineAt(lineNo).text;
    const lineStart = Math.max(0, start - MAX_CONTEXT_CHARS);
    before += line.slice(lineStart, start);
    let after = line.slice(end, end + MAX_CONTEXT_CHARS);
    for (let i = lineNo + 1; i <= last; i++) {
      after += '\n' + clip(document.lineAt(i).text);
    }
    const code = line.slice(start, end);
    const text = before + code + after;
    return this.catalog.isAutoRepairContext(text, { term: code, id: code, start: before.length, end: before.length + code.length });
  }
}

/** The code and Azure message of an auto-repair error on this line, when it is one. */
function azureErrorOf(line: string): AzureErrorOnLine | undefined {
  const parsed = parseRepairMessage(line.slice(0, MAX_PARSED_CHARS));
  if (parsed.phase !== 'error' || (!parsed.code && !parsed.azureMessage)) {
    return undefined;
  }
  return { code: parsed.code, message: parsed.azureMessage };
}

/** Where `code` is written in `line` around `character`, if the cursor is on it. */
function codeStart(line: string, code: string, character: number): number | undefined {
  const limit = Math.min(line.length, MAX_PARSED_CHARS);
  for (let at = line.indexOf(code); at !== -1 && at < limit; at = line.indexOf(code, at + 1)) {
    if (character >= at && character <= at + code.length) {
      return at;
    }
  }
  return undefined;
}

function clip(line: string): string {
  return line.length > MAX_CONTEXT_CHARS ? line.slice(0, MAX_CONTEXT_CHARS) : line;
}

export function openGuidanceCommandUri(target: GuidanceTarget): vscode.Uri {
  return vscode.Uri.parse(`command:${CommandIds.openGuidance}?${encodeURIComponent(JSON.stringify([target]))}`);
}

interface AzureErrorOnLine {
  readonly code?: string;
  readonly message?: string;
}

function hoverMarkdown(entry: CatalogEntry, ambiguous: boolean, inRepairContext: boolean, azure?: AzureErrorOnLine): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  // Only our own command may run from this hover; the text itself comes from the catalog, escaped.
  md.isTrusted = { enabledCommands: [CommandIds.openGuidance] };
  md.supportHtml = false;
  const kind = entry.kind === 'code' ? vscode.l10n.t('AKS auto-repair error')
    : entry.kind === 'reason' ? vscode.l10n.t('AKS auto-repair event') : vscode.l10n.t('AKS auto-repair');
  const unknownCode = entry.id === UNKNOWN_ERROR_ID ? azure?.code : undefined;
  md.appendMarkdown(`$(tools) **${plainText(unknownCode ?? entry.title)}`).appendMarkdown(`** · ${escapeMarkdown(kind)}\n\n`);
  if (unknownCode) {
    md.appendText(vscode.l10n.t('This code is not in the catalog.')).appendMarkdown(' ');
  }
  if (ambiguous && !inRepairContext) {
    md.appendMarkdown('$(warning) ');
    md.appendMarkdown(plainText(vscode.l10n.t(
      '{0} also appears in many unrelated Azure errors. Nothing around this line shows a node auto-repair event, so it may not be one. If it came from a {1}, {2} or {3} event:',
      entry.matches[0] ?? entry.id, 'NodeRebootError', 'NodeReimageError', 'NodeRedeployError')));
    md.appendMarkdown('\n\n');
  }
  md.appendMarkdown(plainText(entry.summary));
  if (azure?.message) {
    md.appendMarkdown(`\n\n**${escapeMarkdown(vscode.l10n.t('Azure error:'))}** ${plainText(azure.message)}`);
  }
  md.appendMarkdown(`\n\n**${escapeMarkdown(vscode.l10n.t('First step:'))}** ${plainText(entry.firstStep)}`);
  md.appendMarkdown('\n\n');
  const open = escapeMarkdown(vscode.l10n.t('Open guidance'));
  const tooltip = escapeTitle(vscode.l10n.t('Open the full guidance for {0}', entry.title));
  const target: GuidanceTarget = azure
    ? { id: unknownCode ?? entry.id, context: { code: azure.code, ...(azure.message ? { azureMessage: azure.message } : {}) } }
    : { id: entry.id };
  const links = [`[$(book) ${open}](${openGuidanceCommandUri(target)} "${tooltip}")`];
  const doc = entry.docs.find((d) => /^https:\/\//i.test(d.url));
  if (doc) {
    links.push(`[$(link-external) ${escapeMarkdown(doc.title)}](${doc.url.replace(/[()\s]/g, encodeURIComponent)})`);
  }
  md.appendMarkdown(links.join(' · '));
  return md;
}

/**
 * Untrusted text (an Azure message, a runbook's summary) as Markdown: appendText's escaping (and
 * its `\$(icon)` escaping, with theme icons on), plus what it leaves alone: `<`, so `<http://…>`
 * would still be a link, and `&`, so `&#x202E;` would become the character it names. `&` is
 * written `&amp;` first: appendText adds `&nbsp;` entities of its own.
 */
function plainText(text: string): string {
  return new vscode.MarkdownString(undefined, true).appendText(text.replace(/&/g, '&amp;')).value.replace(/</g, '\\<');
}

/** Text placed in markdown we write (link text, a bold label): its markup characters, entities and `$(icon)`s escaped. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\[\]`*_<>()#!|&$]/g, '\\$&');
}

function escapeTitle(text: string): string {
  return text.replace(/["\\]/g, '');
}
