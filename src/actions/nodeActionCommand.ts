import type { NodeActionService } from './nodeActionService';
import type { NodeActionKind } from './nodeActionKinds';

/**
 * The shared shape of the seven node-action commands (src/commands/*NodeCommand.ts …): from a
 * node row VS Code passes the row and the selected rows; from the palette nothing (it asks).
 */
export abstract class NodeActionCommand {
  abstract readonly id: string;
  protected abstract readonly kind: NodeActionKind;

  constructor(private readonly service: Pick<NodeActionService, 'run'>) {}

  execute(arg?: unknown, selected?: unknown): Promise<void> {
    return this.service.run(this.kind, arg, selected);
  }
}
