import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Cordon Node": patches `spec.unschedulable` to true, after a confirmation. */
export class CordonNodeCommand extends NodeActionCommand {
  readonly id = CommandIds.cordonNode;
  protected readonly kind = 'cordon';
}
