/**
 * The ARM and Log Analytics stand-ins for the soak, in a process of their own (their request logs
 * grow for the whole run and are not the soak's heap): the simulated Azure of the vscode tier
 * (as test/harness/armControl.ts starts it), with faults injected over IPC.
 *   ← { type: 'ready', armUrl, laUrl, caPem, token }
 *   → { type: 'fault', target: 'arm' | 'la', fault }   (the RegExp of an ARM fault as { source, flags })
 *   → { type: 'clear' }                                ← { type: 'cleared', armRequests, laRequests }
 */
import type { ArmFault } from '../standin/azure/armServer';
import { startArmStandIn } from '../standin/azure/armServer';
import { insightsRoutes } from '../standin/azure/insightsRoutes';
import { simulatedInsightsWorld } from '../standin/azure/insightsScenario';
import { startLogAnalyticsStandIn, type LogAnalyticsFault } from '../standin/azure/logAnalyticsServer';
import { simulatedAzureScenario } from '../standin/azure/scenario';

/** An ARM fault over IPC: its path RegExp as source and flags (distributed over the fault kinds). */
export type WireArmFault = ArmFault extends infer F ? F extends ArmFault ? Omit<F, 'path'> & { path: { source: string; flags: string } } : never : never;

export type ToAzure =
  | { type: 'fault'; target: 'arm'; fault: WireArmFault }
  | { type: 'fault'; target: 'la'; fault: LogAnalyticsFault }
  | { type: 'clear' };

export interface AzureReady {
  type: 'ready';
  armUrl: string;
  laUrl: string;
  caPem: string;
  token: string;
}

export interface AzureCleared {
  type: 'cleared';
  /** Requests (and those answered with an injected fault) since the start. */
  armRequests: number;
  laRequests: number;
}

async function main(): Promise<void> {
  const world = simulatedInsightsWorld(new Date());
  const arm = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()), extraRoutes: insightsRoutes(world) });
  // One token for both, as the simulated `az` hands out.
  const la = await startLogAnalyticsStandIn({ workspaces: world.workspaces, token: arm.token });
  process.send?.({ type: 'ready', armUrl: arm.url, laUrl: la.url, caPem: arm.caPem, token: arm.token } satisfies AzureReady);
  process.on('message', (m: ToAzure) => {
    if (m.type === 'fault' && m.target === 'arm') {
      arm.inject({ ...m.fault, path: new RegExp(m.fault.path.source, m.fault.path.flags) } as ArmFault);
    } else if (m.type === 'fault' && m.target === 'la') {
      la.inject(m.fault);
    } else if (m.type === 'clear') {
      arm.clearFaults();
      la.clearFaults();
      process.send?.({ type: 'cleared', armRequests: arm.requests.length, laRequests: la.requests.length } satisfies AzureCleared);
    }
  });
  process.on('disconnect', () => {
    void Promise.all([arm.stop(), la.stop()]).finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
