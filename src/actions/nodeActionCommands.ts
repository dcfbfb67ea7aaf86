import { onFirstRun, type Command } from '../commands/commandManager';
import { CordonNodeCommand } from '../commands/cordonNodeCommand';
import { DeleteMachineCommand } from '../commands/deleteMachineCommand';
import { DrainNodeCommand } from '../commands/drainNodeCommand';
import { RedeployNodeVmCommand } from '../commands/redeployNodeVmCommand';
import { ReimageNodeVmCommand } from '../commands/reimageNodeVmCommand';
import { RestartNodeVmCommand } from '../commands/restartNodeVmCommand';
import { UncordonNodeCommand } from '../commands/uncordonNodeCommand';
import { CommandIds } from '../ids';
import type { NodeActionService } from './nodeActionService';

/** The seven node-action commands, for the composition root's `commands.register(...)`; each built on its first run. */
export function nodeActionCommands(service: Pick<NodeActionService, 'run'>): Command[] {
  return [
    onFirstRun(CommandIds.cordonNode, () => new CordonNodeCommand(service)),
    onFirstRun(CommandIds.uncordonNode, () => new UncordonNodeCommand(service)),
    onFirstRun(CommandIds.drainNode, () => new DrainNodeCommand(service)),
    onFirstRun(CommandIds.restartNodeVm, () => new RestartNodeVmCommand(service)),
    onFirstRun(CommandIds.reimageNodeVm, () => new ReimageNodeVmCommand(service)),
    onFirstRun(CommandIds.redeployNodeVm, () => new RedeployNodeVmCommand(service)),
    onFirstRun(CommandIds.deleteNodeMachine, () => new DeleteMachineCommand(service)),
  ];
}
