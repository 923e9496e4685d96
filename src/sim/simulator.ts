// The embedded XenAPI simulator: an XML-RPC server on loopback that speaks XenAPI as xapi
// does, over the default fixture (seed.ts). Used by `npm start`, by the tests and by the
// benchmark; see xenapi-cim.md §1, §2 and §5.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Dispatcher, type MethodDef, type SimContext } from './dispatch.js';
import { EventHub } from './events.js';
import { Faults, type SimFault } from './faults.js';
import { SimListener, type FailureMode, type FailureStats } from './listener.js';
import { apiMethods } from './methods-api.js';
import { deviceMethods } from './methods-devices.js';
import { objectMethods } from './methods-objects.js';
import { vmMethods } from './methods-vm.js';
import { seedFixture } from './seed.js';
import { DEFAULT_SIM_USERS, Sessions, type SimUser } from './sessions.js';
import { Store } from './store.js';
import { Tasks } from './tasks.js';
import { decodeMethodCall } from './xmlrpc-wire.js';

export { DEFAULT_SIM_USERS, type FailureMode, type SimFault, type SimUser };

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
  /** Start slow: every call waits this long before it is served (see setMode); default 0. */
  delayMs?: number;
  /** Start as a pool member of this master (see becomeSlave). */
  slaveOf?: string;
}

/** What the failure controls did so far. */
export interface SimFaultStats extends FailureStats {
  /** calls answered HOST_IS_SLAVE */
  slaveAnswers: number;
  /** restarts, including those of role changes */
  restarts: number;
}

export interface Simulator {
  readonly url: string;
  readonly port: number;
  readonly users: readonly SimUser[];
  /** Calls served: all of them, or those of one method (canonical dotted name, e.g. "VM.get_all_records"). */
  callCount(method?: string): number;
  /** Calls served so far, by method. */
  callCounts(): Record<string, number>;
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
  /** Sessions currently valid. */
  readonly sessionCount: number;

  // ---- Failure controls, for testing a client's recovery (README "The simulator alone"). ----

  /** Destroys every open connection now: calls in flight (blocked event.from too) get no answer. Returns how many. */
  dropConnections(): number;
  /** The current failure mode. */
  readonly mode: FailureMode;
  /**
   * Changes part of the failure mode. `dropNext: n`: the next n requests are read, then their
   * connection is cut without an answer, and they are not served. `delayMs`: every call waits
   * that long before it is served, and is not served at all if its client has gone meanwhile
   * (0 ends it). `refuse: true`: stop listening (connections are refused, open ones are cut)
   * until `refuse: false` listens again on the same port. Resolves once it is in effect.
   */
  setMode(patch: Partial<FailureMode>): Promise<void>;
  /**
   * Restarts "xapi" on the same port, as a toolstack restart does: open connections are cut,
   * every session becomes invalid (SESSION_INVALID), blocked event.from calls end, pending
   * Async tasks keep running. The objects are kept (same refs and uuids) but the database
   * generation starts again from 1 and the change history is lost: a token handed out before
   * still parses (xapi's tokens carry no incarnation, so xapi never answers
   * EVENT_FROM_TOKEN_PARSE_FAILURE for one), but it names a generation of the old numbering,
   * so event.from with it reports nothing until its timeout and then hands back a token of the
   * new numbering: changes made in between are never reported to it. A client must reload
   * with token "" after reconnecting. The failure mode goes back to normal; the pool role
   * stays. `downMs`: how long connections are refused before it listens again (default 0).
   */
  restart(opts?: { readonly downMs?: number }): Promise<void>;
  /**
   * Makes this host a pool member of `masterAddress` (as pool.designate_new_master does, with
   * a restart): every call, login_with_password first, answers HOST_IS_SLAVE [masterAddress].
   * xapi names the master by address only; an address with ":port" lets a client that honours
   * it reach a master on another port (the gateway does).
   */
  becomeSlave(masterAddress: string, opts?: { readonly downMs?: number }): Promise<void>;
  /** Makes this host the master again (with a restart). */
  becomeMaster(opts?: { readonly downMs?: number }): Promise<void>;
  /** The master this host answers HOST_IS_SLAVE with; undefined when it is the master. */
  readonly master: string | undefined;
  /** Counts of what the failure controls did. */
  readonly faultStats: Readonly<SimFaultStats>;

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
  if (options.slaveOf !== undefined && options.slaveOf.trim() === '') throw new RangeError('slaveOf must name the master');
  const ctx: SimContext = {
    world,
    pool: { master: options.slaveOf, slaveAnswers: 0 },
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

  const host = options.host ?? '127.0.0.1';
  const listener = new SimListener(host, (req, res) => serve(dispatcher, req, res));
  await listener.listen(options.port ?? 0);
  if (options.delayMs !== undefined) await listener.setMode({ delayMs: options.delayMs });
  const port = listener.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let restarts = 0;

  const restart = async (downMs = 0): Promise<void> => {
    if (!(Number.isFinite(downMs) && downMs >= 0)) throw new RangeError(`downMs must be >= 0, got ${downMs}`);
    // Connections first, so calls in flight see a cut connection and not an answer.
    await listener.unlisten();
    restarts++;
    ctx.sessions.clear();
    ctx.events.restart();
    ctx.store.restart();
    if (downMs > 0) await sleep(downMs);
    await listener.setMode({ dropNext: 0, delayMs: 0, refuse: false });
  };

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    users,
    callCount: (method) => dispatcher.callCount(method),
    callCounts: () => dispatcher.callCounts(),
    resetCallCounts: () => dispatcher.resetCallCounts(),
    inject: (fault) => ctx.faults.add(fault),
    clearInjections: () => ctx.faults.clear(),
    get pendingTasks() {
      return ctx.tasks.pending;
    },
    get sessionCount() {
      return ctx.sessions.count;
    },
    dropConnections: () => listener.dropConnections(),
    get mode() {
      return listener.mode;
    },
    setMode: (patch) => listener.setMode(patch),
    restart: (opts = {}) => restart(opts.downMs),
    becomeSlave: async (masterAddress, opts = {}) => {
      if (masterAddress.trim() === '') throw new RangeError('becomeSlave needs the master\'s address');
      ctx.pool.master = masterAddress;
      await restart(opts.downMs);
    },
    becomeMaster: async (opts = {}) => {
      ctx.pool.master = undefined;
      await restart(opts.downMs);
    },
    get master() {
      return ctx.pool.master;
    },
    get faultStats() {
      return { ...listener.stats, slaveAnswers: ctx.pool.slaveAnswers, restarts };
    },
    close: () =>
      (closing ??= (async () => {
        ctx.tasks.close();
        ctx.events.close();
        await listener.close();
      })()),
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
