/**
 * The error answer of our own requests, against a real local HTTP server: a huge body that never
 * ends is read up to the cap, then the answer is closed, so a 503 stays a 503 (not a timeout).
 */
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { type HttpStatusError, readStatusError } from '../../src/cluster/kubeRequest';

describe('Reading an error answer', () => {
  let server: http.Server;
  let closedByClient: Promise<void>;

  beforeEach(async () => {
    let closed!: () => void;
    closedByClient = new Promise((resolve) => (closed = resolve));
    server = http.createServer((req, res) => {
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' });
      // 1 MB of body, then nothing more and no end: only the client closing ends it.
      res.write(Buffer.alloc(1024 * 1024, 'x'));
      req.socket.on('close', closed);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('stops at 64 KB of a body that never ends and closes the answer', async () => {
    const { port } = server.address() as AddressInfo;
    const err = await new Promise<HttpStatusError>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/nodes' }, (res) => readStatusError(res, resolve));
      req.on('error', reject);
    });
    assert.equal(err.statusCode, 503);
    assert.equal(err.headers['retry-after'], '5');
    assert.equal(err.body.length, 64 * 1024);
    await closedByClient;
  });
});
