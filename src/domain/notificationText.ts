/**
 * Text for a VS Code notification (its message, a progress title or a progress line) that came,
 * even in part, from outside: a node or pod name, an API server or admission webhook message,
 * Azure's error text. No `vscode` import.
 *
 * The workbench draws `[label](target)` in notification text as a link when the target starts
 * with `https://`, `http://`, `command:` or `file:` (parseLinkedText, after it turns line breaks
 * into spaces), and a `command:` link runs that command when clicked. Bare URLs and bare
 * `command:` text are not linked. A link needs `](` with nothing between, so breaking every `](`
 * leaves none, whatever else the text holds, and however a progress title and line are joined.
 */
import { singleLine } from './format';

/** `text` on one line (no control or bidi characters) with every `](` written `] (`: no link can form. */
export function inertNotificationText(text: string): string {
  return singleLine(text).replace(/\](?=\()/g, '] ');
}
