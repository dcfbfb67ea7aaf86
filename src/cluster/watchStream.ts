/**
 * One watch request, owned here rather than by client-node's Watch, for two reasons: client-node
 * drops a line it cannot parse without a word (so the change on it is lost until the next relist),
 * and its idle timeout is a private field. The request itself (URL, TLS, credentials from the
 * KubeConfig's public applyToHTTPSOptions) and its errors are kubeRequest.ts's, shared with the
 * lists; the lines are read here, and the idle timer is ours.
 */

import type * as https from 'node:https';

import { field } from '../domain/nodeProjection';
import type { ClientNode } from './clientAdapter';
import { errorMessage } from './clientErrors';
import { closedEarly, prepareGet, readStatusError, RequestFailed } from './kubeRequest';

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
  /** Connections shared with the client's lists (kubeRequest.ts). */
  readonly agent: https.Agent;
  /** No byte at all (headers included) for this long: the watch ends with a TimeoutError. */
  readonly idleMs: number;
}

/**
 * Starts a watch on `path`. `onEvent` gets each event; `onDone` is called once: null for a clean
 * end, else the error (a MalformedWatchLine, a TimeoutError, an Error with `statusCode` for a
 * non-200 answer (kubeRequest.ts), a RequestFailed). Rejects when the credentials cannot be had.
 */
export async function openWatch(
  kc: KubeConfig,
  path: string,
  query: Record<string, string | number | boolean | undefined>,
  onEvent: (type: string, object: unknown) => void,
  onDone: (err: unknown) => void,
  options: WatchStreamOptions,
): Promise<{ abort(): void }> {
  const req = await prepareGet(kc, path, { ...query, watch: true }, options.agent);
  let finished = false;
  let timer: NodeJS.Timeout | undefined;

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

  req.on('error', (err) => finish(new RequestFailed(`The watch request failed: ${errorMessage(err)}`, err)));
  req.on('response', (res) => {
    if (res.statusCode !== 200) {
      readStatusError(res, finish);
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
    res.on('close', () => finish(res.complete ? null : closedEarly('the watch')));
  });
  arm();
  req.end();
  return {
    abort: () => finish(new DOMException('The watch was aborted', 'AbortError')),
  };
}
