import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Redeploy Node VM": moves the node's scale-set instance to another Azure host. */
export class RedeployNodeVmCommand extends NodeActionCommand {
  readonly id = CommandIds.redeployNodeVm;
  protected readonly kind = 'redeploy';
}
