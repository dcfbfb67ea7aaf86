/**
 * Removes credentials from text bound for the log, the view or a copied report: bearer tokens,
 * token and password fields in JSON or YAML, key data, SAS signatures and client secrets in URLs,
 * JWTs anywhere, and any known secret (the kubeconfig's own token).
 */

const MARKER = '<redacted>';

/** Each pattern with its replacement, given the marker; `$1` keeps the field's name. */
const PATTERNS: readonly [RegExp, (marker: string) => string][] = [
  // An HTTP credential is a b64token: eight characters or more, so "Basic Load Balancer" is prose.
  [/\b(Bearer|Basic)\s+[^\s"',]{8,}/gi, (m) => `$1 ${m}`],
  [/("(?:token|access_token|id_token|refresh_token|password|client-key-data|clientKeyData|client-certificate-data)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, (m) => `$1"${m}"`],
  [/(\b(?:token|access_token|id_token|refresh_token|password|client-key-data|clientKeyData)\s*[:=]\s*)(?!<redacted>|Bearer\b|Basic\b)[^\s"',}]+/gi, (m) => `$1${m}`],
  // URL query parameters (a SAS's `sig=`, an OAuth `client_secret=`) end at the next `&`.
  [/\b(sig|client_secret)=[^&\s"'<>]+/gi, (m) => `$1=${m}`],
  // A JWT anywhere (AAD tokens are JWTs).
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, (m) => m],
];

/**
 * The text with credentials replaced by `marker` (`<redacted>` unless told); `secrets` are exact
 * strings to remove too.
 */
export function redact(text: string, secrets: readonly string[] = [], marker = MARKER): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join(marker);
    }
  }
  const safeMarker = marker.replace(/\$/g, '$$$$');
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement(safeMarker));
  }
  return out;
}

/** First line of the text, redacted and cut to `max` characters, for one-line messages. */
export function oneLine(text: string, max = 300, secrets: readonly string[] = []): string {
  const line = redact(text, secrets).trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
