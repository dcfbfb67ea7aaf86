/**
 * Renders a catalog entry to the guidance webview's HTML. No `vscode` import: the panel hands in
 * the webview's resource URIs and CSP source, so this is unit-tested under plain Node.
 *
 * Everything that comes from outside our own code (catalog files from users' folders, cluster
 * event text, pasted codes) is escaped; markdown-it runs with raw HTML disabled. The page's own
 * words come translated from the panel (GuidanceStrings): this bundle does no localization.
 */
import MarkdownIt from 'markdown-it';
import { GUIDANCE_INDEX_ID as INDEX_ID } from '../ids';
import type { Catalog } from '../domain/catalog';
import type { CatalogEntry, EntryKind } from '../domain/catalogEntry';
import type { GuidanceContext, GuidanceTarget } from '../domain/guidanceTarget';
import { documentHead, escapeHtml, type WebviewResources } from '../domain/html';

/**
 * The page's own words, in the display language. Plain text: the renderer escapes them. Where a
 * string has `{0}`, the renderer puts the (escaped) value there, inside its markup.
 */
export interface GuidanceStrings {
  /** The index page's title and heading. */
  readonly indexTitle: string;
  /** Entry kind badge: `error code`, `event reason`, `guide`. */
  readonly kindLabels: Readonly<Record<EntryKind, string>>;
  /** Index page sections: `Error codes`, `Event reasons`, `Guides`. */
  readonly kindHeadings: Readonly<Record<EntryKind, string>>;
  /** Badge of an entry read from a user's folder. */
  readonly yourCatalog: string;
  /** Accessible name of the first-step box. */
  readonly firstStepLabel: string;
  /** Lead-in of the first-step box, before the entry's first step. */
  readonly firstStep: string;
  readonly related: string;
  readonly documentation: string;
  /** Footer of a user entry; `{0}` is the file. */
  readonly fromUserCatalog: string;
  readonly fromBuiltinCatalog: string;
  /** Accessible name of the box that says where the code was seen. */
  readonly contextLabel: string;
  /** `{0}` is the code. */
  readonly codeNotInCatalog: string;
  /** `{0}` is the node name. */
  readonly seenOnNode: string;
  /** `{0}` is the event reason; follows seenOnNode after a comma. */
  readonly seenWithReason: string;
  /** `{0}` is a UTC date and time; follows seenOnNode after a comma. */
  readonly seenAt: string;
  /** `{0}` times over `{1}` days (a recurring code, from the local history); follows seenOnNode after a comma. */
  readonly seenTimes: string;
  /** Lead-in of the Azure error's message an auto-repair event carried beside its code. */
  readonly azureError: string;
  readonly navigationLabel: string;
  readonly back: string;
  /** Tooltip of the back button, with its shortcut. */
  readonly backTitle: string;
  readonly allEntries: string;
  /** Copy button of a code block, and its label for a moment after a copy. */
  readonly copy: string;
  readonly copied: string;
  readonly copyLabel: string;
  /** Tooltip of a link the panel does not open; `{0}` is its target. */
  readonly inertLink: string;
  /** Stands in for an image; `{0}` is its alt text. */
  readonly image: string;
  /** The notice banner's button. */
  readonly manageTrust: string;
  /** The button beside a node's context that opens its Azure diagnosis; no button when absent. */
  readonly diagnose?: string;
}

export interface GuidanceView {
  readonly target: GuidanceTarget;
  readonly entry: CatalogEntry;
  readonly catalog: Catalog;
  readonly canGoBack: boolean;
  /** Shown above the page, e.g. why the workspace's own catalog folders were ignored (plain text). */
  readonly notice?: string;
}

const ENTRY_LINK = /^(?:\.\/)?([A-Za-z0-9][\w.-]*)\.md(?:#[\w-]*)?$/;

/** `template` escaped, with its `{0}` replaced by `html` (markup the caller has escaped). */
function fill(template: string, html: string): string {
  return escapeHtml(template).replace('{0}', () => html);
}

/** What the webview page keeps with `setState` and gets back after a window reload. */
export function pageState(target: GuidanceTarget): string {
  return JSON.stringify({ id: target.id, context: target.context });
}

export class GuidanceRenderer {
  private readonly md: MarkdownIt;
  /** The catalog the current render resolves `./ID.md` links against. */
  private catalog?: Catalog;

  constructor(private readonly strings: GuidanceStrings) {
    this.md = new MarkdownIt({ html: false, linkify: false, typographer: false });
    this.installRules();
  }

  /** The entry's markdown body as HTML, links rewritten for the panel. */
  renderBody(entry: CatalogEntry, catalog: Catalog): string {
    this.catalog = catalog;
    try {
      // The page header already shows the title: drop the body's own leading `# Title`.
      return this.md.render(entry.body.replace(/^\s*#[ \t][^\n]*\n/, ''));
    } finally {
      this.catalog = undefined;
    }
  }

  renderPage(view: GuidanceView, res: WebviewResources): string {
    const { entry, catalog, target } = view;
    const s = this.strings;
    const e = escapeHtml;
    const badges = [
      `<span class="badge kind-${e(entry.kind)}">${e(s.kindLabels[entry.kind])}</span>`,
      entry.action !== 'none' && entry.action !== 'any' ? `<span class="badge">${e(entry.action)}</span>` : '',
      `<span class="badge severity-${e(entry.severity)}">${e(entry.severity)}</span>`,
      entry.origin === 'user' ? `<span class="badge origin-user">${e(s.yourCatalog)}</span>` : '',
    ].join('');
    const docs = entry.docs.length === 0 ? '' : `<section class="docs" aria-labelledby="docs-h"><h2 id="docs-h">${e(s.documentation)}</h2><ul>${entry.docs
      .map((d) => `<li>${externalLink(d.url, d.title)}</li>`).join('')}</ul></section>`;
    const related = entry.related
      .map((id) => catalog.get(id))
      .filter((r): r is CatalogEntry => r !== undefined);
    const relatedHtml = related.length === 0 ? '' : `<section class="related" aria-labelledby="related-h"><h2 id="related-h">${e(s.related)}</h2>${entryList(related)}</section>`;
    const main = `<header>
<h1>${e(entry.title)}</h1>
<div class="badges">${badges}</div>
<p class="summary">${e(entry.summary)}</p>
</header>
${renderContext(target.context, entry, s)}
<section class="first-step" aria-label="${e(s.firstStepLabel)}"><strong>${e(s.firstStep)}</strong> ${e(entry.firstStep)}</section>
<article class="body">${this.renderBody(entry, catalog)}</article>
${relatedHtml}
${docs}
<footer class="muted">${entry.origin === 'user' ? fill(s.fromUserCatalog, `<code>${e(entry.source)}</code>`) : e(s.fromBuiltinCatalog)}</footer>`;
    return pageFrame({ title: entry.title, target, canGoBack: view.canGoBack, showIndexLink: true, main, notice: view.notice }, res, s);
  }

  /** A page listing every entry, grouped by kind: where "All entries" leads. */
  renderIndex(catalog: Catalog, res: WebviewResources, canGoBack: boolean, notice?: string): string {
    const s = this.strings;
    const groups = (['code', 'reason', 'topic'] as const)
      .map((kind) => `<section><h2>${escapeHtml(s.kindHeadings[kind])}</h2>${entryList(catalog.entries.filter((x) => x.kind === kind))}</section>`)
      .join('');
    const main = `<header><h1>${escapeHtml(s.indexTitle)}</h1></header>${groups}`;
    return pageFrame({ title: s.indexTitle, target: { id: INDEX_ID }, canGoBack, showIndexLink: false, main, notice }, res, s);
  }

  private installRules(): void {
    const md = this.md;
    const s = this.strings;
    const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
    md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
      const token = tokens[idx];
      const href = token.attrGet('href') ?? '';
      const entryId = ENTRY_LINK.exec(href)?.[1];
      if (entryId && this.catalog?.get(entryId)) {
        token.attrSet('href', '#');
        token.attrSet('data-entry', entryId);
      } else if (/^https:\/\//i.test(href)) {
        token.attrSet('data-external', href);
        token.attrSet('title', href);
      } else {
        // http:, file:, command: and anything else never becomes a live link in the panel.
        token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'href');
        token.attrSet('class', 'inert-link');
        // markdown-it escapes attribute values.
        token.attrSet('title', s.inertLink.replace('{0}', () => href));
      }
      return defaultLinkOpen(tokens, idx, options, env, self);
    };
    md.renderer.rules.fence = (tokens, idx) => {
      const token = tokens[idx];
      const lang = token.info.trim().split(/\s+/)[0] ?? '';
      const code = escapeHtml(token.content);
      const langClass = lang ? ` class="language-${escapeHtml(lang)}"` : '';
      return `<div class="code-block"><div class="code-actions"><button type="button" class="copy" data-action="copy" aria-label="${escapeHtml(s.copyLabel)}">${escapeHtml(s.copy)}</button></div>`
        + `<pre tabindex="0"><code${langClass}>${code}</code></pre></div>\n`;
    };
    // Images would need remote loads the CSP refuses; show their text instead.
    md.renderer.rules.image = (tokens, idx) => `<span class="muted">${fill(s.image, escapeHtml(tokens[idx].content))}</span>`;
  }
}

/**
 * The document around a page: CSP with this render's nonce, theme stylesheet, navigation, our one
 * script. The script's own words (the copy button's labels) ride on `data-*` attributes.
 */
function pageFrame(
  page: { title: string; target: GuidanceTarget; canGoBack: boolean; showIndexLink: boolean; main: string; notice?: string },
  res: WebviewResources,
  s: GuidanceStrings,
): string {
  const e = escapeHtml;
  return `${documentHead(res, page.title)}
<body data-state="${e(pageState(page.target))}" data-copy-label="${e(s.copy)}" data-copied-label="${e(s.copied)}">
${page.notice ? noticeBanner(page.notice, s) : ''}
<nav class="toolbar" aria-label="${e(s.navigationLabel)}">
${page.canGoBack ? `<button type="button" class="back" data-action="back" title="${e(s.backTitle)}">&larr; ${e(s.back)}</button>` : ''}
${page.showIndexLink ? `<a href="#" class="index-link" data-action="index">${e(s.allEntries)}</a>` : ''}
</nav>
<main>
${page.main}
</main>
<script nonce="${e(res.nonce)}" src="${e(res.scriptUri)}"></script>
</body>
</html>`;
}

/** A status banner above the page; its button asks the panel to open Manage Workspace Trust. */
function noticeBanner(notice: string, s: GuidanceStrings): string {
  return `<div class="notice" role="status"><p>${escapeHtml(notice)}</p>`
    + `<button type="button" data-action="manageTrust">${escapeHtml(s.manageTrust)}</button></div>`;
}

function entryList(entries: readonly CatalogEntry[]): string {
  const e = escapeHtml;
  return `<ul>${entries.map((x) => `<li><a href="#" data-entry="${e(x.id)}">${e(x.title)}</a> <span class="muted">${e(x.summary)}</span></li>`).join('')}</ul>`;
}

function externalLink(url: string, title: string): string {
  if (!/^https:\/\//i.test(url)) {
    return escapeHtml(title);
  }
  return `<a href="${escapeHtml(url)}" data-external="${escapeHtml(url)}" title="${escapeHtml(url)}">${escapeHtml(title)}</a>`;
}

function renderContext(context: GuidanceContext | undefined, entry: CatalogEntry, s: GuidanceStrings): string {
  if (!context) {
    return '';
  }
  const e = escapeHtml;
  const rows: string[] = [];
  if (context.code && context.code !== entry.id && !entry.matches.includes(context.code)) {
    rows.push(`<p>${fill(s.codeNotInCatalog, `<code>${e(context.code)}</code>`)}</p>`);
  }
  if (context.node) {
    const parts = [fill(s.seenOnNode, `<code>${e(context.node)}</code>`)];
    if (context.reason) {
      parts.push(fill(s.seenWithReason, `<code>${e(context.reason)}</code>`));
    }
    if (context.seenAt) {
      parts.push(fill(s.seenAt, e(new Date(context.seenAt).toISOString().replace('T', ' ').slice(0, 19))));
    }
    if (context.recurrence) {
      // Counts are numbers the sanitizer checked: no markup can come through them.
      parts.push(escapeHtml(s.seenTimes.replace('{0}', String(context.recurrence.times)).replace('{1}', String(context.recurrence.days))));
    }
    rows.push(`<p>${parts.join(', ')}</p>`);
    if (s.diagnose) {
      rows.push(`<p class="diagnose"><button type="button" data-action="diagnose">${e(s.diagnose)}</button></p>`);
    }
  }
  if (context.azureMessage) {
    const code = context.code ? ` <code>${e(context.code)}</code>` : '';
    rows.push(`<p class="azure-error"><strong>${e(s.azureError)}</strong>${code} ${e(context.azureMessage)}</p>`);
  }
  if (context.message) {
    rows.push(`<blockquote class="event-message">${e(context.message)}</blockquote>`);
  }
  return rows.length === 0 ? '' : `<section class="context" aria-label="${e(s.contextLabel)}">${rows.join('')}</section>`;
}
