import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

/**
 * Starts an HTTPS server on 127.0.0.1 for a stand-in: its certificate, its handler, and the set
 * of open sockets (so stop() can end hung requests at once). A client that does not trust our CA
 * aborts the handshake: that is its error, not the server's, so TLS client errors are ignored.
 */
export async function listenHttps(
  tls: { readonly certPem: string; readonly keyPem: string },
  handler: (req: http.IncomingMessage, res: http.ServerResponse) => void,
  sockets: Set<Socket>,
  port = 0,
): Promise<{ server: https.Server; port: number }> {
  const server = https.createServer({ cert: tls.certPem, key: tls.keyPem }, handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
