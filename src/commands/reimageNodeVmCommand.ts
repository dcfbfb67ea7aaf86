import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Reimage Node VM": reimages the node's scale-set instance (its OS disk is rebuilt). */
export class ReimageNodeVmCommand extends NodeActionCommand {
  readonly id = CommandIds.reimageNodeVm;
  protected readonly kind = 'reimage';
}
