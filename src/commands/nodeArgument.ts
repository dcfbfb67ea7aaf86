/**
 * The node a command is about. Commands run from Nodes view rows (a node, or one of its steps,
 * events or next step), from notifications (a name) and from command links: read the name
 * from any of these without depending on the tree's types.
 */
export function nodeNameOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    return arg || undefined;
  }
  if (typeof arg !== 'object' || arg === null) {
    return undefined;
  }
  const a = arg as { kind?: unknown; name?: unknown; node?: unknown };
  if (a.kind === 'node' && typeof a.name === 'string') {
    return a.name;
  }
  return typeof a.node === 'string' && (a.kind === 'step' || a.kind === 'event' || a.kind === 'next') ? a.node : undefined;
}
