/**
 * Runs the ARM stand-in with the simulated cluster's Azure side until SIGINT/SIGTERM:
 *   node out/test/standin/azure/runArmStandIn.js [--port N] [--token T] [--redeploy-failed] [--verbose]
 * Prints `url:`, `caFile:` (for NODE_EXTRA_CA_CERTS of the process that calls it) and `token:`
 * (the stand-in's own bearer token, not an Azure one).
 */
import { startArmStandIn } from './armServer';
import { simulatedAzureScenario } from './scenario';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write('usage: runArmStandIn [--port N] [--token T] [--redeploy-failed] [--verbose]\n');
    return;
  }
  const port = argValue(args, '--port');
  const standin = await startArmStandIn({
    scenario: simulatedAzureScenario(new Date(), { redeployFailed: args.includes('--redeploy-failed') }),
    port: port !== undefined ? Number(port) : undefined,
    token: argValue(args, '--token'),
    log: args.includes('--verbose') ? (line) => process.stderr.write(`${line}\n`) : undefined,
  });
  const keepAlive = setInterval(() => undefined, 60_000);
  const shutdown = (): void => {
    clearInterval(keepAlive);
    standin.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // Printed last: a parent that waits for these lines may signal us right away.
  process.stdout.write(`url: ${standin.url}\ncaFile: ${standin.caFile}\ntoken: ${standin.token}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
  process.exit(1);
});
