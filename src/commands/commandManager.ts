import * as vscode from 'vscode';

/** One command: its id (from ids.ts) and what it does. */
export interface Command {
  readonly id: string;
  execute(...args: unknown[]): unknown;
}

/**
 * A command registered under `id` now and built on its first run: activation pays for the
 * registration only, the command object (and its constructor's work) waits for a first use.
 */
export function onFirstRun(id: string, build: () => Command): Command {
  let command: Command | undefined;
  return {
    id,
    execute: (...args: unknown[]) => {
      if (!command) {
        command = build();
        if (command.id !== id) {
          throw new Error(`Command ${id} was built as ${command.id}.`);
        }
      }
      return command.execute(...args);
    },
  };
}

/** Registers commands once each (a second registration of an id is a bug) and disposes them together. */
export class CommandManager implements vscode.Disposable {
  private readonly commands = new Map<string, vscode.Disposable>();

  register(...commands: Command[]): void {
    for (const command of commands) {
      if (this.commands.has(command.id)) {
        throw new Error(`Command ${command.id} is registered twice.`);
      }
      this.commands.set(command.id, vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.execute(...args)));
    }
  }

  dispose(): void {
    vscode.Disposable.from(...this.commands.values()).dispose();
    this.commands.clear();
  }
}
