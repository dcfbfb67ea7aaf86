/**
 * The simulated Azure for the vscode tier. The extension host trusts a CA only through
 * NODE_EXTRA_CA_CERTS, read when the process starts, so the ARM stand-in runs in the process that
 * launches VS Code (test/vscode/runTest.ts) and the tests inside the extension host steer it over
 * a small loopback control endpoint: inject a fault, clear faults, count the requests.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ArmFault, ArmStandIn } from '../standin/azure/armServer';
import type { ArmOperationRecord } from '../standin/azure/armOperations';
import { startArmStandIn } from '../standin/azure/armServer';
import { SIMULATED_AZURE, simulatedAzureScenario, type OperationScript } from '../standin/azure/scenario';
import { insightsRoutes } from '../standin/azure/insightsRoutes';
import { simulatedInsightsWorld } from '../standin/azure/insightsScenario';
import { startLogAnalyticsStandIn, type LogAnalyticsFault, type LogAnalyticsRequest, type LogAnalyticsStandIn } from '../standin/azure/logAnalyticsServer';
import { writeFakeAzureCli } from './fakeAzureCli';
import { registeredSecrets, type RegisteredSecret } from './secrets';

/** Environment variables the extension host gets (and the tests read). */
export const ARM_ENV = {
  url: 'AKS_REPAIR_ARM_URL',
  control: 'AKS_REPAIR_ARM_CONTROL',
  /** The Log Analytics stand-in (Container Insights), beside the ARM one. */
  logAnalytics: 'AKS_REPAIR_LA_URL',
} as const;

/** A fault as JSON: the path's RegExp as its source and flags. */
type WireFault = Omit<ArmFault, 'path'> & { path: { source: string; flags: string } };

export interface ControlledArmStandIn {
  readonly standin: ArmStandIn;
  /** Container Insights' `KubeEvents`, for the workspace the simulated cluster's monitoring add-on names. */
  readonly logAnalytics: LogAnalyticsStandIn;
  /** For the VS Code process: the stand-in's address, its CA, and a PATH with the simulated `az` first (kept, see VSCODE_CLI). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the ARM stand-in on the simulated scenario, the simulated `az`, and the control endpoint. */
export async function startControlledArmStandIn(): Promise<ControlledArmStandIn> {
  const world = simulatedInsightsWorld(new Date());
  const standin = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()), extraRoutes: insightsRoutes(world) });
  // The simulated `az` hands out the ARM stand-in's token for every resource: Log Analytics accepts it too.
  const logAnalytics = await startLogAnalyticsStandIn({ workspaces: world.workspaces, token: standin.token });
  const bin = writeFakeAzureCli(fs.mkdtempSync(path.join(os.tmpdir(), 'aks-repair-az-')), {
    token: standin.token, subscription: SIMULATED_AZURE.subscriptionId, tenant: SIMULATED_AZURE.tenantId,
  });
  const control = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        if (req.method === 'POST' && req.url === '/faults') {
          const wire = JSON.parse(Buffer.concat(chunks).toString('utf8')) as WireFault;
          standin.inject({ ...wire, path: new RegExp(wire.path.source, wire.path.flags) } as ArmFault);
        } else if (req.method === 'DELETE' && req.url === '/faults') {
          standin.clearFaults();
        } else if (req.method === 'POST' && req.url === '/la/faults') {
          logAnalytics.inject(JSON.parse(Buffer.concat(chunks).toString('utf8')) as LogAnalyticsFault);
        } else if (req.method === 'DELETE' && req.url === '/la/faults') {
          logAnalytics.clearFaults();
          logAnalytics.workspaces.forEach((w) => delete w.errorsOnly);
        } else if (req.method === 'POST' && req.url === '/la/errors-only') {
          const on = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { on: boolean }).on;
          logAnalytics.workspaces.forEach((w) => { w.errorsOnly = on; });
        } else if (req.method === 'GET' && req.url === '/la/requests') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(logAnalytics.requests.map(({ method, path: p, workspace, query, timespan, at }) => ({ method, path: p, workspace, query, timespan, at }))));
          return;
        } else if (req.method === 'GET' && req.url === '/secrets') {
          // For the vscode tier's secret scan: this process's tokens and keys (loopback only, test runs only).
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(registeredSecrets()));
          return;
        } else if (req.method === 'GET' && req.url === '/requests') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(standin.requests.map(({ method, path: p, query, body, at }) => ({ method, path: p, query, body, at }))));
          return;
        } else if (req.method === 'PUT' && req.url === '/operations') {
          standin.scenario.operations = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OperationScript[];
        } else if (req.method === 'GET' && req.url === '/operations') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(standin.operations));
          return;
        } else if (req.method === 'DELETE' && req.url === '/operations') {
          standin.clearOperations();
        } else if (req.method === 'POST' && req.url === '/scenario/reset') {
          // Operations change the scenario (statuses, deleted machines): tests start from a fresh one.
          standin.scenario = simulatedAzureScenario(new Date());
          standin.clearOperations();
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(204).end();
      } catch (err) {
        res.writeHead(400).end(String(err));
      }
    });
  });
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  const port = (control.address() as AddressInfo).port;
  return {
    standin,
    logAnalytics,
    env: {
      NODE_EXTRA_CA_CERTS: standin.caFile,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      // Keeps that PATH: VS Code's server otherwise replaces its environment with a login shell's
      // (whose profile resets PATH), as desktop VS Code does unless started from a shell.
      VSCODE_CLI: '1',
      [ARM_ENV.url]: standin.url,
      [ARM_ENV.control]: `http://127.0.0.1:${port}`,
      [ARM_ENV.logAnalytics]: logAnalytics.url,
    },
    stop: async () => {
      await new Promise<void>((resolve) => control.close(() => resolve()));
      await standin.stop();
      await logAnalytics.stop();
      fs.rmSync(bin, { recursive: true, force: true });
    },
  };
}

/** The tests' side: steers the stand-in started by runTest.ts. */
export class ArmControl {
  constructor(readonly url: string, private readonly control: string) {}

  /** From the extension host's environment; undefined when runTest.ts started no stand-in. */
  static fromEnv(): ArmControl | undefined {
    const url = process.env[ARM_ENV.url];
    const control = process.env[ARM_ENV.control];
    return url && control ? new ArmControl(url, control) : undefined;
  }

  async inject(fault: ArmFault): Promise<void> {
    const wire: WireFault = { ...fault, path: { source: fault.path.source, flags: fault.path.flags } };
    await this.call('POST', '/faults', JSON.stringify(wire));
  }

  async clearFaults(): Promise<void> {
    await this.call('DELETE', '/faults');
  }

  /** The Log Analytics stand-in's address (the `logAnalyticsEndpoint` setting); undefined when none runs. */
  get logAnalyticsUrl(): string | undefined {
    return process.env[ARM_ENV.logAnalytics];
  }

  async injectLogAnalytics(fault: LogAnalyticsFault): Promise<void> {
    await this.call('POST', '/la/faults', JSON.stringify(fault));
  }

  /** Clears the Log Analytics faults and collects Normal events again. */
  async clearLogAnalyticsFaults(): Promise<void> {
    await this.call('DELETE', '/la/faults');
  }

  /** As with `collect_all_kube_events` off (`true`): only Warning rows come back. */
  async setErrorsOnly(on: boolean): Promise<void> {
    await this.call('POST', '/la/errors-only', JSON.stringify({ on }));
  }

  async logAnalyticsRequests(): Promise<Omit<LogAnalyticsRequest, 'auth' | 'prefer'>[]> {
    return JSON.parse(await this.call('GET', '/la/requests')) as Omit<LogAnalyticsRequest, 'auth' | 'prefer'>[];
  }

  async requests(): Promise<{ method: string; path: string; query: string; body?: string; at: number }[]> {
    return JSON.parse(await this.call('GET', '/requests')) as { method: string; path: string; query: string; body?: string; at: number }[];
  }

  /** The secrets registered in the process that runs the stand-in (its token, the TLS key, the simulated `az`'s token). */
  async secrets(): Promise<RegisteredSecret[]> {
    return JSON.parse(await this.call('GET', '/secrets')) as RegisteredSecret[];
  }

  /** Scripts the node actions' long-running operations (outcome, polls InProgress); see OperationScript. */
  async setOperations(scripts: OperationScript[]): Promise<void> {
    await this.call('PUT', '/operations', JSON.stringify(scripts));
  }

  /** The operations the stand-in accepted, in order. */
  async operations(): Promise<ArmOperationRecord[]> {
    return JSON.parse(await this.call('GET', '/operations')) as ArmOperationRecord[];
  }

  async clearOperations(): Promise<void> {
    await this.call('DELETE', '/operations');
  }

  /** A fresh simulated scenario (operations change statuses and delete machines), with no operations. */
  async resetScenario(): Promise<void> {
    await this.call('POST', '/scenario/reset');
  }

  private async call(method: string, p: string, body?: string): Promise<string> {
    const res = await fetch(`${this.control}${p}`, { method, body, headers: body ? { 'content-type': 'application/json' } : undefined });
    if (!res.ok) {
      throw new Error(`ARM stand-in control ${method} ${p}: ${res.status} ${await res.text()}`);
    }
    return res.text();
  }
}
