/**
 * Runs the simulated AKS cluster until SIGINT/SIGTERM:
 *   node out/test/standin/runSimulatedCluster.js [--port N] [--kubeconfig PATH] [--live] [--verbose]
 * Then e.g. `kubectl --kubeconfig PATH get nodes`, or point the extension's kubeconfig setting at PATH.
 */
import { startSimulatedCluster } from './simulatedCluster';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: runSimulatedCluster [--port N] [--kubeconfig PATH] [--live] [--verbose]\n');
    return;
  }
  const port = argValue(args, '--port');
  const cluster = await startSimulatedCluster({
    port: port !== undefined ? Number(port) : undefined,
    kubeconfigPath: argValue(args, '--kubeconfig'),
    live: args.includes('--live'),
    log: args.includes('--verbose') ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  // The live script's timers are unref'd; this keeps the process up until a signal arrives.
  const keepAlive = setInterval(() => undefined, 60_000);
  const shutdown = (): void => {
    clearInterval(keepAlive);
    cluster.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Printed last: a parent that waits for these lines may signal us right away.
  process.stdout.write(`kubeconfig: ${cluster.kubeconfigPath}\nurl: ${cluster.server.url}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
