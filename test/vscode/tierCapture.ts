/**
 * What the extension showed the user during the vscode tier, kept for the secret scan that runs
 * last (zzSecretScan.test.ts). Installed when that file loads, which is before any test runs
 * (mocha requires every file first).
 *
 * The tests and the extension live in one extension host and get the same `vscode` API object
 * (the tests sit inside the extension's folder), so pass-through wrappers on it see the
 * extension's own calls:
 * - notifications: `showInformationMessage` / `showWarningMessage` / `showErrorMessage` (message,
 *   detail, buttons; modal dialogs included) and `withProgress` (title and every reported message);
 *   the node actions' dialogs and notices when a test answers them through its own `ActionHost`
 *   (ExtensionApi.nodeActionsTestHook) are kept from that host's arguments;
 * - panels: every HTML assigned to a webview panel's `html` and every message posted to it
 *   (diagnosis, history and guidance panels, restored ones too);
 * - reports and other untitled documents, as opened and as they were when closed;
 * - the clipboard as the tier left it (its API object is frozen: only its last text is read, at the end);
 * - the Nodes view's items (label, description, tooltip) as VS Code asks for them.
 * Nothing is changed on the way: each wrapper records, then calls the original.
 * The log is read from its files at the end (zzSecretScan.test.ts).
 */
import * as vscode from 'vscode';

export type CaptureSource = 'notifications' | 'panels' | 'documents' | 'tree';

export class TierCapture {
  private readonly texts = new Map<CaptureSource, Set<string>>();
  /** Tests that ran while capturing (the root afterEach counts them). */
  testsRun = 0;

  keep(source: CaptureSource, ...values: unknown[]): void {
    let set = this.texts.get(source);
    if (!set) {
      set = new Set();
      this.texts.set(source, set);
    }
    for (const v of values) {
      const text = typeof v === 'string' ? v : v instanceof vscode.MarkdownString ? v.value : JSON.stringify(v);
      if (text) {
        set.add(text);
      }
    }
  }

  text(source: CaptureSource): string {
    return [...(this.texts.get(source) ?? [])].join('\n');
  }

  count(source: CaptureSource): number {
    return this.texts.get(source)?.size ?? 0;
  }
}

type Fn = (...args: never[]) => unknown;

/** Replaces `obj[name]` by a wrapper that calls `before(args)` and then the original. */
function wrap<T extends object, K extends keyof T>(obj: T, name: K, before: (args: unknown[]) => void): void {
  const original = obj[name] as unknown as Fn;
  (obj as Record<K, unknown>)[name] = function (this: unknown, ...args: never[]) {
    try {
      before(args);
    } catch {
      // recording never breaks the call
    }
    return original.apply(this, args);
  };
}

function instrumentPanel(capture: TierCapture, panel: vscode.WebviewPanel): void {
  const webview = panel.webview;
  const proto = Object.getPrototypeOf(webview) as object;
  const html = Object.getOwnPropertyDescriptor(proto, 'html');
  if (html?.get && html.set) {
    const { get, set } = html;
    Object.defineProperty(webview, 'html', {
      configurable: true,
      get(this: vscode.Webview) { return get.call(this) as string; },
      set(this: vscode.Webview, value: string) {
        capture.keep('panels', value);
        set.call(this, value);
      },
    });
  }
  wrap(webview, 'postMessage', ([message]) => capture.keep('panels', message));
  capture.keep('panels', panel.title);
}

function notificationTexts(args: unknown[]): unknown[] {
  return args.flatMap((a) => {
    if (typeof a === 'string') {
      return [a];
    }
    if (typeof a === 'object' && a !== null) {
      const o = a as { detail?: unknown; title?: unknown };
      return [o.detail, o.title].filter((t) => typeof t === 'string');
    }
    return [];
  });
}

/** The ActionHost a test installs: what it is asked to show is kept before the test's own host answers. */
function recordingHost(capture: TierCapture, host: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(host, {
    get(target, prop) {
      const member = Reflect.get(target, prop, target) as unknown;
      if (typeof member !== 'function') {
        return member;
      }
      return (...args: unknown[]) => {
        capture.keep('notifications', ...notificationTexts(args));
        if (prop === 'progress' && typeof args[2] === 'function') {
          const task = args[2] as (report: (m: string) => void, signal: AbortSignal) => unknown;
          args[2] = (report: (m: string) => void, signal: AbortSignal) => task((m) => {
            capture.keep('notifications', m);
            report(m);
          }, signal);
        }
        return (member as (...x: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

interface HookedApi {
  nodeActionsTestHook: { useHost(host: object): vscode.Disposable };
  nodesTree: { getTreeItem(element: unknown): vscode.TreeItem };
}

/** Wraps what only exists once the extension is active (its test hook and tree provider); call it again until it returns true. */
export function instrumentExtension(capture: TierCapture, api: HookedApi): void {
  const hook = api.nodeActionsTestHook;
  const useHost = hook.useHost.bind(hook);
  hook.useHost = (host) => useHost(recordingHost(capture, host as Record<string, unknown>));
  const tree = api.nodesTree;
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getTreeItem = (element) => {
    const item = getTreeItem(element);
    const label = typeof item.label === 'object' ? item.label.label : item.label;
    capture.keep('tree', label ?? '', typeof item.description === 'string' ? item.description : '', item.tooltip ?? '');
    return item;
  };
}

export function installCapture(): TierCapture {
  const capture = new TierCapture();
  const w = vscode.window;
  for (const name of ['showInformationMessage', 'showWarningMessage', 'showErrorMessage'] as const) {
    wrap(w, name, (args) => capture.keep('notifications', ...notificationTexts(args)));
  }
  const withProgress = w.withProgress.bind(w);
  w.withProgress = (options, task) => {
    capture.keep('notifications', ...notificationTexts([options]));
    return withProgress(options, (progress, token) => task({
      report: (value) => {
        capture.keep('notifications', value.message ?? '');
        progress.report(value);
      },
    }, token));
  };
  const createWebviewPanel = w.createWebviewPanel.bind(w);
  w.createWebviewPanel = (...args: Parameters<typeof w.createWebviewPanel>) => {
    const panel = createWebviewPanel(...args);
    instrumentPanel(capture, panel);
    return panel;
  };
  const registerSerializer = w.registerWebviewPanelSerializer.bind(w);
  w.registerWebviewPanelSerializer = (viewType, serializer) => registerSerializer(viewType, {
    deserializeWebviewPanel: (panel, state) => {
      instrumentPanel(capture, panel);
      return serializer.deserializeWebviewPanel(panel, state);
    },
  });
  const untitled = (d: vscode.TextDocument): void => {
    if (d.isUntitled) {
      capture.keep('documents', d.getText());
    }
  };
  vscode.workspace.onDidOpenTextDocument(untitled);
  vscode.workspace.onDidCloseTextDocument(untitled);
  return capture;
}
