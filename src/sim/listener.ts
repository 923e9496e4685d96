// The simulator's HTTP side and the ways it can be made to fail, for testing a client's
// recovery against real sockets: cut every open connection, cut the next requests without an
// answer, answer slowly, or stop listening (connections refused) and listen again on the
// same port.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** How the simulator misbehaves now; see Simulator.setMode. */
export interface FailureMode {
  /** the next n requests are read and then their connection is cut, unanswered and unserved */
  readonly dropNext: number;
  /** every call waits this long before it is served (0: none) */
  readonly delayMs: number;
  /** not listening: new connections are refused (ECONNREFUSED) and open ones are cut */
  readonly refuse: boolean;
}

/** What the failure modes did so far; see Simulator.faultStats. */
export interface FailureStats {
  /** requests cut unanswered by dropNext */
  droppedRequests: number;
  /** open connections cut by dropConnections, refuse, restart and role changes */
  droppedConnections: number;
  /** calls that waited delayMs */
  delayedCalls: number;
  /** delayed calls whose client went away meanwhile: they were never served */
  abandonedCalls: number;
  /** times the simulator stopped listening (refuse, restart, role changes) */
  refusals: number;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export const NORMAL_MODE: FailureMode = Object.freeze({ dropNext: 0, delayMs: 0, refuse: false });

export class SimListener {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly stopping = new AbortController();
  private current: FailureMode = NORMAL_MODE;
  private listening = false;
  readonly stats: FailureStats = { droppedRequests: 0, droppedConnections: 0, delayedCalls: 0, abandonedCalls: 0, refusals: 0 };
  /** the port, fixed by the first listen */
  port = 0;

  constructor(private readonly host: string, handler: RequestHandler) {
    this.server = createServer((req, res) => {
      this.onRequest(req, res, handler).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500);
        res.end(String(err));
      });
    });
    // event.from long-polls; the request itself is small, so only idle keep-alive is bounded.
    this.server.keepAliveTimeout = 30_000;
    this.server.requestTimeout = 0;
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  get mode(): FailureMode {
    return this.current;
  }

  /** Listens on `port` (0: any free one the first time; later calls reuse the first port). */
  async listen(port: number): Promise<void> {
    if (this.listening || this.stopping.signal.aborted) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port || port, this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.listening = true;
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every open connection; resolves once the port is free. */
  async unlisten(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    this.stats.refusals++;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  /** Destroys every open socket now (answers in flight are lost); returns how many. */
  dropConnections(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.stats.droppedConnections += n;
    return n;
  }

  /** Changes the failure mode; `refuse` takes effect before this resolves. */
  async setMode(patch: Partial<FailureMode>): Promise<void> {
    const next: FailureMode = { ...this.current, ...patch };
    if (!Number.isInteger(next.dropNext) || next.dropNext < 0) throw new RangeError(`dropNext must be a non-negative integer, got ${next.dropNext}`);
    if (!(Number.isFinite(next.delayMs) && next.delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${next.delayMs}`);
    this.current = next;
    if (next.refuse) await this.unlisten();
    else await this.listen(this.port);
  }

  /** Stops for good: no more listening, open connections cut, delayed calls released. */
  async close(): Promise<void> {
    this.stopping.abort();
    this.current = NORMAL_MODE;
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    // Give released event.from answers a moment to flush, then drop what is left.
    setImmediate(() => this.server.closeAllConnections());
    await closed;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse, handler: RequestHandler): Promise<void> {
    const mode = this.current;
    if (mode.dropNext > 0) {
      this.current = { ...mode, dropNext: mode.dropNext - 1 };
      this.stats.droppedRequests++;
      // As if xapi died with the call in hand: read it, then cut the connection.
      req.resume();
      req.once('end', () => req.socket.destroy());
      return;
    }
    if (mode.delayMs > 0) {
      this.stats.delayedCalls++;
      try {
        await sleep(mode.delayMs, undefined, { signal: this.stopping.signal });
      } catch {
        // closing: fall through and let the closed socket swallow the answer
      }
      if (req.socket.destroyed) {
        this.stats.abandonedCalls++;
        return;
      }
    }
    await handler(req, res);
  }
}
