// One XML-RPC call from name to response bytes: resolve the method (dotted or underscore
// alias, optional Async. prefix), count it, check parameter count and session, unmarshal the
// parameters, check the role, run the handler, and encode the result or the failure. API
// errors never become XML-RPC faults.
//
// State-changing methods come in two phases, as in xapi's generated server: `prepare`
// unmarshals the parameters (a wrong type fails the call at once, even for Async.X) and
// returns the runner, which looks objects up, checks and applies. For Async.X the runner, and
// the RBAC check before it, run inside the task (server_helpers.ml forks the task thread
// before Rbac.check), so a read-only caller gets a task that fails with RBAC_PERMISSION_DENIED.
import { setTimeout as sleep } from 'node:timers/promises';
import { sessionInvalid, XenFailure } from './errors.js';
import type { EventHub } from './events.js';
import type { Faults } from './faults.js';
import type { World } from './seed.js';
import type { Session, Sessions } from './sessions.js';
import type { Store } from './store.js';
import type { Tasks } from './tasks.js';
import { begin as beginOperation, end as endOperation, refusalAtStart, type VmOperationTarget } from './vm-operations.js';
import { Body, encodeValue, failureResponse, successResponse } from './xmlrpc-wire.js';

/** A handler's result: an encoded `<value>` or a Body holding one. */
export type Reply = string | Body;

/** The second phase of a state-changing call: checks against current state, then applies. */
export type Runner = () => Reply | Promise<Reply>;

/** The host's role in its pool: a slave (pool member) names its master. */
export interface PoolRole {
  /** the master's address as HOST_IS_SLAVE names it; undefined on the master */
  master: string | undefined;
  /** calls answered HOST_IS_SLAVE */
  slaveAnswers: number;
}

export interface SimContext {
  readonly world: World;
  readonly pool: PoolRole;
  readonly store: Store;
  readonly sessions: Sessions;
  readonly events: EventHub;
  readonly tasks: Tasks;
  readonly faults: Faults;
  readonly authFailureDelayMs: number;
}

export interface Call {
  readonly ctx: SimContext;
  readonly session: Session;
  /** All parameters, the session ref first. */
  readonly params: readonly unknown[];
}

export type MethodDef =
  | {
      readonly kind: 'session';
      /** Accepted parameter counts, session included. */
      readonly arity: readonly number[];
      /** Allowed to every role; has no Async form. */
      readonly write: false;
      readonly handler: (call: Call) => Reply | Promise<Reply>;
    }
  | {
      readonly kind: 'session';
      readonly arity: readonly number[];
      /** State-changing: refused to read-only users with RBAC_PERMISSION_DENIED; has an Async form. */
      readonly write: true;
      /** Unmarshals the parameters and returns the runner. */
      readonly prepare: (call: Call) => Runner;
      /** The VM operation an Async call of this method has in progress (VM.current_operations). */
      readonly vmOperation?: (params: readonly unknown[]) => VmOperationTarget;
    }
  | {
      readonly kind: 'login';
      readonly arity: readonly number[];
      readonly handler: (ctx: SimContext, params: readonly unknown[]) => Reply | Promise<Reply>;
    };

export const rbacDenied = (method: string): XenFailure =>
  new XenFailure('RBAC_PERMISSION_DENIED', [method.toLowerCase(), 'No permission in user session']);

export class Dispatcher {
  private readonly aliases = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly methods: ReadonlyMap<string, MethodDef>,
  ) {
    // xapi also accepts each name with the class separator as "_" (VM_start, event_from).
    for (const name of methods.keys()) this.aliases.set(name.replace('.', '_'), name);
  }

  callCount(method?: string): number {
    return method === undefined ? this.total : (this.counts.get(method) ?? 0);
  }

  /** Calls served so far, by method. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.counts);
  }

  resetCallCounts(): void {
    this.counts.clear();
    this.total = 0;
  }

  /** Serves one call and returns the response document as chunks. */
  async call(method: string, params: readonly unknown[]): Promise<Buffer[]> {
    const asyncCall = method.startsWith('Async.');
    const bare = asyncCall ? method.slice('Async.'.length) : method;
    const name = this.methods.has(bare) ? bare : (this.aliases.get(bare) ?? bare);
    const counted = asyncCall ? `Async.${name}` : name;
    this.total++;
    this.counts.set(counted, (this.counts.get(counted) ?? 0) + 1);
    try {
      const def = this.methods.get(name);
      if (def === undefined || (asyncCall && (def.kind !== 'session' || !def.write))) {
        throw new XenFailure('MESSAGE_METHOD_UNKNOWN', [method]);
      }
      if (!def.arity.includes(params.length)) {
        const expected = String(Math.max(...def.arity));
        throw new XenFailure('MESSAGE_PARAMETER_COUNT_MISMATCH', [method, expected, String(params.length)]);
      }
      // A pool member sends clients to its master: login_with_password answers HOST_IS_SLAVE
      // [master address] (xapi_session.ml). A real member forwards other calls of sessions it
      // knows to the master; the simulator forwards nothing and answers them the same way.
      const master = this.ctx.pool.master;
      if (master !== undefined) {
        this.ctx.pool.slaveAnswers++;
        throw new XenFailure('HOST_IS_SLAVE', [master]);
      }
      if (def.kind === 'login') return successResponse(await def.handler(this.ctx, params));
      const session = this.ctx.sessions.get(params[0]);
      if (session === undefined) throw sessionInvalid(String(params[0]));
      const call: Call = { ctx: this.ctx, session, params };
      if (!def.write) return successResponse(await def.handler(call));
      const run = def.prepare(call);
      const allowed = session.user.role !== 'read-only';
      if (asyncCall) return successResponse(encodeValue(this.startTask(name, counted, session, allowed, run, allowed ? def.vmOperation?.(params) : undefined)));
      if (!allowed) throw rbacDenied(name);
      const fault = this.ctx.faults.take(name, false);
      if (fault !== undefined) {
        if (fault.delayMs > 0) await sleep(fault.delayMs);
        if (fault.error !== undefined) throw new XenFailure(fault.error[0], fault.error.slice(1));
      }
      return successResponse(await run());
    } catch (err) {
      if (err instanceof XenFailure) return failureResponse(err.code, err.params);
      return failureResponse('INTERNAL_ERROR', [err instanceof Error ? err.message : String(err)]);
    }
  }

  /**
   * Async.X: a pending task now; the RBAC check, any injected fault and the work when it
   * completes. A VM operation is checked now, as xapi checks it first thing in the task: refused,
   * the task fails at once; else it is in the VM's current_operations until the task ends.
   */
  private startTask(name: string, label: string, session: Session, allowed: boolean, run: Runner, target: VmOperationTarget | undefined): string {
    const { tasks, faults, store } = this.ctx;
    const fault = allowed ? faults.take(name, true) : undefined;
    const refused = target === undefined ? undefined : refusalAtStart(store, target);
    const inProgress = refused === undefined ? target : undefined;
    // The role check and the operation's own check are xapi's first steps in the task: refused,
    // it fails at once, whatever the operation's duration.
    const duration = !allowed || refused !== undefined ? 0 : tasks.durationOf(name) + (fault?.delayMs ?? 0);
    const task = tasks.start(label, session, duration, () => {
      if (!allowed) throw rbacDenied(name);
      if (refused !== undefined) throw refused;
      if (inProgress === undefined) return work();
      // Off the list silently: the operation's own change follows at once and shows the VM idle.
      endOperation(store, inProgress, task, true);
      try {
        const out = work();
        return out instanceof Promise ? out.catch((err: unknown) => failed(err)) : out;
      } catch (err) {
        return failed(err);
      }
    }, inProgress === undefined ? undefined : () => endOperation(store, inProgress, task, false));
    const work = (): Reply | Promise<Reply> => {
      if (fault?.error !== undefined) throw new XenFailure(fault.error[0], fault.error.slice(1));
      return run();
    };
    // A failed operation changed nothing, but clients must still see it end.
    const failed = (err: unknown): never => {
      if (inProgress !== undefined && store.get('VM', inProgress.vm) !== undefined) store.transact((tx) => tx.touch('VM', inProgress.vm));
      throw err;
    };
    if (inProgress !== undefined) beginOperation(store, inProgress, task);
    return task;
  }
}
