import { CommandIds } from '../ids';
import type { ClusterSession } from '../session/clusterSession';

/** "AKS: Refresh Nodes": relist now, or retry a connection that failed. */
export class RefreshCommand {
  readonly id = CommandIds.refresh;

  constructor(private readonly session: ClusterSession) {}

  execute(): void {
    this.session.refresh();
  }
}
