/** What the webview renderers (guidance and diagnosis) share: escaping, resources, the CSP. No `vscode` import. */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe inside an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** What a panel hands its renderer: the webview's CSP source, our two files' URIs, this render's nonce. */
export interface WebviewResources {
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  readonly nonce: string;
}

/** Nothing by default; styles, images and fonts from our media folder only; scripts only with this render's nonce. */
export function contentSecurityPolicy(res: WebviewResources): string {
  return [
    "default-src 'none'",
    `img-src ${res.cspSource}`,
    `style-src ${res.cspSource}`,
    `font-src ${res.cspSource}`,
    `script-src 'nonce-${res.nonce}'`,
  ].join('; ');
}

/** `<!DOCTYPE html>` through `</head>`: language, this render's CSP, the viewport, our stylesheet, the title (escaped). */
export function documentHead(res: WebviewResources, title: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(res)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(res.styleUri)}">
<title>${escapeHtml(title)}</title>
</head>`;
}
