/**
 * The API server's URL as the user sees it. A kubeconfig may put credentials in it
 * (`https://user:password@host`), and it is the kubeconfig's text: never shown or logged whole.
 * No `vscode` import.
 */

/** `127.0.0.1:6443`, `aks-demo-dns-1a2b.hcp.westeurope.azmk8s.io`: the API server's host as people name it. */
export function serverHost(server: string): string {
  try {
    return new URL(server).host || server;
  } catch {
    return server;
  }
}

/**
 * The URL without its user info (`user:password@`), the rest as written. The last `@` before the
 * path ends the user info, as URL parsers read it.
 */
export function serverWithoutCredentials(server: string): string {
  return server.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1');
}
