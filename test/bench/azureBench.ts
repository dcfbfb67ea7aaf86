/**
 * Diagnosis benchmark: time from "Diagnose Node in Azure" to a complete diagnosis, with the real
 * @azure/* clients against the ARM stand-in over HTTPS, where every answer takes a fixed latency
 * (as a real Resource Manager does, 50-300 ms a call). Baselines measured in the same run: the same
 * requests made one after another, and the slowest single request alone (the floor for calls made
 * in parallel). Runs on the VS Code runtime's Node 24 (the @azure packages need Node >= 22).
 */
import * as https from 'node:https';
import { performance } from 'node:perf_hooks';
import { createDefaultHttpClient, type HttpClient } from '@azure/core-rest-pipeline';
import type { AccessToken } from '@azure/core-auth';
import { createAzureBackend } from '../../src/azure/azureBackend';
import { startArmStandIn } from '../standin/azure/armServer';
import { simulatedAzureScenario } from '../standin/azure/scenario';
import { NODE_RESOURCE_GROUP, SUBSCRIPTION_ID } from '../standin/fixtures';
import { SIMULATED_NODES } from '../standin/simulatedCluster';
import { benchScale, emit, log, type BenchRow } from './common';

const LATENCY_MS = 150;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const runs = Math.max(3, Math.round(7 * benchScale()));
  const arm = await startArmStandIn({ scenario: simulatedAzureScenario(new Date()) });
  const agent = new https.Agent({ ca: arm.caPem, keepAlive: true });
  const inner = createDefaultHttpClient();
  const httpClient: HttpClient = { sendRequest: (request) => { request.agent = agent; return inner.sendRequest(request); } };
  const credential = { getToken: async (): Promise<AccessToken> => ({ token: arm.token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  arm.inject({ path: /./, kind: 'delay', delayMs: LATENCY_MS });

  const node = SIMULATED_NODES.userNotReady[0];
  const m = /^(aks-[a-z0-9]+-\d+)-vmss(\d{6})$/.exec(node)!;
  const providerId = `azure:///subscriptions/${SUBSCRIPTION_ID}/resourceGroups/${NODE_RESOURCE_GROUP.toLowerCase()}/providers/Microsoft.Compute/virtualMachineScaleSets/${m[1]}-vmss/virtualMachines/${Number(m[2])}`;
  const settings = { resourceManagerEndpoint: arm.url, requestTimeoutMs: 10_000, maxRetries: 0 };

  const diagnoseOnce = async (): Promise<{ ms: number; requests: { path: string; query: string }[] }> => {
    arm.requests.length = 0;
    const backend = createAzureBackend({ httpClient });
    const now = Date.now();
    const started = performance.now();
    const d = await backend.diagnose({ node, providerId, pool: 'userpool', notReadySince: now - 40 * 60_000, errors: [], now },
      credential, settings, () => undefined, new AbortController().signal);
    const ms = performance.now() - started;
    for (const s of [d.instance, d.extensions, d.health, d.activity, d.cluster]) {
      if (s.state !== 'ok') {
        throw new Error(`a section did not complete: ${JSON.stringify(s)}`);
      }
    }
    return { ms, requests: arm.requests.map((r) => ({ path: r.path, query: r.query })) };
  };

  const call = async (r: { path: string; query: string }): Promise<number> => {
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      https.get(`${arm.url}${r.path}?${r.query}`, { agent, headers: { authorization: `Bearer ${arm.token}` } }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${r.path}: ${res.statusCode}`))));
      }).on('error', reject);
    });
    return performance.now() - started;
  };

  await diagnoseOnce(); // warm-up: loads the clients, opens connections
  const diag: number[] = [];
  const serial: number[] = [];
  const slowest: number[] = [];
  let requests: { path: string; query: string }[] = [];
  for (let i = 0; i < runs; i++) {
    const once = await diagnoseOnce();
    diag.push(once.ms);
    requests = once.requests;
    let total = 0;
    let max = 0;
    for (const r of requests) {
      const ms = await call(r);
      total += ms;
      max = Math.max(max, ms);
    }
    serial.push(total);
    slowest.push(max);
  }
  await arm.stop();
  agent.destroy();

  const d = median(diag);
  const s = median(serial);
  const floor = median(slowest);
  const vsFloor = d / floor;
  log(`diagnosis ${d.toFixed(0)} ms, serial ${s.toFixed(0)} ms, slowest call ${floor.toFixed(0)} ms (${requests.length} requests)`);
  const rows: BenchRow[] = [
    {
      id: 'azure.parallel', area: 'Diagnosis', metric: `Action → complete diagnosis (${requests.length} ARM requests, ${LATENCY_MS} ms each), median of ${runs}`,
      value: `${d.toFixed(0)} ms`, baseline: `${s.toFixed(0)} ms, the same requests one after another`, ratio: `${(d / s).toFixed(2)}× serial`,
    },
    {
      id: 'azure.floor', area: 'Diagnosis', metric: 'Complete diagnosis against the slowest single request',
      value: `${d.toFixed(0)} ms`, baseline: `${floor.toFixed(0)} ms, the slowest request alone`, ratio: `${vsFloor.toFixed(2)}× the slowest call`,
      target: '≤ 1.5× the slowest call', met: vsFloor <= 1.5,
      gap: vsFloor <= 1.5 ? undefined : `${vsFloor.toFixed(2)}×: calls that depend on an earlier answer (the pool after the cluster list when the node resource group's name does not name the cluster, paged lists) run in sequence`,
    },
  ];
  emit({
    section: 'azure',
    rows,
    notes: [
      `The backend (src/azure, the real @azure/* clients) diagnoses ${node} against the ARM stand-in over HTTPS on loopback; every answer is delayed ${LATENCY_MS} ms by the stand-in. Each run builds a new backend (fresh clients); one warm-up run first.`,
      `The serial baseline replays, one after another, exactly the requests the diagnosis made in that run (${requests.map((r) => r.path.split('/').slice(-2).join('/')).join(', ')}), with the same HTTPS agent and token; the floor is the slowest of them alone.`,
      'The pool (agentPools.get) is read on the cluster the node resource group\'s default name MC_<rg>_<cluster>_<region> names, in parallel with the subscription\'s cluster list, and kept only when the list finds that cluster (src/azure/clusterReader.ts); before that it waited for the list, two answers in a row (2.11× the slowest call at 150 ms an answer).',
      `Runs on ${process.version}.`,
    ],
    raw: { diag, serial, slowest, requests: requests.length },
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
