/**
 * The key everything kept per cluster is filed under (diagnoses, the repair history, Container
 * Insights rows, the history panels, node actions' busy map): the kubeconfig context and its API
 * server; '' before one connects.
 */
export function clusterKeyOf(identity: { readonly context: string; readonly server: string } | undefined): string {
  return identity ? `${identity.context}\n${identity.server}` : '';
}
