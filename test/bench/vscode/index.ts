/**
 * Loaded by the real extension host (code-server) as the extension-tests entry: activates a
 * trivial extension and ours side by side, checks what was loaded, shows the Nodes view, and
 * writes the figures as JSON to the file named by AKS_REPAIR_BENCH_OUT. No mocha: nothing is
 * asserted here, bench.mjs judges the figures.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';

const OURS = 'aks-node-repair.aks-node-repair';
export const TRIVIAL = 'aks-node-repair-bench.trivial';
export const FLOOR = 'aks-node-repair-bench.floor';

interface OurApi {
  activationMs: number;
  isClusterClientLoaded(): boolean;
}

export interface HostFigures {
  vscodeVersion: string;
  order: string[];
  oursActiveBefore: boolean;
  trivialActiveBefore: boolean;
  /** activate() body of the baseline extension (one log channel, one command). */
  trivialActivationMs: number;
  /** activate() body of the registration floor (our registrations with empty handlers), when installed. */
  floorActivationMs?: number;
  /** Wall time of `await extension.activate()` (require, context, activate); ~0 when the host had already activated it. */
  oursActivateWallMs: number;
  trivialActivateWallMs: number;
  /** Measured inside activate() by the extension itself. */
  oursActivationMs: number;
  clusterClientLoadedAfterActivation: boolean;
  /** Our dist/ files in the host's module cache right after activation. */
  loadedAfterActivation: string[];
  clusterClientLoadedAfterTree?: boolean;
  msToClientAfterTree?: number;
  loadedAfterTree: string[];
  treeError?: string;
}

function ourLoadedFiles(root: string): string[] {
  return Object.keys(require.cache).filter((k) => k.startsWith(`${root}/dist/`)).map((k) => k.slice(root.length + 1)).sort();
}

async function timeActivate(ext: vscode.Extension<unknown>): Promise<number> {
  const t0 = performance.now();
  await ext.activate();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  // The shim (test/harness/vscodeShim.ts) forwards the host's console from this marker on.
  console.log('[aks-node-repair] extension-host tests start (activation benchmark)');
  const out = process.env.AKS_REPAIR_BENCH_OUT;
  const order = (process.env.AKS_REPAIR_BENCH_ORDER ?? 'trivial,ours').split(',');
  const ours = vscode.extensions.getExtension<OurApi>(OURS);
  const trivial = vscode.extensions.getExtension(TRIVIAL);
  const floor = vscode.extensions.getExtension(FLOOR);
  if (!ours || !trivial || !out) {
    throw new Error(`missing: ${!ours ? OURS : ''} ${!trivial ? TRIVIAL : ''} ${!out ? 'AKS_REPAIR_BENCH_OUT' : ''}`);
  }
  const root = ours.extensionUri.fsPath;
  const oursActiveBefore = ours.isActive;
  const trivialActiveBefore = trivial.isActive;
  const wall: Record<string, number> = {};
  for (const which of order) {
    const ext = which === 'ours' ? ours : which === 'floor' ? floor : trivial;
    if (ext) {
      wall[which] = await timeActivate(ext);
    }
  }
  const api = ours.exports;
  const figures: HostFigures = {
    vscodeVersion: vscode.version,
    order,
    oursActiveBefore,
    trivialActiveBefore,
    trivialActivationMs: (trivial.exports as { activationMs: number }).activationMs,
    floorActivationMs: (floor?.exports as { activationMs: number } | undefined)?.activationMs,
    oursActivateWallMs: wall.ours,
    trivialActivateWallMs: wall.trivial,
    oursActivationMs: api.activationMs,
    clusterClientLoadedAfterActivation: api.isClusterClientLoaded(),
    loadedAfterActivation: ourLoadedFiles(root),
    loadedAfterTree: [],
  };

  // Showing the Nodes view is what should load the cluster client, and nothing before it.
  try {
    const t0 = performance.now();
    await vscode.commands.executeCommand('aksNodeRepair.nodes.focus');
    while (!api.isClusterClientLoaded() && performance.now() - t0 < 10_000) {
      await new Promise((r) => setTimeout(r, 20));
    }
    figures.clusterClientLoadedAfterTree = api.isClusterClientLoaded();
    figures.msToClientAfterTree = figures.clusterClientLoadedAfterTree ? performance.now() - t0 : undefined;
  } catch (err) {
    figures.treeError = err instanceof Error ? err.message : String(err);
  }
  figures.loadedAfterTree = ourLoadedFiles(root);
  fs.writeFileSync(out, JSON.stringify(figures, null, 2));
}
