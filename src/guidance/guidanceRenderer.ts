/**
 * Renders a catalog entry to the guidance webview's HTML. No `vscode` import: the panel hands in
 * the webview's resource URIs and CSP source, so this is unit-tested under plain Node.
 *
 * Everything that comes from outside our own code (catalog files from users' folders, cluster
 * event text, pasted codes) is escaped; markdown-it runs with raw HTML disabled.
 */
import MarkdownIt from 'markdown-it';
import { GUIDANCE_INDEX_ID as INDEX_ID } from '../commandIds';
import type { Catalog } from '../domain/catalog';
import type { CatalogEntry } from '../domain/catalogEntry';
import type { GuidanceContext, GuidanceTarget } from '../domain/guidanceTarget';

export interface WebviewResources {
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce: string;
}

export interface GuidanceView {
  readonly target: GuidanceTarget;
  readonly entry: CatalogEntry;
  readonly catalog: Catalog;
  readonly canGoBack: boolean;
}

const ENTRY_LINK = /^(?:\.\/)?([A-Za-z0-9][\w.-]*)\.md(?:#[\w-]*)?$/;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));
}

/** What the webview page keeps with `setState` and gets back after a window reload. */
export function pageState(target: GuidanceTarget): string {
  return JSON.stringify({ id: target.id, context: target.context });
}

export class GuidanceRenderer {
  private readonly md: MarkdownIt;
  /** The catalog the current render resolves `./ID.md` links against. */
  private catalog?: Catalog;

  constructor() {
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
    const e = escapeHtml;
    const badges = [
      `<span class="badge kind-${e(entry.kind)}">${e(kindLabel(entry.kind))}</span>`,
      entry.action !== 'none' && entry.action !== 'any' ? `<span class="badge">${e(entry.action)}</span>` : '',
      `<span class="badge severity-${e(entry.severity)}">${e(entry.severity)}</span>`,
      entry.origin === 'user' ? '<span class="badge origin-user">your catalog</span>' : '',
    ].join('');
    const docs = entry.docs.length === 0 ? '' : `<section class="docs" aria-labelledby="docs-h"><h2 id="docs-h">Documentation</h2><ul>${entry.docs
      .map((d) => `<li>${externalLink(d.url, d.title)}</li>`).join('')}</ul></section>`;
    const related = entry.related
      .map((id) => catalog.get(id))
      .filter((r): r is CatalogEntry => r !== undefined);
    const relatedHtml = related.length === 0 ? '' : `<section class="related" aria-labelledby="related-h"><h2 id="related-h">Related</h2>${entryList(related)}</section>`;
    const main = `<header>
<h1>${e(entry.title)}</h1>
<div class="badges">${badges}</div>
<p class="summary">${e(entry.summary)}</p>
</header>
${renderContext(target.context, entry)}
<section class="first-step" aria-label="First step"><strong>First step:</strong> ${e(entry.firstStep)}</section>
<article class="body">${this.renderBody(entry, catalog)}</article>
${relatedHtml}
${docs}
<footer class="muted">${entry.origin === 'user' ? `From your catalog: <code>${e(entry.source)}</code>` : 'From the built-in AKS Node Auto-Repair catalog.'}</footer>`;
    return pageFrame({ title: entry.title, target, canGoBack: view.canGoBack, showIndexLink: true, main }, res);
  }

  /** A page listing every entry, grouped by kind: where "All entries" leads. */
  renderIndex(catalog: Catalog, res: WebviewResources, canGoBack: boolean): string {
    const groups = (['code', 'reason', 'topic'] as const)
      .map((kind) => `<section><h2>${escapeHtml(kindHeading(kind))}</h2>${entryList(catalog.entries.filter((x) => x.kind === kind))}</section>`)
      .join('');
    const main = `<header><h1>AKS auto-repair guidance</h1></header>${groups}`;
    return pageFrame({ title: 'AKS auto-repair guidance', target: { id: INDEX_ID }, canGoBack, showIndexLink: false, main }, res);
  }

  private installRules(): void {
    const md = this.md;
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
        token.attrSet('title', `Not opened from the panel: ${href}`);
      }
      return defaultLinkOpen(tokens, idx, options, env, self);
    };
    md.renderer.rules.fence = (tokens, idx) => {
      const token = tokens[idx];
      const lang = token.info.trim().split(/\s+/)[0] ?? '';
      const code = escapeHtml(token.content);
      const langClass = lang ? ` class="language-${escapeHtml(lang)}"` : '';
      return '<div class="code-block"><div class="code-actions"><button type="button" class="copy" data-action="copy" aria-label="Copy to clipboard">Copy</button></div>'
        + `<pre tabindex="0"><code${langClass}>${code}</code></pre></div>\n`;
    };
    // Images would need remote loads the CSP refuses; show their text instead.
    md.renderer.rules.image = (tokens, idx) => `<span class="muted">[image: ${escapeHtml(tokens[idx].content)}]</span>`;
  }
}

/** The document around a page: CSP with this render's nonce, theme stylesheet, navigation, our one script. */
function pageFrame(page: { title: string; target: GuidanceTarget; canGoBack: boolean; showIndexLink: boolean; main: string }, res: WebviewResources): string {
  const e = escapeHtml;
  const csp = [
    "default-src 'none'",
    `img-src ${res.cspSource}`,
    `style-src ${res.cspSource}`,
    `font-src ${res.cspSource}`,
    `script-src 'nonce-${res.nonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${e(res.styleUri)}">
<title>${e(page.title)}</title>
</head>
<body data-state="${e(pageState(page.target))}">
<nav class="toolbar" aria-label="Guidance navigation">
${page.canGoBack ? '<button type="button" class="back" data-action="back" title="Back (Alt+Left)">&larr; Back</button>' : ''}
${page.showIndexLink ? '<a href="#" class="index-link" data-action="index">All entries</a>' : ''}
</nav>
<main>
${page.main}
</main>
<script nonce="${e(res.nonce)}" src="${e(res.scriptUri)}"></script>
</body>
</html>`;
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

function renderContext(context: GuidanceContext | undefined, entry: CatalogEntry): string {
  if (!context) {
    return '';
  }
  const e = escapeHtml;
  const rows: string[] = [];
  if (context.code && context.code !== entry.id && !entry.matches.includes(context.code)) {
    rows.push(`<p>The code <code>${e(context.code)}</code> is not in the catalog.</p>`);
  }
  if (context.node) {
    rows.push(`<p>Node <code>${e(context.node)}</code>${context.reason ? `, event <code>${e(context.reason)}</code>` : ''}${context.seenAt ? `, last seen ${e(new Date(context.seenAt).toISOString().replace('T', ' ').slice(0, 19))} UTC` : ''}</p>`);
  }
  if (context.message) {
    rows.push(`<blockquote class="event-message">${e(context.message)}</blockquote>`);
  }
  return rows.length === 0 ? '' : `<section class="context" aria-label="Where this was seen">${rows.join('')}</section>`;
}

function kindLabel(kind: CatalogEntry['kind']): string {
  return kind === 'code' ? 'error code' : kind === 'reason' ? 'event reason' : 'guide';
}

function kindHeading(kind: CatalogEntry['kind']): string {
  return kind === 'code' ? 'Error codes' : kind === 'reason' ? 'Event reasons' : 'Guides';
}
