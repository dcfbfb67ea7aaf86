/**
 * A Log Analytics query API stand-in over HTTPS (the same CA and 127.0.0.1 certificate as the
 * other stand-ins, a bearer token check): `POST /v1/workspaces/{workspaceId}/query` with
 * `{query, timespan}`, answering `{tables: [{name: 'PrimaryResult', columns, rows}]}` from the
 * workspace's `KubeEvents` rows for the query shape the extension builds (kqlShape.ts). Faults
 * per workspace: a partial failure (`error` beside the tables, as the real API sends it), any
 * status (403, 429 with Retry-After …), a hang.
 */
import { randomUUID } from 'node:crypto';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';

import { createCertificates } from '../certs';
import type { InsightsWorkspace } from './insightsScenario';
import { evaluate, KqlShapeError, parseKubeEventsQuery } from './kqlShape';
import { listenHttps } from './httpsListener';
import { registerSecret } from '../../harness/secrets';

export interface LogAnalyticsRequest {
  method: string;
  path: string;
  /** The Authorization header as sent. */
  auth?: string;
  workspace?: string;
  query?: string;
  timespan?: string;
  /** The `Prefer` header (`wait=…`). */
  prefer?: string;
  at: number;
}

export type LogAnalyticsFault = {
  /** The workspace ID it applies to; default every workspace. */
  workspace?: string;
  /** How many queries it hits; default unlimited. */
  times?: number;
} & (
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfterSeconds?: number }
  | { kind: 'hang' }
  /** 200 with the first `keepRows` rows (default half) and the `error` member beside the tables. */
  | { kind: 'partial'; keepRows?: number }
);

export interface LogAnalyticsStandInOptions {
  /** Live: tests change rows, add workspaces or set `errorsOnly`, and the next answer shows it. */
  workspaces: InsightsWorkspace[];
  port?: number;
  /** The bearer token to accept; default a random one. */
  token?: string;
  /** One line per request (method, path, status); never the token or the query. */
  log?: (line: string) => void;
}

export interface LogAnalyticsStandIn {
  /** `https://127.0.0.1:PORT` (without `/v1`): the `logAnalyticsEndpoint` setting. */
  url: string;
  caPem: string;
  token: string;
  workspaces: InsightsWorkspace[];
  requests: LogAnalyticsRequest[];
  inject(fault: LogAnalyticsFault): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

const QUERY_PATH = /^\/v1\/workspaces\/([^/]+)\/query$/i;
const MAX_BODY = 1024 * 1024;

function laError(code: string, message: string, extra: Record<string, unknown> = {}): unknown {
  return { error: { message, code, correlationId: randomUUID(), ...extra } };
}

const STANDARD: Record<number, { code: string; message: string }> = {
  400: { code: 'BadArgumentError', message: 'The request had some invalid properties' },
  401: { code: 'AuthorizationRequiredError', message: 'Valid authentication was not provided' },
  403: { code: 'InsufficientAccessError', message: 'The provided credentials have insufficient access to perform the requested operation' },
  404: { code: 'WorkspaceNotFoundError', message: 'The workspace could not be found' },
  429: { code: 'ThrottledError', message: 'Your request was throttled: too many requests were made in a short time. Retry after the period the Retry-After header names.' },
  500: { code: 'InternalServerError', message: 'An unexpected error occurred' },
  503: { code: 'ServiceUnavailableError', message: 'The service is temporarily unavailable' },
};

class LogAnalyticsServer implements LogAnalyticsStandIn {
  readonly requests: LogAnalyticsRequest[] = [];
  readonly token: string;
  readonly caPem: string;
  workspaces: InsightsWorkspace[];
  private readonly certs = createCertificates();
  private server: https.Server | undefined;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<http.ServerResponse>();
  private faults: { fault: LogAnalyticsFault; remaining: number }[] = [];

  constructor(private readonly options: LogAnalyticsStandInOptions) {
    this.token = registerSecret('Log Analytics stand-in bearer token', options.token ?? `la-standin-${randomUUID()}`);
    this.caPem = this.certs.caPem;
    this.workspaces = options.workspaces;
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  inject(fault: LogAnalyticsFault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async listen(): Promise<void> {
    const { server, port } = await listenHttps(this.certs, (req, res) => this.handle(req, res), this.sockets, this.options.port);
    this.server = server;
    this.port = port;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) {
      res.destroy();
    }
    this.hanging.clear();
    const server = this.server;
    this.server = undefined;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of this.sockets) {
        socket.destroy();
      }
      await closed;
    }
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) {
        chunks.push(c);
      }
    });
    req.on('end', () => this.serve(req, res, size > MAX_BODY ? undefined : Buffer.concat(chunks).toString('utf8')));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, text: string | undefined): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const m = QUERY_PATH.exec(url.pathname);
    let body: { query?: unknown; timespan?: unknown } = {};
    try {
      body = text ? JSON.parse(text) as typeof body : {};
    } catch {
      // Answered below as a bad request.
    }
    const workspace = m ? decodeURIComponent(m[1]).toLowerCase() : undefined;
    const request: LogAnalyticsRequest = {
      method, path: url.pathname, auth: req.headers.authorization, workspace,
      query: typeof body.query === 'string' ? body.query : undefined,
      timespan: typeof body.timespan === 'string' ? body.timespan : undefined,
      prefer: typeof req.headers.prefer === 'string' ? req.headers.prefer : undefined,
      at: Date.now(),
    };
    this.requests.push(request);
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}): void => {
      this.options.log?.(`${method} ${url.pathname} -> ${status}`);
      const json = JSON.stringify(answer);
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(json), 'x-ms-request-id': randomUUID(), ...headers });
      res.end(json);
    };
    if (!m) {
      send(404, laError('PathNotFoundError', `The requested path does not exist: ${url.pathname}`));
      return;
    }
    if (method !== 'POST') {
      send(405, laError('MethodNotAllowed', `The method ${method} is not allowed here`));
      return;
    }
    if (req.headers.authorization !== `Bearer ${this.token}`) {
      const s = STANDARD[401];
      send(401, laError(s.code, s.message), { 'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' });
      return;
    }
    const fault = this.takeFault(workspace ?? '');
    if (fault?.kind === 'hang') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault?.kind === 'status') {
      const s = STANDARD[fault.status] ?? { code: 'Error', message: `Status ${fault.status}` };
      const headers: Record<string, string> = fault.status === 429 || fault.retryAfterSeconds !== undefined ? { 'Retry-After': String(fault.retryAfterSeconds ?? 1) } : {};
      send(fault.status, laError(fault.code ?? s.code, fault.message ?? s.message), headers);
      return;
    }
    const space = this.workspaces.find((w) => w.customerId.toLowerCase() === workspace);
    if (!space) {
      send(404, laError('WorkspaceNotFoundError', `The workspace ${workspace ?? ''} could not be found`));
      return;
    }
    if (typeof body.query !== 'string') {
      send(400, laError('BadArgumentError', 'The request had some invalid properties', { details: [{ code: 'QueryValidationError', message: 'A query is required' }] }));
      return;
    }
    let table;
    try {
      const rows = space.errorsOnly ? space.rows.filter((r) => r.KubeEventType !== 'Normal') : space.rows;
      table = evaluate(parseKubeEventsQuery(body.query), rows, Date.now(), request.timespan);
    } catch (err) {
      if (err instanceof KqlShapeError) {
        send(400, laError('BadArgumentError', 'The request had some invalid properties', { details: [{ code: 'SemanticError', message: err.message }] }));
        return;
      }
      send(500, laError('InternalServerError', `The stand-in failed: ${String(err)}`));
      return;
    }
    if (fault?.kind === 'partial') {
      const keep = fault.keepRows ?? Math.floor(table.rows.length / 2);
      send(200, {
        tables: [{ ...table, rows: table.rows.slice(0, keep) }],
        error: {
          code: 'PartialError',
          message: 'There were some errors when processing your query.',
          details: [{
            code: 'EngineError',
            message: 'Something went wrong processing your query on the server.',
            innererror: { code: '-2133196797', message: 'Query result set has exceeded the internal data size limit 64000000 (E_QUERY_RESULT_SET_TOO_LARGE).', severity: 2, severityName: 'Error' },
          }],
        },
      });
      return;
    }
    send(200, { tables: [table] });
  }

  private takeFault(workspace: string): LogAnalyticsFault | undefined {
    for (const entry of this.faults) {
      if (entry.remaining <= 0 || (entry.fault.workspace && entry.fault.workspace.toLowerCase() !== workspace)) {
        continue;
      }
      entry.remaining--;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      return entry.fault;
    }
    return undefined;
  }
}

export async function startLogAnalyticsStandIn(options: LogAnalyticsStandInOptions): Promise<LogAnalyticsStandIn> {
  const server = new LogAnalyticsServer(options);
  await server.listen();
  return server;
}
