// Connections of the front ends, so that a shutdown closes the quiet ones at once.
//
// Node takes a connection whose first request has not arrived for a busy one (its headers timer
// runs from the connect): server.close() and closeIdleConnections() leave it open until
// headersTimeout, a minute. Clients that connect ahead of need (undici, browsers), a load
// balancer's TCP probe, or a TLS handshake left half-done would each hold a SIGTERM that long.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';

interface Tracked {
  readonly socket: Socket;
  inFlight: number;
}

export class ConnectionTracker {
  // Keyed by the peer's address and port: an HTTPS request's socket is the TLS socket, not the
  // TCP one the server accepted, and Node offers no public link between the two.
  private readonly open = new Map<string, Tracked>();

  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      const key = keyOf(socket);
      if (key === undefined) return;
      this.open.set(key, { socket, inFlight: 0 });
      socket.once('close', () => {
        if (this.open.get(key)?.socket === socket) this.open.delete(key);
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const key = keyOf(req.socket);
      const tracked = key === undefined ? undefined : this.open.get(key);
      if (!tracked) return;
      tracked.inFlight++;
      res.once('close', () => {
        tracked.inFlight--;
      });
    });
  }

  /**
   * Closes every connection with no request in flight, including those that never sent one
   * (or sent only part of one: it has not been read, so nothing is lost that the client
   * cannot send again). The others are closed once answered (Connection: close).
   */
  closeQuiet(): number {
    let closed = 0;
    for (const tracked of this.open.values()) {
      if (tracked.inFlight > 0) continue;
      tracked.socket.destroy();
      closed++;
    }
    return closed;
  }

  get size(): number {
    return this.open.size;
  }
}

function keyOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : `[${remoteAddress}]:${remotePort}`;
}
