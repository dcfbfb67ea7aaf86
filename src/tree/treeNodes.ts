/** The Nodes view's elements: cluster → pools → nodes → repair steps → events. */
export type TreeNode =
  | { readonly kind: 'cluster' }
  | MessageNode
  | { readonly kind: 'pool'; readonly name: string }
  /** Nodes that are gone from the cluster but whose repair events are still kept (an hour). */
  | { readonly kind: 'gone' }
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'step'; readonly node: string; readonly index: number }
  | { readonly kind: 'event'; readonly node: string; readonly key: string; readonly step?: number }
  | { readonly kind: 'next'; readonly node: string };

/** A row that says something (connection state, a problem, an action to take) rather than showing cluster data. */
export interface MessageNode {
  readonly kind: 'message';
  readonly id: string;
  readonly text: string;
  readonly detail?: string;
  readonly icon: MessageIcon;
  readonly command?: { readonly id: string; readonly title: string; readonly args?: unknown[] };
}

export type MessageIcon = 'error' | 'warning' | 'info' | 'loading' | 'action';

export interface NodeFilter {
  /** Only nodes that are NotReady or Unknown. */
  readonly unhealthyOnly: boolean;
  /** Only nodes with auto-repair events. */
  readonly repairActivityOnly: boolean;
}

export const NO_FILTER: NodeFilter = { unhealthyOnly: false, repairActivityOnly: false };

/** Elements are rebuilt on every read; the view matches them by these ids, which keeps expansion. */
export function treeNodeId(node: TreeNode): string {
  switch (node.kind) {
    case 'cluster': return 'cluster';
    case 'message': return `message:${node.id}`;
    case 'pool': return `pool:${node.name}`;
    case 'gone': return 'gone';
    case 'node': return `node:${node.name}`;
    case 'step': return `step:${node.node}:${node.index}`;
    case 'event': return `event:${node.node}:${node.key}`;
    case 'next': return `next:${node.node}`;
  }
}
