/**
 * The part of a request to the API server that lists and watches share: the URL, and everything
 * the KubeConfig supplies through its public applyToHTTPSOptions (server, TLS, proxy agent, bearer
 * or exec-plugin token), plus the errors a non-200 answer or a broken connection become. The errors
 * keep the shapes clientErrors.ts reads from client-node's: `statusCode`, the body as a string,
 * lower-case `headers`; a socket error as the `cause` (its `code` is what problems.ts classifies;
 * a connection not made within 10 s fails as ETIMEDOUT, "cannot reach").
 */

import * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';

import type { ClientNode } from './clientAdapter';

type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

export type QueryValues = Record<string, string | number | boolean | undefined>;

/** How much of an error answer's body is read (a Status is a few hundred bytes). */
const ERROR_BODY_BYTES = 64 * 1024;

/**
 * A kept-alive connection unused for this long is closed: the pages of a list follow each other
 * within milliseconds, and after a pause (a laptop's sleep above all) a fresh connection is safer
 * than one the network may have dropped silently.
 */
const IDLE_SOCKET_MS = 5_000;

/**
 * A TCP connection not made within this long fails with ETIMEDOUT, which problems.ts reports as
 * "cannot reach": a blackholed server (a private cluster off its VPN) says so in 10 s rather than
 * as a request timeout in 30 (as client-node's undici did, with UND_ERR_CONNECT_TIMEOUT).
 */
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * Connections for one client's requests. client-node's own agent does not keep connections alive,
 * so each of the hundred-odd pages of a large list would pay a TLS handshake (a quarter of a
 * second in all for 5,000 nodes and 50,000 events, measured); these are reused.
 */
export function keepAliveAgent(): https.Agent {
  return new https.Agent({ keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' });
}

/**
 * A GET on `path` with the KubeConfig's server, TLS and credentials, not yet sent (`end()` it),
 * through `agent` unless the cluster goes through a proxy (then the KubeConfig's proxy agent).
 * Rejects when the credentials cannot be had (an exec plugin's failure, as client-node reports it).
 */
export async function prepareGet(kc: KubeConfig, path: string, query: QueryValues, agent: https.Agent): Promise<http.ClientRequest> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) {
    throw new Error('No currently active cluster');
  }
  const url = new URL(cluster.server + path);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      url.searchParams.set(key, String(value));
    }
  }
  const options: https.RequestOptions = { method: 'GET', headers: { Accept: 'application/json' } };
  await kc.applyToHTTPSOptions(options);
  if (url.protocol === 'https:' && !cluster.proxyUrl) {
    // The TLS options (CA, client certificate) stay on the request: the agent pools connections by them.
    options.agent = agent;
  }
  const req = (url.protocol === 'http:' ? http : https).request(url, options);
  req.on('socket', (socket) => limitConnect(req, socket));
  return req;
}

/** Ends the request with ETIMEDOUT when its socket is still connecting after CONNECT_TIMEOUT_MS. */
function limitConnect(req: http.ClientRequest, socket: Socket): void {
  if (!socket.connecting) {
    // A kept-alive connection being reused, or a proxy agent's socket already connected.
    return;
  }
  const timer = setTimeout(() => {
    req.destroy(Object.assign(new Error(`No connection to the API server within ${CONNECT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' }));
  }, CONNECT_TIMEOUT_MS);
  // Both listeners go as soon as either fires: a kept-alive socket outlives its first request, and a
  // listener left on it would hold that request, its answer and a list page's whole body (the soak's
  // heap snapshots found 7.4 MB pages held this way for as long as a watch reused the socket).
  const clear = (): void => {
    clearTimeout(timer);
    socket.removeListener('connect', clear);
    socket.removeListener('close', clear);
  };
  socket.once('connect', clear);
  socket.once('close', clear);
}

/** A non-200 answer, read as client-node's ApiException is: its status, its body (a Status, as a rule), its headers. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';

  constructor(readonly statusCode: number, readonly body: string, readonly headers: http.IncomingHttpHeaders, statusMessage?: string) {
    super(`HTTP ${statusCode} ${statusMessage || http.STATUS_CODES[statusCode] || ''}`.trim());
  }
}

/** The connection failed or closed before the answer was complete; `cause` is the socket's error. */
export class RequestFailed extends Error {
  override readonly name = 'RequestFailed';
  readonly code: string | undefined;

  constructor(message: string, cause?: unknown) {
    super(message, { cause });
    const code = (cause as { code?: unknown } | undefined)?.code;
    this.code = typeof code === 'string' ? code : undefined;
  }
}

/** The answer ended before its last byte: a connection reset, as problems.ts classifies it. */
export function closedEarly(what: string): RequestFailed {
  return new RequestFailed(`The connection closed before ${what} was complete`, Object.assign(new Error('socket closed early'), { code: 'ECONNRESET' }));
}

/** Reads (the start of) a non-200 answer's body, then calls `done` with the error for it. */
export function readStatusError(res: http.IncomingMessage, done: (err: HttpStatusError) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let called = false;
  const finish = (): void => {
    if (!called) {
      called = true;
      done(new HttpStatusError(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), res.headers, res.statusMessage));
    }
  };
  res.on('data', (chunk: Buffer) => {
    chunks.push(chunk.subarray(0, ERROR_BODY_BYTES - size));
    size += chunk.length;
    if (size >= ERROR_BODY_BYTES) {
      // Enough to read a Status: a huge or slow body must not turn the answer into a timeout.
      finish();
      res.destroy();
    }
  });
  // The status is what matters: a body cut off still gives it.
  res.on('end', finish);
  res.on('close', finish);
  res.on('error', finish);
}
