import type * as vscode from 'vscode';
import type { CatalogService } from '../guidance/catalogService';
import type { AzureSession } from '../session/azureSession';
import type { ClusterSession } from '../session/clusterSession';
import type { NodeActionKind } from './nodeActionKinds';
import type { NodeActionService, NodeActionsTestHook } from './nodeActionService';

/**
 * The node actions as the composition root hands them out: the commands run them, the vscode tier
 * answers their dialogs. The service itself (dist/actions.js, esbuild.mjs) is built when an action
 * or the test hook is first used, not at activation.
 */
export class LazyNodeActions {
  private service?: NodeActionService;

  constructor(
    private readonly session: ClusterSession,
    private readonly azure: AzureSession,
    private readonly catalog: CatalogService,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  run(kind: NodeActionKind, arg?: unknown, selected?: unknown): Promise<void> {
    return this.loaded().run(kind, arg, selected);
  }

  readonly testHook: NodeActionsTestHook = {
    useHost: (host) => this.loaded().testHook.useHost(host),
    setDrainOptions: (options) => this.loaded().testHook.setDrainOptions(options),
  };

  private loaded(): NodeActionService {
    if (!this.service) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { NodeActionService: Service } = require('./actionsBundle') as typeof import('./actionsBundle');
      this.service = new Service(this.session, this.azure, this.catalog, this.log);
    }
    return this.service;
  }
}
