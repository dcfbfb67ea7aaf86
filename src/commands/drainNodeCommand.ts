import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Drain Node": cordons, then evicts the pods as `kubectl drain --ignore-daemonsets --delete-emptydir-data` does. */
export class DrainNodeCommand extends NodeActionCommand {
  readonly id = CommandIds.drainNode;
  protected readonly kind = 'drain';
}
