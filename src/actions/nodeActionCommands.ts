import type { Command } from '../commands/commandManager';
import { CordonNodeCommand } from '../commands/cordonNodeCommand';
import { DeleteMachineCommand } from '../commands/deleteMachineCommand';
import { DrainNodeCommand } from '../commands/drainNodeCommand';
import { RedeployNodeVmCommand } from '../commands/redeployNodeVmCommand';
import { ReimageNodeVmCommand } from '../commands/reimageNodeVmCommand';
import { RestartNodeVmCommand } from '../commands/restartNodeVmCommand';
import { UncordonNodeCommand } from '../commands/uncordonNodeCommand';
import type { NodeActionService } from './nodeActionService';

/** The seven node-action commands, for the composition root's `commands.register(...)`. */
export function nodeActionCommands(service: Pick<NodeActionService, 'run'>): Command[] {
  return [
    new CordonNodeCommand(service),
    new UncordonNodeCommand(service),
    new DrainNodeCommand(service),
    new RestartNodeVmCommand(service),
    new ReimageNodeVmCommand(service),
    new RedeployNodeVmCommand(service),
    new DeleteMachineCommand(service),
  ];
}
