import * as vscode from 'vscode';
import type { ClusterChange } from '../domain/clusterModel';
import { singleLine, truncate } from '../domain/format';
import type { GuidanceTarget } from '../guidance/guidanceRenderer';
import { ClusterSession, type SessionState } from './clusterSession';

export interface NotifierActions {
  explain(target: GuidanceTarget): void;
  revealNode(name: string): Promise<void>;
  /** Several nodes: filter the view to nodes with repair activity and show the first. */
  showRepairActivity(names: readonly string[]): Promise<void>;
}

/** How a notification is shown: `vscode.window.showWarningMessage`, or a recorder in tests. */
export type ShowWarning = (message: string, ...actions: string[]) => Thenable<string | undefined>;

/** Several errors within this window become one notification. */
const BATCH_MS = 2000;

/**
 * Tells the user when a new auto-repair error arrives (not the ones already there when the
 * view connected). Setting `aksNodeRepair.notifyOnRepairError` turns it off.
 */
export class RepairNotifier {
  private readonly seen = new Set<string>();
  private baselineTaken = false;
  private pending = new Map<string, GuidanceTarget>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly session: ClusterSession,
    private readonly actions: NotifierActions,
    private readonly show: ShowWarning = (message, ...items) => vscode.window.showWarningMessage(message, ...items),
  ) {}

  onState(state: SessionState): void {
    if (state.kind === 'connecting') {
      // A new connection (or context): what is already on the cluster is not news.
      this.baselineTaken = false;
      this.seen.clear();
    }
    if (state.kind === 'connected' && !this.baselineTaken) {
      for (const node of this.session.model.nodeNamesWithEvents()) {
        this.scan(node, false);
      }
      this.baselineTaken = true;
    }
  }

  onModelChange(change: ClusterChange): void {
    if (!this.baselineTaken) {
      return;
    }
    for (const node of change.nodes) {
      this.scan(node, true);
    }
  }

  private scan(node: string, announce: boolean): void {
    for (const event of this.session.model.eventsFor(node)) {
      if (event.phase !== 'error') {
        continue;
      }
      const key = `${event.key}#${event.count}`;
      if (this.seen.has(key)) {
        continue;
      }
      this.seen.add(key);
      if (announce) {
        this.pending.set(node, {
          id: event.code ?? event.reason,
          context: { node, reason: event.reason, code: event.code, message: event.message, seenAt: event.lastSeen ?? event.firstSeen },
        });
      }
    }
    if (this.pending.size > 0 && !this.timer) {
      this.timer = setTimeout(() => this.flush(), BATCH_MS);
    }
  }

  private flush(): void {
    this.timer = undefined;
    const pending = [...this.pending.entries()];
    this.pending.clear();
    if (pending.length === 0 || !vscode.workspace.getConfiguration('aksNodeRepair').get<boolean>('notifyOnRepairError', true)) {
      return;
    }
    if (pending.length === 1) {
      const [node, target] = pending[0];
      const what = target.context?.code ? target.context.code : 'no error code';
      const action = target.context?.reason?.replace(/^Node(\w+)Error$/, '$1').toLowerCase() ?? 'repair';
      void this.show(`Auto-repair ${action} failed on ${truncate(singleLine(node), 80)}: ${truncate(singleLine(what), 80)}.`, 'Explain', 'Show Node')
        .then((pick) => {
          if (pick === 'Explain') {
            this.actions.explain(target);
          } else if (pick === 'Show Node') {
            void this.actions.revealNode(node);
          }
        });
      return;
    }
    const names = pending.map(([n]) => n);
    void this.show(`Auto-repair failed on ${names.length} nodes: ${truncate(names.join(', '), 160)}.`, 'Show Nodes')
      .then((pick) => {
        if (pick) {
          void this.actions.showRepairActivity(names);
        }
      });
  }

  dispose(): void {
    if (this.timer) {
      clearTimeout(this.timer);
    }
  }
}
