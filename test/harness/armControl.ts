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
import { startArmStandIn } from '../standin/azure/armServer';
import { SIMULATED_AZURE, simulatedAzureScenario } from '../standin/azure/scenario';
import { writeFakeAzureCli } from './fakeAzureCli';

/** Environment variables the extension host gets (and the tests read). */
export const ARM_ENV = {
  url: 'AKS_REPAIR_ARM_URL',
  control: 'AKS_REPAIR_ARM_CONTROL',
} as const;

/** A fault as JSON: the path's RegExp as its source and flags. */
type WireFault = Omit<ArmFault, 'path'> & { path: { source: string; flags: string } };

export interface ControlledArmStandIn {
  readonly standin: ArmStandIn;
  /** For the VS Code process: the stand-in's address, its CA, and a PATH with the simulated `az` first (kept, see VSCODE_CLI). */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts the ARM stand-in on the simulated scenario, the simulated `az`, and the control endpoint. */
export async function startControlledArmStandIn(): Promise<ControlledArmStandIn> {
  const standin = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()) });
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
        } else if (req.method === 'GET' && req.url === '/requests') {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(standin.requests.map(({ method, path: p, query, at }) => ({ method, path: p, query, at }))));
          return;
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
    env: {
      NODE_EXTRA_CA_CERTS: standin.caFile,
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      // Keeps that PATH: VS Code's server otherwise replaces its environment with a login shell's
      // (whose profile resets PATH), as desktop VS Code does unless started from a shell.
      VSCODE_CLI: '1',
      [ARM_ENV.url]: standin.url,
      [ARM_ENV.control]: `http://127.0.0.1:${port}`,
    },
    stop: async () => {
      await new Promise<void>((resolve) => control.close(() => resolve()));
      await standin.stop();
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

  async requests(): Promise<{ method: string; path: string; query: string; at: number }[]> {
    return JSON.parse(await this.call('GET', '/requests')) as { method: string; path: string; query: string; at: number }[];
  }

  private async call(method: string, p: string, body?: string): Promise<string> {
    const res = await fetch(`${this.control}${p}`, { method, body, headers: body ? { 'content-type': 'application/json' } : undefined });
    if (!res.ok) {
      throw new Error(`ARM stand-in control ${method} ${p}: ${res.status} ${await res.text()}`);
    }
    return res.text();
  }
}
