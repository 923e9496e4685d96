// The embedded XenAPI simulator: an XML-RPC server on loopback that speaks XenAPI as xapi
// does, over the default fixture (seed.ts). Used by `npm start`, by the tests and by the
// benchmark; see xenapi-cim.md §1, §2 and §5.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Dispatcher, type MethodDef, type SimContext } from './dispatch.js';
import { EventHub } from './events.js';
import { Faults, type SimFault } from './faults.js';
import { apiMethods } from './methods-api.js';
import { deviceMethods } from './methods-devices.js';
import { objectMethods } from './methods-objects.js';
import { vmMethods } from './methods-vm.js';
import { seedFixture } from './seed.js';
import { DEFAULT_SIM_USERS, Sessions, type SimUser } from './sessions.js';
import { Store } from './store.js';
import { Tasks } from './tasks.js';
import { decodeMethodCall } from './xmlrpc-wire.js';

export { DEFAULT_SIM_USERS, type SimFault, type SimUser };

export interface SimulatorOptions {
  /** Address to listen on; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 = any free port. */
  port?: number;
  /** Guest VMs (not counting dom0, templates and the snapshot); default 5. */
  vms?: number;
  users?: readonly SimUser[];
  /** Delay before answering a failed login, as xapi does; default 0. */
  authFailureDelayMs?: number;
  /**
   * How long an Async.X task stays pending before it completes (its checks and effect run at
   * the end; progress is reported at 25/50/75 %); default 300. 0 completes on the next tick.
   */
  taskDurationMs?: number;
  /** Per-method task durations overriding taskDurationMs, by canonical name: { 'VM.clone': 1000 }. */
  taskDurations?: Readonly<Record<string, number>>;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly users: readonly SimUser[];
  /** Calls served: all of them, or those of one method (canonical dotted name, e.g. "VM.get_all_records"). */
  callCount(method?: string): number;
  resetCallCounts(): void;
  /**
   * Makes the next call(s) of a state-changing method fail or slow down, for testing a client's
   * error handling against the real protocol. `method` is a canonical name ("VM.start":
   * both the sync call and Async.VM.start) or "Async.VM.start" (only the Async form).
   * `error` ([code, ...params]) replaces the method's effect, leaving state unchanged: a sync
   * call answers {Status: "Failure", ErrorDescription: error}, an Async call's task ends
   * `failure` with error_info = error. `delayMs` delays the sync answer or the task's
   * completion. `times` (default 1) is how many calls are affected. Faults apply after the
   * session and role checks, so a call those refuse does not consume one. Read-only methods
   * (getters, event.from) are never affected.
   */
  inject(fault: SimFault): void;
  /** Drops faults not yet consumed. */
  clearInjections(): void;
  /** Async tasks not yet finished. */
  readonly pendingTasks: number;
  /** Stops accepting, releases blocked event.from calls and ends keep-alive sockets. */
  close(): Promise<void>;
}

const MAX_BODY = 64 * 1024 * 1024;

// What xapi sends when the XML-RPC body cannot be parsed.
const PARSE_ERROR_PAGE =
  '<html><body><h1>HTTP 500 internal server error</h1>An unexpected error occurred; please wait a while and try again. ' +
  'If the problem persists, please contact your support representative.<h1> Additional information </h1>' +
  'Xmlrpc.Parse_error</body></html>';

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const vms = options.vms ?? 5;
  if (!Number.isInteger(vms) || vms < 0) throw new RangeError(`vms must be a non-negative integer, got ${vms}`);
  const store = new Store();
  const world = seedFixture(store, vms);
  const users = options.users ?? DEFAULT_SIM_USERS;
  const durations = { ...(options.taskDurations ?? {}) };
  for (const [m, ms] of [['*', options.taskDurationMs ?? 300] as const, ...Object.entries(durations)]) {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`task duration for ${m} must be >= 0 ms, got ${ms}`);
  }
  const ctx: SimContext = {
    world,
    store,
    sessions: new Sessions(users, world.host),
    events: new EventHub(store),
    tasks: new Tasks(store, world.host, { defaultMs: options.taskDurationMs ?? 300, perMethod: durations }),
    faults: new Faults(),
    authFailureDelayMs: options.authFailureDelayMs ?? 0,
  };
  // Later tables override earlier ones: the hand-written messages replace generated setters.
  const methods = new Map<string, MethodDef>([...objectMethods(), ...apiMethods(), ...vmMethods(), ...deviceMethods()]);
  const dispatcher = new Dispatcher(ctx, methods);

  const server = createServer((req, res) => {
    serve(dispatcher, req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(err));
    });
  });
  // event.from long-polls; the request itself is small, so only idle keep-alive is bounded.
  server.keepAliveTimeout = 30_000;
  server.requestTimeout = 0;

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    users,
    callCount: (method) => dispatcher.callCount(method),
    resetCallCounts: () => dispatcher.resetCallCounts(),
    inject: (fault) => ctx.faults.add(fault),
    clearInjections: () => ctx.faults.clear(),
    get pendingTasks() {
      return ctx.tasks.pending;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        ctx.tasks.close();
        ctx.events.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Give released event.from answers a moment to flush, then drop what is left.
        setImmediate(() => server.closeAllConnections());
      })),
  };
}

async function serve(dispatcher: Dispatcher, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'POST') {
    req.resume();
    res.writeHead(405, { Allow: 'POST', 'Content-Type': 'text/html' });
    res.end('<html><body><h1>405 Method Not Allowed</h1></body></html>');
    return;
  }
  const body = await readBody(req);
  if (body === undefined) {
    res.writeHead(413, { 'Content-Type': 'text/html' });
    res.end('<html><body><h1>413 Request Entity Too Large</h1></body></html>');
    return;
  }
  let call;
  try {
    call = await decodeMethodCall(body);
  } catch {
    res.writeHead(500, { 'Content-Type': 'text/html', 'Content-Length': Buffer.byteLength(PARSE_ERROR_PAGE) });
    res.end(PARSE_ERROR_PAGE);
    return;
  }
  const chunks = await dispatcher.call(call.method, call.params);
  let length = 0;
  for (const c of chunks) length += c.length;
  res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': length });
  res.cork();
  for (const c of chunks) res.write(c);
  res.uncork();
  res.end();
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) parts.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY ? Buffer.concat(parts) : undefined));
    req.on('error', reject);
  });
}
