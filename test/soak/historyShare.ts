// The soak's measure of what the local history holds in memory: run in a process of its own, on a
// copy of the soak's history folder, it opens the store as a second window would (the same code,
// the same records from the same file) and prints the heap the open store adds, after forced
// collections. The soak subtracts this from its own heap for the figure without the history.
//
// Usage: node --expose-gc historyShare.js <folder> <cluster key>; prints one JSON line.
import { HistoryStore } from '../../src/history/historyStore';
import { gc } from '../bench/common';

async function main(): Promise<void> {
  const [folder, cluster] = process.argv.slice(2);
  // Load the store's modules and run its code once on an empty folder first, so the baseline
  // holds its compiled code and only the records differ.
  const empty = await HistoryStore.open({ folder: `${folder}.empty`, cluster, retentionDays: 30 });
  await empty.close();
  gc();
  const before = process.memoryUsage().heapUsed;
  const store = await HistoryStore.open({ folder, cluster, retentionDays: 30 });
  gc();
  const after = process.memoryUsage().heapUsed;
  const records = store.stats().records;
  await store.close();
  process.stdout.write(`${JSON.stringify({ bytes: after - before, records })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`historyShare: ${String(err)}\n`);
  process.exit(1);
});
