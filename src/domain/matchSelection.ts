/**
 * Choosing matches among the automaton's candidates: overlaps are resolved leftmost first, then
 * longest. Candidates that overlap nothing (the usual case) are all chosen without a sort.
 */
import type { Candidate } from './termAutomaton';

/**
 * select() over candidate buffers in order of end, without a sort of them all; the chosen
 * candidates are moved to the front of the buffers, and their number returned. In one pass:
 * candidates come in order of end, so the ones a new candidate overlaps form the last clusters,
 * which it merges into one. Clusters do not overlap each other, so each is resolved on its own,
 * and only clusters of two or more (overlapping terms) are sorted.
 */
export function selectInPlace(starts: Int32Array, ends: Int32Array, terms: Int32Array, count: number): number {
  // Overlap clusters: index of each one's first candidate, and its end.
  const firsts = new Int32Array(count);
  const clusterEnds = new Int32Array(count);
  let clusters = 0;
  for (let k = 0; k < count; k++) {
    const start = starts[k];
    let first = k;
    while (clusters > 0 && clusterEnds[clusters - 1] > start) {
      clusters--;
      first = firsts[clusters];
    }
    firsts[clusters] = first;
    clusterEnds[clusters] = ends[k];
    clusters++;
  }
  // There are never more chosen candidates than candidates before the cluster being resolved, so
  // moving them to the front overwrites nothing still to be read.
  let chosen = 0;
  for (let c = 0; c < clusters; c++) {
    const first = firsts[c];
    const last = c + 1 < clusters ? firsts[c + 1] : count;
    if (last - first === 1) {
      starts[chosen] = starts[first];
      ends[chosen] = ends[first];
      terms[chosen] = terms[first];
      chosen++;
      continue;
    }
    const members: Candidate[] = [];
    for (let k = first; k < last; k++) {
      members.push({ termIndex: terms[k], start: starts[k], end: ends[k] });
    }
    for (const m of select(members)) {
      starts[chosen] = m.start;
      ends[chosen] = m.end;
      terms[chosen] = m.termIndex;
      chosen++;
    }
  }
  return chosen;
}

/** Leftmost first, longest at the same start, skipping anything overlapping a chosen match. */
export function select(candidates: readonly Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  const chosen: Candidate[] = [];
  let lastEnd = -1;
  for (const c of sorted) {
    if (c.start >= lastEnd) {
      chosen.push(c);
      lastEnd = c.end;
    }
  }
  return chosen;
}

/** The candidates transitively overlapping one that covers offset, or undefined if none covers it. */
export function overlapClusterAt(candidates: readonly Candidate[], offset: number): { members: Candidate[]; firstStart: number } | undefined {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || b.end - a.end);
  let members: Candidate[] = [];
  let clusterEnd = -1;
  let covers = false;
  for (const c of sorted) {
    if (c.start >= clusterEnd) {
      if (covers) {
        break;
      }
      members = [];
      clusterEnd = c.end;
    }
    members.push(c);
    clusterEnd = Math.max(clusterEnd, c.end);
    covers ||= c.start <= offset && offset < c.end;
  }
  return covers ? { members, firstStart: members[0].start } : undefined;
}
