/**
 * One watch request, owned here rather than by client-node's Watch, for two reasons: client-node
 * drops a line it cannot parse without a word (so the change on it is lost until the next relist),
 * and its idle timeout is a private field. The KubeConfig still supplies everything the request
 * needs (server, TLS, proxy agent, bearer or exec-plugin token) through its public
 * applyToHTTPSOptions; the lines are read here, and the idle timer is ours.
 */

import * as http from 'node:http';
import * as https from 'node:https';

import { field } from '../domain/nodeProjection';
import type { ClientNode } from './clientAdapter';
import { errorMessage } from './clientErrors';

type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

/** Past this, a line without its newline is not a watch event we could use. */
const MAX_LINE_CHARS = 32 * 1024 * 1024;
/** How much of a bad line is kept for the log (redacted there). */
const KEPT_CHARS = 300;

/**
 * A watch line that is not a watch event: the change it carried is lost, so the watch ends and
 * the caller relists at once. `line` is raw cluster text: redact it before logging.
 */
export class MalformedWatchLine extends Error {
  override readonly name = 'MalformedWatchLine';
  readonly line: string;

  constructor(line: string, readonly reason: string) {
    super(`A watch line is not a watch event (${reason})`);
    this.line = line.slice(0, KEPT_CHARS);
  }
}

export interface WatchStreamOptions {
  /** No byte at all (headers included) for this long: the watch ends with a TimeoutError. */
  readonly idleMs: number;
}

/**
 * Starts a watch on `path`. `onEvent` gets each event; `onDone` is called once: null for a clean
 * end, else the error (a MalformedWatchLine, a TimeoutError, an Error with `statusCode` for a
 * non-200 answer as client-node's, a socket error). Rejects when the credentials cannot be had.
 */
export async function openWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onEvent: (type: string, object: unknown) => void,
  onDone: (err: unknown) => void,
  options: WatchStreamOptions,
): Promise<{ abort(): void }> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('No currently active cluster');
  }
  const url = new URL(cluster.server + path);
  url.searchParams.set('watch', 'true');
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      url.searchParams.set(key, String(value));
    }
  }
  const requestOptions: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(requestOptions);

  let finished = false;
  let timer: NodeJS.Timeout | undefined;
  const transport = url.protocol === 'http:' ? http : https;
  const req = transport.request(url, requestOptions);

  const finish = (err: unknown): void => {
    if (finished) {
      return;
    }
    finished = true;
    clearTimeout(timer);
    req.destroy();
    onDone(err);
  };
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => finish(new DOMException(`The watch sent nothing for ${options.idleMs} ms`, 'TimeoutError')), options.idleMs);
    timer.unref();
  };
  /** False once the watch has ended. */
  const handleLine = (raw: string): boolean => {
    const line = raw.trim();
    if (line === '') {
      return true;
    }
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (err) {
      finish(new MalformedWatchLine(line, errorMessage(err)));
      return false;
    }
    const type = field(data, 'type');
    if (typeof type !== 'string') {
      finish(new MalformedWatchLine(line, 'no "type"'));
      return false;
    }
    try {
      onEvent(type, field(data, 'object'));
    } catch (err) {
      // client-node would swallow this too; a change the model could not take must not pass unseen.
      finish(err);
      return false;
    }
    return true;
  };

  req.on('error', finish);
  req.on('response', (res) => {
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      res.resume();
      finish(Object.assign(new Error(res.statusMessage || http.STATUS_CODES[status] || 'Internal Server Error'), { statusCode: status }));
      return;
    }
    arm();
    res.setEncoding('utf8');
    let pending = '';
    res.on('data', (chunk: string) => {
      if (finished) {
        return;
      }
      arm();
      // Only the new chunk can hold the next newline: a long line is not scanned again and again.
      const searchFrom = pending.length;
      pending += chunk;
      let start = 0;
      for (let nl = pending.indexOf('\n', searchFrom); nl >= 0; nl = pending.indexOf('\n', start)) {
        if (!handleLine(pending.slice(start, nl))) {
          return;
        }
        start = nl + 1;
      }
      pending = pending.slice(start);
      if (pending.length > MAX_LINE_CHARS) {
        finish(new MalformedWatchLine(pending, `no end of line after ${MAX_LINE_CHARS} characters`));
      }
    });
    res.on('end', () => {
      if (handleLine(pending)) {
        finish(null);
      }
    });
    res.on('error', finish);
    res.on('close', () => finish(res.complete ? null : Object.assign(new Error('The watch connection closed early'), { code: 'ECONNRESET' })));
  });
  arm();
  req.end();
  return {
    abort: () => finish(new DOMException('The watch was aborted', 'AbortError')),
  };
}
