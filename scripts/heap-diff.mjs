// What grew between two V8 heap snapshots (e.g. a soak run with AKS_REPAIR_SOAK_SNAPSHOTS set):
// self sizes and counts summed by node type and constructor or string kind, largest growth first.
//
// Usage: node --max-old-space-size=8192 scripts/heap-diff.mjs <before.heapsnapshot> <after.heapsnapshot> [--top N]
import * as fs from 'node:fs';

function summarize(file) {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8'));
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const groups = new Map();
  const nodes = snap.nodes;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    // Strings and numbers are grouped by kind; objects, closures and arrays by name.
    const key = ['string', 'concatenated string', 'sliced string', 'number', 'hidden', 'code'].includes(type) ? type : `${type} ${snap.strings[nodes[i + nameAt]].slice(0, 80)}`;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += nodes[i + sizeAt];
    groups.set(key, g);
  }
  return groups;
}

const [a, b] = process.argv.slice(2);
if (!a || !b) {
  console.error('usage: heap-diff.mjs <before.heapsnapshot> <after.heapsnapshot> [--top N]');
  process.exit(2);
}
const topAt = process.argv.indexOf('--top');
const top = topAt > 0 ? Number(process.argv[topAt + 1]) : 30;
const before = summarize(a);
const after = summarize(b);
const keys = new Set([...before.keys(), ...after.keys()]);
const rows = [...keys].map((k) => {
  const x = before.get(k) ?? { count: 0, bytes: 0 };
  const y = after.get(k) ?? { count: 0, bytes: 0 };
  return { k, dBytes: y.bytes - x.bytes, dCount: y.count - x.count, bytes: y.bytes, count: y.count };
}).sort((p, q) => q.dBytes - p.dBytes);
const total = (g) => [...g.values()].reduce((s, v) => s + v.bytes, 0);
console.log(`total self size: ${(total(before) / 2 ** 20).toFixed(1)} MB → ${(total(after) / 2 ** 20).toFixed(1)} MB`);
for (const r of rows.slice(0, top)) {
  console.log(`${(r.dBytes / 1024).toFixed(0).padStart(9)} KB ${String(r.dCount).padStart(8)} objects  (now ${(r.bytes / 1024).toFixed(0)} KB, ${r.count})  ${r.k}`);
}
