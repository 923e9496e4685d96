// The front ends' connections, so that a shutdown closes at once every one that is not carrying
// a whole request being answered.
//
// Node takes a connection whose first request has not arrived, or whose next request is only
// partly in, for a busy one: server.close() and closeIdleConnections() leave it open until its
// headers or request timeout. Clients that connect ahead of need (undici, browsers), a load
// balancer's TCP probe, a TLS handshake left half-done, or a client that stopped sending would
// each hold a SIGTERM that long. Nothing is lost by closing them: no request of theirs was read.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server, Socket } from 'node:net';

interface Connection {
  readonly raw: Socket;
  /** the TLS socket requests arrive on, for HTTPS */
  secure?: Socket;
}

export class ConnectionTracker {
  // Keyed by the peer's address and port: an HTTPS request's socket is the TLS socket, not the
  // TCP one the server accepted, and Node offers no public link between the two.
  private readonly open = new Map<string, Connection>();
  // The answer to each connection's latest request: one WeakMap write per request.
  private readonly latest = new WeakMap<Socket, ServerResponse>();

  watch(server: Server): void {
    server.on('connection', (raw: Socket) => {
      const key = keyOf(raw);
      if (key === undefined) return;
      this.open.set(key, { raw });
      raw.once('close', () => {
        if (this.open.get(key)?.raw === raw) this.open.delete(key);
      });
    });
    server.on('secureConnection', (secure: Socket) => {
      const c = this.open.get(keyOf(secure) ?? '');
      if (c) c.secure = secure;
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      this.latest.set(req.socket, res);
    });
  }

  /**
   * Closes every connection but those answering a request that has fully arrived (they close
   * once answered: Connection: close). Returns how many were closed.
   */
  closeUnanswered(): number {
    let closed = 0;
    for (const c of this.open.values()) {
      const res = this.latest.get(c.secure ?? c.raw);
      if (res !== undefined && !res.writableFinished && res.req.complete) continue;
      c.raw.destroy();
      closed++;
    }
    return closed;
  }
}

function keyOf(socket: Socket): string | undefined {
  const { remoteAddress, remotePort } = socket;
  return remoteAddress === undefined || remotePort === undefined ? undefined : `[${remoteAddress}]:${remotePort}`;
}
