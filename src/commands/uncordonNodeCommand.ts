import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Uncordon Node": clears `spec.unschedulable`, after a confirmation. */
export class UncordonNodeCommand extends NodeActionCommand {
  readonly id = CommandIds.uncordonNode;
  protected readonly kind = 'uncordon';
}
