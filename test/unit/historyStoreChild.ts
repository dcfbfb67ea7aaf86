/**
 * A second process for test/unit/historyStore.test.ts: what another VS Code window does with the
 * same history file. Driven over IPC: open, record, state, close, and `spam` (record and flush
 * until killed, for the crash test).
 */
import { HistoryStore, type HistoryStoreOptions } from '../../src/history/historyStore';
import type { RepairEventRecord } from '../../src/domain/repairEvent';

export type ChildRequest =
  | { id: number; type: 'open'; options: Omit<HistoryStoreOptions, 'log' | 'now'> }
  | { id: number; type: 'record'; prefix: string; from: number; to: number; count: number; node?: string }
  | { id: number; type: 'flush' }
  | { id: number; type: 'state' }
  | { id: number; type: 'spam'; prefix: string }
  | { id: number; type: 'close' };

export interface ChildState {
  role: string;
  events: number;
  counts: Record<string, number>;
  skipped: number;
}

export function childEvent(prefix: string, i: number, count: number, node = 'aks-userpool-12345678-vmss000003'): RepairEventRecord {
  const at = Date.now() - 3_600_000 + i;
  return {
    key: `${prefix}-${i}`, node, reason: 'NodeRebootError', action: 'reboot', phase: 'error', code: 'VMExtensionProvisioningError',
    format: 'colon', message: `Node auto-repair reboot action failed due to an operation failure: VMExtensionProvisioningError (${i})`,
    type: 'Warning', count, firstSeen: at, lastSeen: at + count, source: 'aks-auto-repair',
  };
}

let store: HistoryStore | undefined;

async function handle(req: ChildRequest): Promise<unknown> {
  switch (req.type) {
    case 'open':
      store = await HistoryStore.open(req.options);
      return { role: store.role };
    case 'record':
      for (let i = req.from; i < req.to; i++) {
        store!.recordEvent(childEvent(req.prefix, i, req.count, req.node));
      }
      return {};
    case 'flush':
      await store!.flush();
      return {};
    case 'state': {
      const counts: Record<string, number> = {};
      for (const events of store!.snapshot().events.values()) {
        for (const e of events) {
          counts[e.key] = e.count;
        }
      }
      const state: ChildState = { role: store!.role, events: Object.keys(counts).length, counts, skipped: store!.stats().skipped };
      return state;
    }
    case 'spam': {
      // Records and flushes as fast as it can; the parent kills it mid-way.
      let i = 0;
      process.send!({ id: req.id, value: {} });
      for (;;) {
        for (let j = 0; j < 50; j++, i++) {
          store!.recordEvent(childEvent(req.prefix, i, 1));
        }
        await store!.flush();
      }
    }
    case 'close':
      await store?.close();
      return {};
  }
}

process.on('message', (req: ChildRequest) => {
  handle(req).then(
    (value) => { if (req.type !== 'spam') { process.send!({ id: req.id, value }); } },
    (err: unknown) => process.send!({ id: req.id, error: String(err) }),
  );
});
