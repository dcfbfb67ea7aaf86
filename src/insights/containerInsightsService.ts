/**
 * Reads the watched cluster's Container Insights (`KubeEvents` in Log Analytics) in the
 * background: once when a cluster connects, again on Refresh, after the machine slept longer than
 * the cluster keeps events (over at least the gap: the session's note then says how many events
 * Container Insights has from the part that expired; a read that failed, the network not back
 * yet, is made again when the cluster next connects), and when a view asks (the history panel,
 * the support report). Only with a credential that needs no prompt (the Azure CLI's, or
 * VS Code's account already signed in); the rows and a one-line status go to the sink (the repair
 * history), which merges them into the timelines.
 */
import * as vscode from 'vscode';
import type { ContainerInsightsResult, InsightsCluster } from '../azure/containerInsights';
import type { InsightsResult } from '../azure/azureTypes';
import { insightsStatusOf } from '../azure/insightsStatus';
import { clientNotLoaded } from '../diagnosis/azureSignIn';
import { clusterKeyOf } from '../domain/clusterKey';
import { clampDays } from '../domain/containerInsightsQuery';
import { carryOverInsights, type InsightsStatus, type RecordedEvent } from '../domain/history';
import { countInside, expiredPart, type SleepGap } from '../domain/resumeNote';
import { parseProviderId } from '../domain/providerId';
import { oneLine } from '../domain/redact';
import { SETTINGS_SECTION, Settings } from '../ids';
import type { ExternalEventSink } from '../repairHistory/historyApi';
import type { AzureSession } from '../session/azureSession';
import type { ClusterSession } from '../session/clusterSession';
import { insightsCredential, vscodeSignedIn } from './insightsCredential';

/** Reconnects closer together than this (a flapping network) do not read again; Refresh always does. */
const MIN_AUTOMATIC_INTERVAL_MS = 5 * 60_000;

/** The last read for one cluster: what went to the sink, and what the read learned on the way. */
export interface InsightsRead {
  readonly cluster: string;
  readonly events: readonly RecordedEvent[];
  readonly status: InsightsStatus;
  readonly days: number;
  /** The managed cluster as Azure named it (for the copied query's filter). */
  readonly azureCluster?: InsightsCluster;
  readonly workspace?: InsightsResult['workspace'];
  /** Epoch ms of the read the rows come from: an earlier one when this read failed and its rows were kept. */
  readonly rowsReadAt: number;
}

export type ReadTrigger = 'connect' | 'refresh' | 'request' | 'wake';

const DAY_MS = 24 * 60 * 60_000;

export class ContainerInsightsService implements vscode.Disposable {
  private readonly reads = new Map<string, InsightsRead>();
  private readonly readAt = new Map<string, number>();
  private running?: { cluster: string; controller: AbortController; done: Promise<InsightsRead | undefined> };
  private connectedSince?: string;
  /** A sleep whose read failed (the network not back yet, as a rule): read at the next connected state. */
  private pendingGap?: SleepGap;
  private readonly changed = new vscode.EventEmitter<InsightsRead>();
  /** A read finished and its rows went to the sink. */
  readonly onDidRead = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  constructor(
    private readonly session: ClusterSession,
    private readonly azure: AzureSession,
    private readonly sink: ExternalEventSink,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(session.onDidChangeState((state) => {
      const cluster = clusterKeyOf(session.identity);
      if (state.kind !== 'connected' || !cluster) {
        return;
      }
      const connection = `${cluster}\n${state.since}`;
      if (connection === this.connectedSince) {
        return;
      }
      this.connectedSince = connection;
      const gap = this.pendingGap;
      if (gap) {
        // The gap's read covers the connect's, and is not held back by the connect's interval.
        this.pendingGap = undefined;
        void this.readGap(gap);
        return;
      }
      const last = this.readAt.get(cluster);
      if (last === undefined || Date.now() - last >= MIN_AUTOMATIC_INTERVAL_MS) {
        void this.read('connect');
      }
    }), session.onDidWake((gap) => void this.readGap(gap)));
  }

  /** After a sleep whose events partly expired in the cluster: what Container Insights has from then, for the history and the note. */
  private async readGap(gap: SleepGap): Promise<void> {
    const expired = expiredPart(gap);
    if (!expired) {
      return;
    }
    const read = await this.read('wake', Math.ceil((Date.now() - gap.asleepFrom) / DAY_MS));
    if (read && read.status.kind !== 'problem') {
      this.session.noteGapInsights(gap, countInside(read.events, expired));
    } else if (read) {
      // Right after a wake the network is often not back: tried again once the cluster connects.
      this.pendingGap = gap;
    }
  }

  /** The last read for the watched cluster (or `cluster`), when there was one. */
  current(cluster = clusterKeyOf(this.session.identity)): InsightsRead | undefined {
    return this.reads.get(cluster);
  }

  /** Refresh: read again now (a read already running for this cluster is replaced). */
  refresh(): void {
    void this.read('refresh');
  }

  /**
   * Reads the watched cluster's Container Insights now, hands the rows to the sink and resolves
   * with the read; undefined when there is nothing to read (no cluster, not AKS, no credential
   * at hand). Never rejects.
   */
  async read(trigger: ReadTrigger = 'request', minDays = 0): Promise<InsightsRead | undefined> {
    const cluster = clusterKeyOf(this.session.identity);
    if (!cluster) {
      return undefined;
    }
    // Refresh and a wake replace a read already running (a wake's may need more days than it asked).
    if (this.running?.cluster === cluster && trigger !== 'refresh' && trigger !== 'wake') {
      return this.running.done;
    }
    this.running?.controller.abort();
    const controller = new AbortController();
    const done = this.readOnce(cluster, trigger, minDays, controller.signal).catch((err: unknown) => {
      this.log.error(`Container Insights: the read failed: ${oneLine(err instanceof Error ? err.message : String(err))}`);
      return undefined;
    });
    const running = { cluster, controller, done };
    this.running = running;
    try {
      return await done;
    } finally {
      if (this.running === running) {
        this.running = undefined;
      }
    }
  }

  private async readOnce(cluster: string, trigger: ReadTrigger, minDays: number, signal: AbortSignal): Promise<InsightsRead | undefined> {
    const providerId = this.session.model.nodes().map((n) => n.providerID).find((p) => p !== undefined && parseProviderId(p).ok);
    if (!providerId) {
      this.log.info('Container Insights: no node has an Azure providerID; not an AKS cluster, nothing to read.');
      return undefined;
    }
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const days = clampDays(Math.max(config.get<number>(Settings.containerInsightsDays, 7), minDays));
    const workspace = config.get<string>(Settings.containerInsightsWorkspaceId, '').trim();
    const settings = this.azure.settings();
    const mode = config.get<string>(Settings.azureCredential) === 'azureCli' ? 'azureCli' : 'vscode';
    // Never a prompt at connect: VS Code's account only when it is signed in already.
    if (mode === 'vscode' && !(await vscodeSignedIn(settings.resourceManagerEndpoint))) {
      this.log.info('Container Insights: not signed in to Azure in VS Code; not read (sign in, or use the Azure CLI\'s account).');
      return undefined;
    }
    this.readAt.set(cluster, Date.now());
    const now = Date.now();
    let result: ContainerInsightsResult;
    const choice = this.azure.credential();
    if ('problem' in choice) {
      result = { events: [], problem: choice.problem };
    } else {
      let backend;
      try {
        backend = this.azure.backend();
      } catch (err) {
        this.log.error(`Could not load the Azure client: ${String(err)}`);
        backend = undefined;
      }
      result = backend
        ? await backend.readContainerInsights(
          { providerId, workspace, days, now, clusterName: this.session.identity?.cluster },
          insightsCredential(choice, { resourceManagerEndpoint: settings.resourceManagerEndpoint, logAnalyticsEndpoint: settings.logAnalyticsEndpoint ?? 'https://api.loganalytics.io' }),
          settings,
          signal,
        )
        : { events: [], problem: clientNotLoaded() };
    }
    if (signal.aborted || clusterKeyOf(this.session.identity) !== cluster) {
      return undefined;
    }
    // A failed read (throttled, offline, a timeout) keeps the rows shown; only the status says so.
    const previous = this.reads.get(cluster);
    const held = carryOverInsights(previous, result.events, insightsStatusOf(result, now, days));
    const status = held.status;
    const kept = held.events !== result.events;
    const read: InsightsRead = {
      cluster, events: held.events, status, days, rowsReadAt: held.rowsReadAt,
      azureCluster: result.cluster ?? (kept ? previous?.azureCluster : undefined),
      workspace: result.workspace ?? (kept ? previous?.workspace : undefined),
    };
    this.log.info(`Container Insights (${trigger}): ${status.kind}, ${kept ? `kept the ${held.events.length} rows read before` : `${status.rows} rows`}${result.workspace ? ` from workspace ${result.workspace.customerId} (${result.workspace.foundBy})` : ''}.`);
    this.reads.set(cluster, read);
    try {
      this.sink.setInsights(cluster, held.events, status);
    } catch (err) {
      this.log.error(`Container Insights: the history did not take the rows: ${oneLine(err instanceof Error ? err.message : String(err))}`);
    }
    this.changed.fire(read);
    return read;
  }

  dispose(): void {
    this.running?.controller.abort();
    vscode.Disposable.from(...this.subscriptions).dispose();
  }
}

/** The Refresh command, which also reads Container Insights again. */
export function withInsightsRefresh(refresh: { readonly id: string; execute(): void }, insights: ContainerInsightsService): { readonly id: string; execute(): void } {
  return {
    id: refresh.id,
    execute: () => {
      refresh.execute();
      insights.refresh();
    },
  };
}
