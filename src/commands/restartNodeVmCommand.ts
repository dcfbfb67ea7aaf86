import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Restart Node VM": restarts the node's scale-set instance (a long-running operation in Azure). */
export class RestartNodeVmCommand extends NodeActionCommand {
  readonly id = CommandIds.restartNodeVm;
  protected readonly kind = 'restart';
}
