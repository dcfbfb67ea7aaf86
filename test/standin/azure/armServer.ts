import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { createCertificates } from '../certs';
import { ArmAnswer, armError, armErrors } from './armErrors';
import { ActivityLogQuery, parseActivityLogFilter } from './activityLogFilter';
import { ArmOperations, type ArmOperationRecord } from './armOperations';
import { agentPoolWire, availabilityStatusWire, instanceViewWire, managedClusterWire, plainVmWire, scaleSetVmWire } from './armWire';
import type { AzureScenario } from './scenario';
import { listenHttps } from './httpsListener';
import { registerSecret } from '../../harness/secrets';

/**
 * An Azure Resource Manager stand-in over HTTPS (its own CA, a 127.0.0.1 certificate, a bearer
 * token check) that serves, from an AzureScenario, exactly the GETs the diagnosis makes with the
 * real @azure/* clients, in ARM's wire format (`properties` bags; the new-generation SDKs lift
 * them client-side), and the node actions' long-running POSTs (armOperations.ts). Paged lists
 * answer with `nextLink`s back to this server. Faults are injected per path: ARM error statuses,
 * hangs, malformed bodies, delays.
 */

export interface ArmRequest {
  method: string;
  /** Decoded path, without the query. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** The Authorization header as sent. */
  auth?: string;
  /** Epoch ms of arrival. */
  at: number;
  /** The body as sent, when there was one (POSTs). */
  body?: string;
}

interface FaultMatch {
  /** Tested on the decoded request path (no query). */
  path: RegExp;
  /** e.g. `GET`; default any. */
  method?: string;
  /** How many requests it hits; default unlimited. */
  times?: number;
}

export type ArmFault = FaultMatch & (
  /** An ARM error: `code` and `message` default to what ARM says for the status (403 names the action and scope). */
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfterSeconds?: number }
  /** Accepts the request and never answers, until stop(). */
  | { kind: 'hang' }
  /** 200 with a JSON body cut short. */
  | { kind: 'malformed' }
  /** Answers normally after a delay. */
  | { kind: 'delay'; delayMs: number }
  /** Answers normally, but paged lists' nextLinks (and a POST's operation URLs) point at `base` (another host) instead of this server. */
  | { kind: 'foreignNextLink'; base: string }
);

export interface ArmStandInOptions {
  scenario: AzureScenario;
  port?: number;
  /** The bearer token to accept; default a random one. */
  token?: string;
  /** One line per request (method, path, status); never the token. */
  log?: (line: string) => void;
  /**
   * More GET routes (e.g. Log Analytics workspaces, data collection rules), tried before the built-in
   * ones after authentication: an answer, or undefined to fall through.
   */
  extraRoutes?: ArmRouteHandler;
}

/** An answer for a request the built-in routes do not know; undefined to fall through. */
export type ArmRouteHandler = (request: { method: string; path: string; params: URLSearchParams; /** The body as sent ('' for none). */ body: string }, scenario: AzureScenario) =>
  { status: number; body: unknown; headers?: Record<string, string> } | undefined;

export interface ArmStandIn {
  /** `https://127.0.0.1:PORT`: the clients' endpoint. */
  url: string;
  caPem: string;
  /** The CA as a file, for NODE_EXTRA_CA_CERTS of a process started later. */
  caFile: string;
  token: string;
  /** Live: changes (or a new scenario assigned here) show in the next answer. */
  scenario: AzureScenario;
  requests: ArmRequest[];
  /** The node actions' long-running operations, in the order they were accepted. */
  readonly operations: readonly ArmOperationRecord[];
  inject(fault: ArmFault): void;
  clearFaults(): void;
  /** Forgets the operations (one still InProgress no longer blocks its instance with 409). */
  clearOperations(): void;
  stop(): Promise<void>;
}

interface Context {
  res: http.ServerResponse;
  method: string;
  path: string;
  /** As sent (still encoded), for nextLinks. */
  rawPath: string;
  params: URLSearchParams;
  nextLinkBase: string;
  body: string;
}

const DEFAULT_PAGE = { managedClusters: 100, activityLog: 200 };

const P = {
  sub: '/subscriptions/([^/]+)',
  rg: '/resourceGroups/([^/]+)',
};
const route = (pattern: string): RegExp => new RegExp(`^${pattern}$`, 'i');
const ROUTES = {
  resourceHealth: route('(/.+)/providers/Microsoft\\.ResourceHealth/availabilityStatuses/current'),
  activityLog: route(`${P.sub}/providers/Microsoft\\.Insights/eventtypes/management/values`),
  clustersBySubscription: route(`${P.sub}/providers/Microsoft\\.ContainerService/managedClusters`),
  clustersByGroup: route(`${P.sub}${P.rg}/providers/Microsoft\\.ContainerService/managedClusters`),
  cluster: route(`${P.sub}${P.rg}/providers/Microsoft\\.ContainerService/managedClusters/([^/]+)`),
  agentPools: route(`${P.sub}${P.rg}/providers/Microsoft\\.ContainerService/managedClusters/([^/]+)/agentPools`),
  agentPool: route(`${P.sub}${P.rg}/providers/Microsoft\\.ContainerService/managedClusters/([^/]+)/agentPools/([^/]+)`),
  scaleSetVm: route(`${P.sub}${P.rg}/providers/Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)/virtualMachines/([^/]+)`),
  scaleSetVmView: route(`${P.sub}${P.rg}/providers/Microsoft\\.Compute/virtualMachineScaleSets/([^/]+)/virtualMachines/([^/]+)/instanceView`),
  vm: route(`${P.sub}${P.rg}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)`),
  vmView: route(`${P.sub}${P.rg}/providers/Microsoft\\.Compute/virtualMachines/([^/]+)/instanceView`),
};

const same = (a: string | undefined, b: string | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

class ArmServer implements ArmStandIn {
  readonly requests: ArmRequest[] = [];
  readonly token: string;
  readonly caPem: string;
  caFile = '';
  scenario: AzureScenario;
  private readonly certs = createCertificates();
  private server: https.Server | undefined;
  private port = 0;
  private readonly sockets = new Set<Socket>();
  private readonly hanging = new Set<http.ServerResponse>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private faults: { fault: ArmFault; remaining: number }[] = [];
  private tmpDir = '';
  private readonly ops = new ArmOperations(() => this.scenario, {
    subscription: (id) => this.subscription(id),
    scaleSetVm: (sub, group, scaleSet, instanceId) => this.scaleSetVm(sub, group, scaleSet, instanceId),
    cluster: (sub, group, name) => this.cluster(sub, group, name),
  });

  constructor(private readonly options: ArmStandInOptions) {
    this.token = registerSecret('ARM stand-in bearer token', options.token ?? `arm-standin-${randomUUID()}`);
    this.caPem = this.certs.caPem;
    this.scenario = options.scenario;
  }

  get operations(): readonly ArmOperationRecord[] {
    return this.ops.records;
  }

  clearOperations(): void {
    this.ops.clear();
  }

  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  inject(fault: ArmFault): void {
    this.faults.push({ fault, remaining: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clearFaults(): void {
    this.faults = [];
  }

  async listen(): Promise<void> {
    this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arm-standin-'));
    this.caFile = path.join(this.tmpDir, 'ca.crt');
    fs.writeFileSync(this.caFile, this.caPem);
    const { server, port } = await listenHttps(this.certs, (req, res) => this.handle(req, res), this.sockets, this.options.port);
    this.server = server;
    this.port = port;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) {
      clearTimeout(t);
    }
    this.timers.clear();
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
    if (this.tmpDir) {
      fs.rmSync(this.tmpDir, { recursive: true, force: true });
    }
  }

  // ---------------------------------------------------------------- HTTP

  /** Reads the body (up to 1 MiB), then answers. */
  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= 1024 * 1024) {
        chunks.push(chunk);
      }
    });
    req.on('end', () => this.answer(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
    const raw = req.url ?? '/';
    const url = new URL(raw, 'https://127.0.0.1');
    let decoded: string;
    try {
      decoded = decodeURIComponent(url.pathname);
    } catch {
      decoded = url.pathname;
    }
    const requestPath = decoded.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    this.requests.push({ method, path: requestPath, query: url.search.replace(/^\?/, ''), auth: req.headers.authorization, at: Date.now(), ...(body ? { body } : {}) });
    const correlation = typeof req.headers['x-ms-client-request-id'] === 'string' ? req.headers['x-ms-client-request-id'] : randomUUID();
    const writeHead = res.writeHead;
    res.writeHead = ((...args: Parameters<typeof res.writeHead>) => {
      this.options.log?.(`${method} ${url.pathname} -> ${args[0]}`);
      return writeHead.apply(res, args);
    }) as typeof res.writeHead;
    res.setHeader('x-ms-request-id', randomUUID());
    res.setHeader('x-ms-correlation-request-id', correlation);

    const ctx: Context = { res, method, path: requestPath, rawPath: url.pathname, params: url.searchParams, nextLinkBase: this.url, body };
    const fault = this.takeFault(method, requestPath);
    switch (fault?.kind) {
      case 'hang':
        this.hanging.add(res);
        res.on('close', () => this.hanging.delete(res));
        return;
      case 'malformed':
        this.send(res, 200, '{"value": [{"id": "/subscriptions/');
        return;
      case 'status':
        this.sendAnswer(res, this.faultAnswer(fault, ctx));
        return;
      case 'delay': {
        const t = setTimeout(() => {
          this.timers.delete(t);
          this.serve(req, ctx);
        }, fault.delayMs);
        this.timers.add(t);
        return;
      }
      case 'foreignNextLink':
        ctx.nextLinkBase = fault.base.replace(/\/+$/, '');
        break;
      default:
        break;
    }
    this.serve(req, ctx);
  }

  private serve(req: http.IncomingMessage, ctx: Context): void {
    try {
      this.authenticate(req.headers.authorization);
      if (!ctx.params.get('api-version')) {
        throw new ArmAnswer(400, armError('MissingApiVersionParameter', "The api-version query parameter (?api-version=) is required for all requests."));
      }
      const extra = this.options.extraRoutes?.({ method: ctx.method, path: ctx.path, params: ctx.params, body: ctx.body }, this.scenario);
      if (extra) {
        this.sendJson(ctx.res, extra.status, extra.body, extra.headers);
        return;
      }
      const op = this.ops.handle({ method: ctx.method, path: ctx.path, params: ctx.params, body: ctx.body, linkBase: ctx.nextLinkBase });
      if (op) {
        this.sendJson(ctx.res, op.status, op.body, op.headers);
        return;
      }
      this.sendJson(ctx.res, 200, this.route(ctx));
    } catch (err) {
      if (err instanceof ArmAnswer) {
        this.sendAnswer(ctx.res, err);
      } else {
        this.sendJson(ctx.res, 500, armError('InternalServerError', `Encountered internal server error: ${String(err)}`));
      }
    }
  }

  private authenticate(header: string | undefined): void {
    const challenge = (description: string): Record<string, string> => ({
      'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${this.scenario.tenantId}", error="invalid_token", error_description="${description}"`,
    });
    if (header === undefined) {
      const message = "Authentication failed. The 'Authorization' header is missing.";
      throw new ArmAnswer(401, armError('AuthenticationFailed', message), challenge(message));
    }
    if (header !== `Bearer ${this.token}`) {
      throw new ArmAnswer(401, armError('InvalidAuthenticationToken', 'The access token is invalid.'), challenge('The access token is invalid.'));
    }
  }

  private takeFault(method: string, requestPath: string): ArmFault | undefined {
    for (const entry of this.faults) {
      const { fault } = entry;
      if (entry.remaining <= 0 || (fault.method && !same(fault.method, method)) || !fault.path.test(requestPath)) {
        continue;
      }
      entry.remaining--;
      this.faults = this.faults.filter((f) => f.remaining > 0);
      return fault;
    }
    return undefined;
  }

  private faultAnswer(fault: Extract<ArmFault, { kind: 'status' }>, ctx: Context): ArmAnswer {
    const headers: Record<string, string> = {};
    if (fault.retryAfterSeconds !== undefined || fault.status === 429) {
      headers['Retry-After'] = String(fault.retryAfterSeconds ?? 1);
    }
    if (fault.status === 401) {
      headers['WWW-Authenticate'] = `Bearer authorization_uri="https://login.microsoftonline.com/${this.scenario.tenantId}", error="invalid_token", error_description="The access token is invalid."`;
    }
    const standard = armErrors.forStatus(fault.status, ctx.method, ctx.path, this.scenario.subscriptionId);
    return new ArmAnswer(fault.status, armError(fault.code ?? standard.code, fault.message ?? standard.message), headers);
  }

  private sendAnswer(res: http.ServerResponse, answer: ArmAnswer): void {
    this.sendJson(res, answer.status, answer.body, answer.headers);
  }

  /** `body` undefined: an empty body (a 202, or a finished operation's Location). */
  private sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    this.send(res, status, body === undefined ? '' : JSON.stringify(body), headers);
  }

  private send(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    if (res.headersSent || res.destroyed) {
      return;
    }
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache',
      Expires: '-1',
      Pragma: 'no-cache',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    });
    res.end(text);
  }

  // ---------------------------------------------------------------- routes

  private route(ctx: Context): unknown {
    const { path: p } = ctx;
    let m: RegExpExecArray | null;
    if ((m = ROUTES.resourceHealth.exec(p))) {
      this.only(ctx, 'GET');
      return this.resourceHealth(m[1]);
    }
    if ((m = ROUTES.activityLog.exec(p))) {
      this.only(ctx, 'GET');
      this.subscription(m[1]);
      return this.activityLog(ctx);
    }
    if ((m = ROUTES.clustersBySubscription.exec(p))) {
      this.only(ctx, 'GET');
      this.subscription(m[1]);
      return this.clusterList(ctx, this.scenario.managedClusters);
    }
    if ((m = ROUTES.clustersByGroup.exec(p))) {
      this.only(ctx, 'GET');
      this.group(m[1], m[2]);
      return this.clusterList(ctx, this.scenario.managedClusters.filter((c) => same(c.resourceGroup, m?.[2])));
    }
    if ((m = ROUTES.cluster.exec(p))) {
      this.only(ctx, 'GET');
      return managedClusterWire(this.scenario, this.cluster(m[1], m[2], m[3]));
    }
    if ((m = ROUTES.agentPools.exec(p))) {
      this.only(ctx, 'GET');
      const cluster = this.cluster(m[1], m[2], m[3]);
      return { value: cluster.agentPoolProfiles.map((pool) => agentPoolWire(this.scenario, cluster, pool)) };
    }
    if ((m = ROUTES.agentPool.exec(p))) {
      this.only(ctx, 'GET');
      const cluster = this.cluster(m[1], m[2], m[3]);
      const poolName = m[4];
      const pool = cluster.agentPoolProfiles.find((a) => same(a.name, poolName));
      if (!pool) {
        throw new ArmAnswer(404, armError('NotFound', `Agent pool "${poolName}" not found in managed cluster "${cluster.name}".`));
      }
      return agentPoolWire(this.scenario, cluster, pool);
    }
    if ((m = ROUTES.scaleSetVmView.exec(p))) {
      this.only(ctx, 'GET');
      return instanceViewWire(this.scaleSetVm(m[1], m[2], m[3], m[4]).instanceView, true);
    }
    if ((m = ROUTES.scaleSetVm.exec(p))) {
      this.only(ctx, 'GET');
      const vm = this.scaleSetVm(m[1], m[2], m[3], m[4]);
      return scaleSetVmWire(this.scenario, vm, /instanceView/i.test(ctx.params.get('$expand') ?? ''));
    }
    if ((m = ROUTES.vmView.exec(p))) {
      this.only(ctx, 'GET');
      return instanceViewWire(this.plainVm(m[1], m[2], m[3]).instanceView, false);
    }
    if ((m = ROUTES.vm.exec(p))) {
      this.only(ctx, 'GET');
      const vm = this.plainVm(m[1], m[2], m[3]);
      return plainVmWire(this.scenario, vm, /instanceView/i.test(ctx.params.get('$expand') ?? ''));
    }
    throw new ArmAnswer(404, armError('NotFound', `The stand-in serves no resource at '${p}'.`));
  }

  private only(ctx: Context, method: string): void {
    if (ctx.method !== method) {
      throw new ArmAnswer(405, armError('MethodNotAllowed', `The requested resource does not support http method '${ctx.method}'.`));
    }
  }

  private subscription(id: string): void {
    if (!same(id, this.scenario.subscriptionId)) {
      throw new ArmAnswer(404, armError('SubscriptionNotFound', `The subscription '${id}' could not be found.`));
    }
  }

  private group(sub: string, group: string): void {
    this.subscription(sub);
    const s = this.scenario;
    const known = [
      ...s.managedClusters.flatMap((c) => [c.resourceGroup, c.nodeResourceGroup]),
      ...s.scaleSetVms.map((v) => v.resourceGroup),
      ...s.virtualMachines.map((v) => v.resourceGroup),
    ];
    if (!known.some((g) => same(g, group))) {
      throw new ArmAnswer(404, armError('ResourceGroupNotFound', `Resource group '${group}' could not be found.`));
    }
  }

  private notFound(type: string, name: string, group: string): ArmAnswer {
    return new ArmAnswer(404, armError('ResourceNotFound',
      `The Resource '${type}/${name}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`));
  }

  private cluster(sub: string, group: string, name: string): AzureScenario['managedClusters'][number] {
    this.group(sub, group);
    const cluster = this.scenario.managedClusters.find((c) => same(c.resourceGroup, group) && same(c.name, name));
    if (!cluster) {
      throw this.notFound('Microsoft.ContainerService/managedClusters', name, group);
    }
    return cluster;
  }

  private scaleSetVm(sub: string, group: string, scaleSet: string, instanceId: string): AzureScenario['scaleSetVms'][number] {
    this.group(sub, group);
    const inSet = this.scenario.scaleSetVms.filter((v) => same(v.resourceGroup, group) && same(v.scaleSetName, scaleSet));
    const knownSet = inSet.length > 0 || this.scenario.managedClusters.some((c) => same(c.nodeResourceGroup, group)
      && c.agentPoolProfiles.some((a) => new RegExp(`^aks-${a.name}-\\d+-vmss$`, 'i').test(scaleSet)));
    if (!knownSet) {
      throw this.notFound('Microsoft.Compute/virtualMachineScaleSets', scaleSet, group);
    }
    const vm = inSet.find((v) => v.instanceId === instanceId);
    if (!vm) {
      // What Compute answers for an instance id its scale set does not have (any more).
      throw new ArmAnswer(404, armError('NotFound', 'The entity was not found in this Azure location.'));
    }
    return vm;
  }

  private plainVm(sub: string, group: string, name: string): AzureScenario['virtualMachines'][number] {
    this.group(sub, group);
    const vm = this.scenario.virtualMachines.find((v) => same(v.resourceGroup, group) && same(v.name, name));
    if (!vm) {
      throw this.notFound('Microsoft.Compute/virtualMachines', name, group);
    }
    return vm;
  }

  private resourceHealth(resourceId: string): unknown {
    const s = this.scenario;
    const vmss = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachineScaleSets\/([^/]+)\/virtualMachines\/([^/]+)$/i.exec(resourceId);
    const vm = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(resourceId);
    const cluster = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.ContainerService\/managedClusters\/([^/]+)$/i.exec(resourceId);
    let location: string;
    if (vmss) {
      location = this.scaleSetVm(vmss[1], vmss[2], vmss[3], vmss[4]).location;
    } else if (vm) {
      location = this.plainVm(vm[1], vm[2], vm[3]).location;
    } else if (cluster) {
      location = this.cluster(cluster[1], cluster[2], cluster[3]).location;
    } else {
      throw new ArmAnswer(404, armError('ResourceNotFound', `The resource '${resourceId}' was not found or Resource Health does not support its type.`));
    }
    const status = s.resourceHealth.find((h) => same(h.resourceId, resourceId))
      ?? { resourceId, availabilityState: 'Available' as const, title: 'Available', summary: "There aren't any known Azure platform problems affecting this resource." };
    return availabilityStatusWire(status, resourceId, location);
  }

  private clusterList(ctx: Context, clusters: AzureScenario['managedClusters']): unknown {
    const size = Math.max(1, this.scenario.paging?.managedClusters ?? DEFAULT_PAGE.managedClusters);
    const { items, nextLink } = this.page(ctx, clusters, size, '$skipToken');
    return { value: items.map((c) => managedClusterWire(this.scenario, c)), ...(nextLink ? { nextLink } : {}) };
  }

  private activityLog(ctx: Context): unknown {
    const filter = ctx.params.get('$filter') ?? '';
    let query: ActivityLogQuery;
    try {
      query = parseActivityLogFilter(filter);
    } catch (err) {
      throw new ArmAnswer(400, armError('BadRequest', err instanceof Error ? err.message : String(err)));
    }
    const entries = this.scenario.activityLog
      .filter((e) => query.matches(e))
      .sort((a, b) => Date.parse(b.eventTimestamp) - Date.parse(a.eventTimestamp));
    const size = Math.max(1, this.scenario.paging?.activityLog ?? DEFAULT_PAGE.activityLog);
    const { items, nextLink } = this.page(ctx, entries, size, '$skiptoken');
    const select = (ctx.params.get('$select') ?? '').split(',').map((f) => f.trim()).filter(Boolean);
    const value = items.map((e) => {
      const wire = { ...e, id: `${e.resourceId}/events/${e.eventDataId ?? randomUUID()}/ticks/${Date.parse(e.eventTimestamp) * 10_000 + 621_355_968_000_000_000}`, subscriptionId: this.scenario.subscriptionId, tenantId: this.scenario.tenantId };
      return select.length === 0 ? wire : Object.fromEntries(Object.entries(wire).filter(([k]) => select.some((f) => same(f, k))));
    });
    return { value, ...(nextLink ? { nextLink } : {}) };
  }

  /** One page from a skip token (an offset); the nextLink carries the request's own query. */
  private page<T>(ctx: Context, all: readonly T[], size: number, tokenName: string): { items: T[]; nextLink?: string } {
    const token = ctx.params.get(tokenName);
    const offset = token ? Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10) || 0 : 0;
    const items = all.slice(offset, offset + size);
    if (offset + size >= all.length) {
      return { items };
    }
    const params = [...ctx.params].filter(([k]) => k !== tokenName);
    params.push([tokenName, Buffer.from(String(offset + size)).toString('base64url')]);
    // Encoded as ARM writes it (%20, not +).
    const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    return { items, nextLink: `${ctx.nextLinkBase}${ctx.rawPath}?${query}` };
  }
}

export async function startArmStandIn(options: ArmStandInOptions): Promise<ArmStandIn> {
  const server = new ArmServer(options);
  await server.listen();
  return server;
}
