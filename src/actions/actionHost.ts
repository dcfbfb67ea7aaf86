import * as vscode from 'vscode';
import { inertNotificationText } from '../domain/notificationText';

/** A modal question: `button` confirms; Cancel and Escape answer no. */
export interface ConfirmRequest {
  readonly message: string;
  readonly detail: string;
  readonly button: string;
}

export type NoticeSeverity = 'info' | 'warning' | 'error';

/** What a progress task may say while it runs (the notification's message line). */
export type ProgressReport = (message: string) => void;

/**
 * The dialogs and notifications node actions show, as one small interface (vscode-kubernetes-tools'
 * `Host`): the extension uses vscode.window through `WindowHost`; the vscode tier answers
 * confirmations and reads notifications through its own implementation.
 */
export interface ActionHost {
  /** Resolves true only when the confirming button was chosen. */
  confirm(request: ConfirmRequest): Promise<boolean>;
  /** A notification; resolves with the button chosen, if any (callers do not wait on it). */
  notify(severity: NoticeSeverity, message: string, ...buttons: string[]): Promise<string | undefined>;
  /** A progress notification; `signal` aborts when the operator cancels (only if `cancellable`). */
  progress<T>(title: string, cancellable: boolean, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T>;
}

export class WindowHost implements ActionHost {
  async confirm(request: ConfirmRequest): Promise<boolean> {
    const choice = await vscode.window.showWarningMessage(request.message, { modal: true, detail: request.detail }, request.button);
    return choice === request.button;
  }

  /** Messages carry node names and server or Azure text: made inert here, where they reach the window (no link can run a command). */
  async notify(severity: NoticeSeverity, text: string, ...buttons: string[]): Promise<string | undefined> {
    const message = inertNotificationText(text);
    switch (severity) {
      case 'info': return vscode.window.showInformationMessage(message, ...buttons);
      case 'warning': return vscode.window.showWarningMessage(message, ...buttons);
      case 'error': return vscode.window.showErrorMessage(message, ...buttons);
    }
  }

  progress<T>(title: string, cancellable: boolean, task: (report: ProgressReport, signal: AbortSignal) => Promise<T>): Promise<T> {
    const shown = inertNotificationText(title);
    return Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: shown, cancellable }, (progress, token) => {
      const controller = new AbortController();
      const subscription = token.onCancellationRequested(() => controller.abort());
      return task((message) => progress.report({ message: inertNotificationText(message) }), controller.signal).finally(() => subscription.dispose());
    }));
  }
}

/**
 * The host in use: the window's, unless a test put its own in place (ExtensionApi's test hook).
 * Read on every call, so a replacement applies to the next action.
 */
export class HostSwitch {
  private current: ActionHost;

  constructor(private readonly fallback: ActionHost = new WindowHost()) {
    this.current = fallback;
  }

  get host(): ActionHost {
    return this.current;
  }

  /** Test hook: `host` answers until the returned disposable is disposed. */
  use(host: ActionHost): vscode.Disposable {
    this.current = host;
    return new vscode.Disposable(() => {
      if (this.current === host) {
        this.current = this.fallback;
      }
    });
  }
}
