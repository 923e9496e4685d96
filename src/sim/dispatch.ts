// One XML-RPC call from name to response bytes: resolve the method (dotted or underscore
// alias, optional Async. prefix), count it, check parameter count, session and role, run the
// handler, and encode the result or the failure. API errors never become XML-RPC faults.
import { randomUUID } from 'node:crypto';
import { sessionInvalid, XenFailure } from './errors.js';
import type { EventHub } from './events.js';
import { makeRecord } from './records.js';
import type { World } from './seed.js';
import type { Session, Sessions } from './sessions.js';
import type { Store } from './store.js';
import { DateTime } from './values.js';
import { Body, encodeValue, failureResponse, successResponse } from './xmlrpc-wire.js';

/** A handler's result: an encoded `<value>` or a Body holding one. */
export type Reply = string | Body;

export interface SimContext {
  readonly world: World;
  readonly store: Store;
  readonly sessions: Sessions;
  readonly events: EventHub;
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
      /** State-changing: refused to read-only users with RBAC_PERMISSION_DENIED. */
      readonly write: boolean;
      readonly handler: (call: Call) => Reply | Promise<Reply>;
    }
  | {
      readonly kind: 'login';
      readonly arity: readonly number[];
      readonly handler: (ctx: SimContext, params: readonly unknown[]) => Reply | Promise<Reply>;
    };

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
      if (def.kind === 'login') return successResponse(await def.handler(this.ctx, params));
      const session = this.ctx.sessions.get(params[0]);
      if (session === undefined) throw sessionInvalid(String(params[0]));
      if (def.write && session.user.role === 'read-only') {
        throw new XenFailure('RBAC_PERMISSION_DENIED', [name.toLowerCase(), 'No permission in user session']);
      }
      const call: Call = { ctx: this.ctx, session, params };
      if (asyncCall) return successResponse(await this.runAsTask(counted, call, def.handler));
      return successResponse(await def.handler(call));
    } catch (err) {
      if (err instanceof XenFailure) return failureResponse(err.code, err.params);
      return failureResponse('INTERNAL_ERROR', [err instanceof Error ? err.message : String(err)]);
    }
  }

  /** Async.X: runs X now and returns a task already finished with its result or error. */
  private async runAsTask(name: string, call: Call, handler: (call: Call) => Reply | Promise<Reply>): Promise<Reply> {
    const created = DateTime.fromMillis(Date.now());
    let result = '';
    let errorInfo: string[] = [];
    try {
      const reply = await handler(call);
      result = typeof reply === 'string' ? reply : Buffer.concat(reply.chunks()).toString('utf8');
    } catch (err) {
      if (!(err instanceof XenFailure)) throw err;
      errorInfo = [err.code, ...err.params];
    }
    const ref = `OpaqueRef:${randomUUID()}`;
    const { store, world } = this.ctx;
    store.transact((tx) =>
      tx.add('task', ref, makeRecord('task', {
        uuid: randomUUID(),
        name_label: name,
        created,
        finished: DateTime.fromMillis(Date.now()),
        status: errorInfo.length === 0 ? 'success' : 'failure',
        resident_on: world.host,
        progress: 1,
        result,
        error_info: errorInfo,
        other_config: {},
      })),
    );
    return encodeValue(ref);
  }
}
