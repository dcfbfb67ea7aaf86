/**
 * One page of a list, requested here rather than through client-node's CoreV1Api. client-node
 * turns every item of a page into class instances (its ObjectSerializer, with Date objects for
 * timestamps) that the model then reads back into a few fields: for 5,000 nodes and 50,000
 * events that was most of the time a connect took, and a second copy of every page on the heap
 * (see docs/BENCHMARKS.md, cluster section). Here the body is kept as bytes until it is complete,
 * then read item by item (listBody.ts) and handed to the caller a few items at a time, so it can
 * project them and drop them while they are young.
 */

import type * as https from 'node:https';

import * as l10n from '@vscode/l10n';

import { field } from '../domain/nodeProjection';
import type { ClientNode } from './clientAdapter';
import { errorMessage } from './clientErrors';
import { closedEarly, prepareGet, readStatusError, RequestFailed } from './kubeRequest';
import { ListBodyError, splitList } from './listBody';
import type { ListPage, ListQuery } from './reflector';

type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

/** Items handed over at a time: small enough to die young once projected. */
const GROUP_SIZE = 50;
/**
 * A page larger than this is refused rather than parsed: 500 bulky nodes are ≈ 10 MB, and the
 * nodes and events lists run side by side, each page held twice while it is joined.
 */
const MAX_PAGE_BYTES = 64 * 1024 * 1024;

/**
 * A 200 answer whose body is not a list: not JSON (a proxy's HTML page), cut off, or JSON without
 * `items`. The message names what was wrong and the Content-Type, never the server's text.
 */
export class MalformedListBody extends Error {
  override readonly name = 'MalformedListBody';

  constructor(path: string, reason: string, contentType: string | undefined) {
    super(l10n.t('The API server\'s answer to {0} is not a list ({1}; Content-Type {2}): a proxy may have answered, or the answer was cut off', path, reason, contentType || '-'));
  }
}

/** A 200 answer larger than MAX_PAGE_BYTES: refused as soon as it passes the limit. */
export class ListPageTooLarge extends Error {
  override readonly name = 'ListPageTooLarge';

  constructor(path: string, limitBytes: number) {
    super(l10n.t('The API server\'s answer to {0} is larger than {1} MB, more than one page of a list should be: a proxy may have answered, or the objects are unusually large', path, Math.round(limitBytes / (1024 * 1024))));
  }
}

/**
 * GETs one page of `path`, calling `onItems` with its items, a few at a time. Rejects with an HttpStatusError for a non-200 answer, a RequestFailed
 * when the connection fails or closes early, a MalformedListBody or ListPageTooLarge, the signal's reason on abort
 * (a TimeoutError for a timeout signal), or whatever the credential step throws.
 */
export async function listPage(
  kc: KubeConfig, agent: https.Agent, path: string, query: ListQuery, signal: AbortSignal, onItems: (items: unknown[]) => void,
): Promise<ListPage> {
  const req = await prepareGet(kc, path, { limit: query.limit, continue: query.continueToken, fieldSelector: query.fieldSelector }, agent);
  // Bytes until the end: Buffers live outside the JS heap, and one string is made from them once.
  // The request outlives the page: Node's https agent keeps the first request made on a connection
  // reachable for as long as the connection is kept alive (a listener's closure holds it), and with
  // it these closures. So the page's chunks and body are dropped from them once read, not left to
  // the request (the soak's heap snapshots found two 7.4 MB pages, twice over, held that way).
  let chunks: Buffer[] = [];
  let body: Buffer | undefined;
  try {
    const contentType = await new Promise<string | undefined>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (!settled) {
          settled = true;
          signal.removeEventListener('abort', onAbort);
          fn();
        }
      };
      const fail = (err: unknown): void => settle(() => {
        req.destroy();
        reject(err);
      });
      const onAbort = (): void => fail(signal.reason);
      if (signal.aborted) {
        onAbort();
        return;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (err) => fail(new RequestFailed(`The list request failed: ${errorMessage(err)}`, err)));
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          readStatusError(res, fail);
          return;
        }
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_PAGE_BYTES) {
            fail(new ListPageTooLarge(path, MAX_PAGE_BYTES));
            return;
          }
          if (!settled) {
            chunks.push(chunk);
          }
        });
        res.on('end', () => settle(() => {
          body = Buffer.concat(chunks, size);
          chunks = [];
          resolve(res.headers['content-type']);
        }));
        res.on('error', (err) => fail(new RequestFailed(`The list answer failed: ${errorMessage(err)}`, err)));
        res.on('close', () => {
          if (!res.complete) {
            fail(closedEarly(`the list of ${path}`));
          }
        });
      });
      req.end();
    });
    return readPage(path, body ?? Buffer.alloc(0), contentType, onItems);
  } finally {
    // The listeners above share these variables (and outlive this call): clearing them lets the page go.
    chunks = [];
    // eslint-disable-next-line no-useless-assignment
    body = undefined;
  }
}

function readPage(path: string, body: Buffer, contentType: string | undefined, onItems: (items: unknown[]) => void): ListPage {
  let list: ReturnType<typeof splitList>;
  try {
    list = splitList(body, GROUP_SIZE, onItems);
  } catch (err) {
    // JSON.parse's own message quotes the text: the server's words stay out of the problem shown.
    if (err instanceof ListBodyError || err instanceof SyntaxError) {
      throw new MalformedListBody(path, err instanceof ListBodyError ? err.message : 'an item is not JSON', contentType);
    }
    throw err;
  }
  const metadata = field(list.envelope, 'metadata');
  const resourceVersion = field(metadata, 'resourceVersion');
  const continueToken = field(metadata, 'continue');
  return {
    count: list.count,
    resourceVersion: typeof resourceVersion === 'string' && resourceVersion ? resourceVersion : undefined,
    continueToken: typeof continueToken === 'string' && continueToken ? continueToken : undefined,
  };
}
