/**
 * Which nodes a command invocation is about. From a tree row VS Code passes the clicked row and,
 * when the view allows several, every selected row; the selection counts only when the clicked
 * row is part of it (a right-click elsewhere acts on that one row). No `vscode` import.
 */
import { nodeNameOf } from '../commands/nodeArgument';

export function nodeNamesOf(arg: unknown, selected?: unknown): string[] {
  const clicked = nodeNameOf(arg);
  if (!clicked) {
    return [];
  }
  if (Array.isArray(selected)) {
    const names = [...new Set(selected.filter(isNodeRow).map((row) => row.name))];
    if (names.length > 1 && names.includes(clicked)) {
      return names;
    }
  }
  return [clicked];
}

function isNodeRow(row: unknown): row is { kind: 'node'; name: string } {
  return typeof row === 'object' && row !== null && (row as { kind?: unknown }).kind === 'node'
    && typeof (row as { name?: unknown }).name === 'string' && (row as { name: string }).name !== '';
}
