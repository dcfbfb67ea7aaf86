/**
 * A typed event source for vscode-free code, shaped like `vscode.Event` so either side can
 * subscribe. A listener that throws is reported, and the others still hear the event.
 */

export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (value: T) => void;

export class Emitter<T> implements Disposable {
  private readonly listeners = new Set<Listener<T>>();

  constructor(private readonly onListenerError: (err: unknown) => void) {}

  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.add(listener);
    return { dispose: () => { this.listeners.delete(listener); } };
  };

  fire(value: T): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(value);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  dispose(): void {
    this.listeners.clear();
  }
}
