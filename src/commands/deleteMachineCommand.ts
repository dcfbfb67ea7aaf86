import { NodeActionCommand } from '../actions/nodeActionCommand';
import { CommandIds } from '../ids';

/** "AKS: Delete Node Machine": removes the node's machine from its agent pool (`deleteMachines`). */
export class DeleteMachineCommand extends NodeActionCommand {
  readonly id = CommandIds.deleteNodeMachine;
  protected readonly kind = 'deleteMachine';
}
