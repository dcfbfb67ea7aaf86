/**
 * Removes credentials from text bound for the log, the view or a copied report: bearer tokens,
 * token and password fields in JSON or YAML, key data, SAS signatures and client secrets in URLs,
 * JWTs anywhere, and any known secret (the kubeconfig's own token).
 */
import { singleLine, truncate } from './format';

const MARKER = '<redacted>';

/**
 * A credential field's name. A client secret's has no `\b` before it: in
 * `AAD_SERVICE_PRINCIPAL_CLIENT_SECRET` an underscore, a word character, precedes it.
 */
const FIELD = String.raw`(?:\b(?:token|access_token|id_token|refresh_token|password|client-key-data|clientKeyData)|client[-_]?secret)`;

/** Each pattern with its replacement, given the marker (no `$` in it); `$1` keeps the field's name. */
const PATTERNS: readonly [RegExp, (marker: string) => string][] = [
  // An HTTP credential is a b64token: eight characters or more, so "Basic Load Balancer" is prose.
  [/\b(Bearer|Basic)\s+[^\s"',]{8,}/gi, (m) => `$1 ${m}`],
  [/("(?:token|access_token|id_token|refresh_token|password|client-key-data|clientKeyData|client-certificate-data)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, (m) => `$1"${m}"`],
  // URL query parameters (a SAS's `sig=`, an OAuth `client_secret=`) end at the next `&`; before
  // the field patterns, whose unquoted value would run on through the rest of the query.
  [/\b(sig|client_secret)=[^&\s"'<>]+/gi, (m) => `$1=${m}`],
  // A quoted value, in YAML, an env file, a Python dict or JSON written inside a JSON string
  // (`{\"token\":\"…\"}`): up to the quote that opened it (`$2`, escaped or not).
  [new RegExp(String.raw`(${FIELD}(?:\\?["'])?\s*[:=]\s*)(\\?["'])(?!<redacted>|\2)(?:\\.|[^\r\n\\])*?\2`, 'gi'), (m) => `$1$2${m}$2`],
  [new RegExp(String.raw`(${FIELD}\s*[:=]\s*)(?!<redacted>|Bearer\b|Basic\b)[^\s"',}]+`, 'gi'), (m) => `$1${m}`],
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
      out = out.split(secret).join(MARKER);
    }
  }
  // The patterns write (and step over) `<redacted>`; another marker replaces it at the end, so a
  // field already masked is never read as a value, whatever the marker.
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement(MARKER));
  }
  return marker === MARKER ? out : out.split(MARKER).join(marker);
}

/**
 * First line of the text, redacted, without control or bidi characters and cut to `max`
 * characters, for one-line messages. A lone CR ends the line too: an editor or output channel
 * breaks there, so what follows it could pass for a log entry of its own.
 */
export function oneLine(text: string, max = 300, secrets: readonly string[] = []): string {
  const line = redact(text, secrets).trim().split(/\r\n?|\n/, 1)[0] ?? '';
  return truncate(singleLine(line), max);
}
