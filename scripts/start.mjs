// Runs the extension for real: a VS Code (code-server 1.139) served on 127.0.0.1 with the
// freshly built extension installed, connected to your cluster (--kubeconfig FILE or $KUBECONFIG)
// or, when none is given, to a simulated AKS cluster served by the API stand-in, with a simulated
// Azure Resource Manager behind it for "Diagnose Node in Azure".
// Usage: npm start [-- --kubeconfig FILE] [--port N] [--folder DIR] [--no-live]
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
process.chdir(root);

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    port: { type: 'string', default: '8765' },
    folder: { type: 'string' },
    'no-live': { type: 'boolean', default: false },
  },
});

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
run('bash', ['scripts/setup-vscode-runtime.sh']);
run(process.execPath, ['esbuild.mjs']);
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json']);

const { startCodeServer, freePort } = require(path.join(root, 'out/test/harness/codeServer.js'));
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-start-'));
// The sample workspace is copied outside this repository, so VS Code does not offer the repository's
// git folder, and nothing a visitor edits lands in the checkout.
const folder = values.folder ? path.resolve(values.folder) : path.join(stateDir, 'sample-workspace');
if (!values.folder) {
  fs.cpSync(path.join(root, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
}

let kubeconfig = values.kubeconfig ?? process.env.KUBECONFIG;
let cluster;
let arm;
let logAnalytics;
const env = {};
const settings = {};
if (!kubeconfig) {
  const { startSimulatedCluster } = require(path.join(root, 'out/test/standin/simulatedCluster.js'));
  cluster = await startSimulatedCluster({ kubeconfigPath: path.join(stateDir, 'kubeconfig'), live: !values['no-live'] });
  kubeconfig = cluster.kubeconfigPath;
  console.log(`Simulated AKS cluster: ${cluster.server.url} (kubeconfig ${kubeconfig})`);

  // The simulated Azure behind it, so "Diagnose Node in Azure" works with no Azure account: the ARM
  // stand-in (its CA trusted through NODE_EXTRA_CA_CERTS, read when the extension host starts) and
  // an `az` that hands out the stand-in's token (credential "azureCli").
  const { startArmStandIn } = require(path.join(root, 'out/test/standin/azure/armServer.js'));
  const { simulatedAzureScenario, SIMULATED_AZURE } = require(path.join(root, 'out/test/standin/azure/scenario.js'));
  const { writeFakeAzureCli } = require(path.join(root, 'out/test/harness/fakeAzureCli.js'));
  // With Container Insights: the workspace the cluster's monitoring add-on names, and its KubeEvents
  // (days of repairs before the cluster's one hour) on a Log Analytics stand-in with the same CA.
  const { insightsRoutes } = require(path.join(root, 'out/test/standin/azure/insightsRoutes.js'));
  const { simulatedInsightsWorld } = require(path.join(root, 'out/test/standin/azure/insightsScenario.js'));
  const { startLogAnalyticsStandIn } = require(path.join(root, 'out/test/standin/azure/logAnalyticsServer.js'));
  const insightsWorld = simulatedInsightsWorld(new Date());
  arm = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()), extraRoutes: insightsRoutes(insightsWorld) });
  logAnalytics = await startLogAnalyticsStandIn({ workspaces: insightsWorld.workspaces, token: arm.token });
  const azBin = writeFakeAzureCli(path.join(stateDir, 'simulated-az'), {
    token: arm.token, subscription: SIMULATED_AZURE.subscriptionId, tenant: SIMULATED_AZURE.tenantId,
  });
  Object.assign(env, {
    NODE_EXTRA_CA_CERTS: arm.caFile,
    PATH: `${azBin}${path.delimiter}${process.env.PATH ?? ''}`,
    // Keeps this PATH: VS Code's server would otherwise take a login shell's environment instead.
    VSCODE_CLI: '1',
  });
  Object.assign(settings, {
    'aksNodeRepair.azure.resourceManagerEndpoint': arm.url,
    'aksNodeRepair.azure.credential': 'azureCli',
    'aksNodeRepair.azure.logAnalyticsEndpoint': logAnalytics.url,
  });
  console.log(`Simulated Azure Resource Manager: ${arm.url} (subscription ${SIMULATED_AZURE.subscriptionId})`);
  console.log(`Simulated Log Analytics (Container Insights): ${logAnalytics.url}`);
} else {
  // The real HOME stays reachable for relative paths and exec plugins such as kubelogin.
  kubeconfig = kubeconfig.split(path.delimiter).map((p) => path.resolve(p.replace(/^~(?=$|\/)/, os.homedir()))).join(path.delimiter);
}

let port = Number(values.port);
if (!(await portIsFree(port))) {
  port = await freePort();
}
const server = await startCodeServer({
  folder,
  stateDir,
  port,
  env: { ...env, KUBECONFIG: kubeconfig },
  settings,
  installExtensionFolders: [root, path.join(root, 'scripts', 'start-layout')],
});
console.log(`\nAKS Node Auto-Repair is running in VS Code at ${server.url}/?folder=${encodeURIComponent(folder)}`);
console.log('Open that address in a browser; the "AKS Auto-Repair" icon is in the activity bar. Ctrl+C stops.');

async function portIsFree(p) {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await server.stop();
  await cluster?.stop();
  await arm?.stop();
  await logAnalytics?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
