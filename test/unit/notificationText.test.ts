import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { inertNotificationText } from '../../src/domain/notificationText';

/**
 * How the workbench finds links in a notification's text (checked in the runtime's workbench.js,
 * `parseLinkedText`): `[label](href)` or `[label](href "title")` with an http(s), command or file
 * href. It first replaces line breaks with spaces, then parses; a progress notification shows
 * `${title}: ${message}`, parsed the same way.
 */
const WORKBENCH_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;

function linksIn(shown: string): string[] {
  return [...shown.replace(/(\r\n|\n|\r)/gm, ' ').trim().matchAll(WORKBENCH_LINK)].map((m) => m[2]);
}

const HOSTILE = [
  'Cannot evict pod: [Fix](command:workbench.action.reloadWindow)',
  'admission webhook "deny.example" denied the request: [Open settings](command:workbench.action.openSettings?%5B%22aksNodeRepair%22%5D)',
  'OperationNotAllowed: see [the docs](https://evil.example/phish "Microsoft Learn")',
  '[x](file:///etc/passwd)',
  '[a]\n(command:workbench.action.quit)',
  '[a](COMMAND:workbench.action.quit)',
  '[nested [b]](command:x)',
  '[a]((command:x))',
  '[a](](command:x)',
  ']](command:x) [c](https://a.io/?q=[d](command:y))',
  '[a]\u202e(command:x)',
  '[a]\u0000(command:x)',
];

describe('inertNotificationText: outside text cannot become a notification link', () => {
  it('leaves no link the workbench would draw in hostile API server and Azure messages', () => {
    // As written, the workbench draws these as links (so the pattern above is the one that matters).
    assert.deepEqual(HOSTILE.slice(0, 4).map((h) => linksIn(h).length), [1, 1, 1, 1]);
    for (const hostile of HOSTILE) {
      const shown = inertNotificationText(`Could not cordon node-1: ${hostile}`);
      assert.deepEqual(linksIn(shown), [], JSON.stringify(shown));
      assert.doesNotMatch(shown, /\]\(/);
    }
  });

  it('no text, and no progress title and line joined as the workbench joins them, ever holds one', () => {
    const piece = fc.array(fc.constantFrom('[', ']', '(', ')', 'command:x', 'https://a.io', 'file:///', ' ', '\n', '"t"', 'a', '\u2028'), { maxLength: 16 }).map((p) => p.join(''));
    fc.assert(fc.property(piece, piece, (title, message) => {
      assert.deepEqual(linksIn(inertNotificationText(title)), []);
      assert.deepEqual(linksIn(`${inertNotificationText(title)}: ${inertNotificationText(message)}`), []);
    }), { numRuns: 2000 });
  });

  it('keeps ordinary text as it was, and keeps every bracket and parenthesis a message had', () => {
    const plain = 'Could not drain aks-userpool-12345678-vmss000003: pods "web-1" is forbidden (403). Missing Kubernetes permission: "create pods/eviction".';
    assert.equal(inertNotificationText(plain), plain);
    assert.equal(inertNotificationText('see [the docs](https://a.io)'), 'see [the docs] (https://a.io)');
  });

  it('puts a cluster-supplied name on one line, without bidi overrides', () => {
    assert.equal(inertNotificationText('Cordoned aks-1\nCluster: prod\u202e.'), 'Cordoned aks-1 Cluster: prod .');
  });
});
