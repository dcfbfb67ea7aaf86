/**
 * Commands the messages tell people to run. They go into the localized text as arguments, so a
 * translation cannot change what people copy into a terminal.
 */
export const CliCommands = {
  azLogin: 'az login',
  getCredentials: 'az aks get-credentials --resource-group <group> --name <cluster>',
  installCli: 'az aks install-cli',
  showCluster: 'az aks show',
  kubeloginConvert: 'kubelogin convert-kubeconfig -l azurecli',
  useContext: 'kubectl config use-context <name>',
} as const;
