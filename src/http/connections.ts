// Connections of the front ends that have not sent a request yet, so that a shutdown closes them.
//
// Node takes a connection whose first request has not arrived for a busy one (its headers timer
// runs from the connect): server.close() and closeIdleConnections() leave it open until
// headersTimeout, a minute. Clients that connect ahead of need (undici, browsers), a load
// balancer's TCP probe, or a TLS handshake left half-done would each hold a SIGTERM that long.
// Connections that have carried a request are Node's to close once idle (Fastify asks it to).
import type { IncomingMessage } from 'node:http';
import type { Server, Socket } from 'node:net';

export class ConnectionTracker {
  // Keyed by the peer's address and port: an HTTPS request's socket is the TLS socket, not the
  // TCP one the server accepted, and Node offers no public link between the two.
  private readonly silent = new Map<string, Socket>();
  // Sockets whose first request has been seen: later ones cost one lookup.
  private readonly spoke = new WeakSet<Socket>();

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      const key = keyOf(socket);
      if (key === undefined) return;
      this.silent.set(key, socket);
      socket.once('close', () => {
        if (this.silent.get(key) === socket) this.silent.delete(key);
      });
    });
    server.on('request', (req: IncomingMessage) => {
      if (this.spoke.has(req.socket)) return;
      this.spoke.add(req.socket);
      const key = keyOf(req.socket);
      if (key !== undefined) this.silent.delete(key);
    });
  }

  /**
   * Closes every connection that has not sent a request (or only part of its first one: it
   * has not been read, so nothing is lost that the client cannot send again).
   */
  closeSilent(): number {
    const sockets = [...this.silent.values()];
    for (const socket of sockets) socket.destroy();
    return sockets.length;
  }
}

function keyOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : `[${remoteAddress}]:${remotePort}`;
}
