/**
 * Quoting for a POSIX shell. Names that reach a copied command (node names, resource groups,
 * scale sets) come from the cluster or from Azure: untrusted text, quoted before the clipboard.
 */

/** `name` as is when it holds only safe characters, else in single quotes (`'` written as `'\''`). */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9._\-/:=]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
