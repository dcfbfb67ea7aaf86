/**
 * Removes credentials from text bound for the log or the view: bearer tokens, token and password
 * fields in JSON or YAML, key data, and any known secret (the kubeconfig's own token).
 */

const PATTERNS: readonly [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[^\s"',]+/gi, '$1 <redacted>'],
  [/("(?:token|access_token|id_token|refresh_token|password|client-key-data|clientKeyData|client-certificate-data)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"<redacted>"'],
  [/(\b(?:token|access_token|id_token|refresh_token|password|client-key-data|clientKeyData)\s*[:=]\s*)(?!<redacted>|Bearer\b|Basic\b)[^\s"',}]+/gi, '$1<redacted>'],
  // A JWT anywhere (AAD tokens are JWTs).
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '<redacted>'],
];

/** The text with credentials replaced by `<redacted>`; `secrets` are exact strings to remove too. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join('<redacted>');
    }
  }
  for (const [pattern, replacement] of PATTERNS) {
    out = out.replace(pattern, replacement);
  }
  return out;
}

/** First line of the text, redacted and cut to `max` characters, for one-line messages. */
export function oneLine(text: string, max = 300, secrets: readonly string[] = []): string {
  const line = redact(text, secrets).trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
