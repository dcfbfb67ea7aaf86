import * as vscode from 'vscode';
import type { ActionProblem } from '../cluster/clusterTypes';
import type { AzureProblem } from '../domain/diagnosis';
import { singleLine, truncate } from '../domain/format';
import { serverHost, type Refusal } from './actionTarget';

/** Why an action was refused after the confirmation, with what to do instead. */
export function refusalText(refusal: Refusal): string {
  switch (refusal.kind) {
    case 'no-cluster':
      return vscode.l10n.t('Nothing was done: the Nodes view is not connected to the cluster any more. Reconnect (Refresh in the Nodes view), then run the action again.');
    case 'context-switched':
      return vscode.l10n.t('Nothing was done: the cluster changed since you chose the action (context "{0}" at {1}, now "{2}" at {3}). Switch back, or run the action again on the cluster shown now.',
        refusal.from.context, serverHost(refusal.from.server), refusal.to.context, serverHost(refusal.to.server));
    case 'node-gone':
      return vscode.l10n.t('Nothing was done: node {0} is no longer in the cluster. Refresh the Nodes view to see what replaced it.', refusal.node);
    case 'node-replaced':
      return vscode.l10n.t('Nothing was done: node {0} was replaced by a new node of the same name (uid {1}, was {2}). Look at the new node before acting on it.', refusal.node, refusal.now, refusal.was);
    case 'provider-changed':
      return vscode.l10n.t('Nothing was done: node {0} now points at another machine (providerID {1}, was {2}). Look at the node again before acting on it.',
        refusal.node, refusal.now || vscode.l10n.t('(none)'), refusal.was || vscode.l10n.t('(none)'));
    case 'server-changed':
      return vscode.l10n.t('Nothing was done: the connection now talks to API server {0}, not {1} as the dialog said. Refresh the Nodes view, then run the action again.',
        refusal.now ? serverHost(refusal.now) : vscode.l10n.t('(none)'), serverHost(refusal.confirmed));
  }
}

/** `message` and `next` as two sentences (messages from the layers below may end without a full stop). */
export function sentences(message: string, next?: string): string {
  if (!next) {
    return message;
  }
  return /[.!?)]$/.test(message.trim()) ? `${message.trim()} ${next}` : `${message.trim()}. ${next}`;
}

/** The server's refusal or error, with the missing RBAC permission for a 403. */
export function clusterProblemText(problem: ActionProblem): string {
  const message = truncate(singleLine(problem.message), 400).trim();
  if (problem.kind === 'forbidden' || problem.status === 403) {
    return problem.permission
      ? sentences(message, vscode.l10n.t('Missing Kubernetes permission: "{0}". Ask a cluster admin for a Role or ClusterRole that allows it.', problem.permission))
      : sentences(message, vscode.l10n.t('The cluster refused it (403). {0}', problem.nextStep));
  }
  return sentences(message, problem.nextStep);
}

/** Azure's error text, its code, and the missing role and scope for a 403. */
export function azureProblemText(problem: AzureProblem): string {
  const message = truncate(singleLine(problem.message), 500);
  const code = problem.code && !message.includes(problem.code) ? ` (${problem.code})` : '';
  if (problem.missingRole) {
    return sentences(`${message}${code}`, vscode.l10n.t('Missing Azure role: {0} on {1}.', problem.missingRole.role, problem.missingRole.scope));
  }
  return sentences(`${message}${code}`, problem.nextStep);
}
