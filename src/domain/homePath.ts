/** `~` in paths users write in settings (kubeconfig, catalog folders). No `vscode` import. */

/**
 * Replaces a leading `~` (alone, or followed by `/` or `\`) with the home folder; `~user` and
 * a `~` anywhere else are left as written.
 */
export function expandHome(p: string, home = process.env.HOME ?? process.env.USERPROFILE ?? ''): string {
  return p.replace(/^~(?=$|[\\/])/, () => home);
}
