import type * as vscode from 'vscode';

/** globalState for a session a test builds itself (the extension's own is not reachable from a test). */
export class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] { return [...this.values.keys()]; }
  get<T>(key: string, fallback?: T): T { return (this.values.has(key) ? this.values.get(key) : fallback) as T; }
  async update(key: string, value: unknown): Promise<void> { this.values.set(key, value); }
}
