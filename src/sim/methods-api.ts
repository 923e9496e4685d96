// The hand-written messages: session login/logout, event.from/inject, the VM power
// operations and task.cancel/destroy.
import { setTimeout as sleep } from 'node:timers/promises';
import { boolParam, handleInvalid, stringParam, XenFailure } from './errors.js';
import type { Call, MethodDef, SimContext } from './dispatch.js';
import { formatToken } from './events.js';
import { powerOperation, type PowerOperation } from './lifecycle.js';
import { classByName } from './records.js';
import { encodeStruct, encodeValue } from './xmlrpc-wire.js';

const VOID = encodeValue('');

type SessionHandler = Extract<MethodDef, { write: false }>['handler'];

const read = (arity: number, handler: SessionHandler): MethodDef => ({
  kind: 'session',
  arity: [arity],
  write: false,
  handler,
});

async function login(ctx: SimContext, params: readonly unknown[]): Promise<string> {
  const name = stringParam(params, 0, 'uname');
  const password = stringParam(params, 1, 'pwd');
  const originator = typeof params[3] === 'string' ? params[3] : '';
  const session = ctx.sessions.login(name, password, originator);
  if (session === undefined) {
    // xapi answers failed logins slowly, to make guessing passwords expensive.
    if (ctx.authFailureDelayMs > 0) await sleep(ctx.authFailureDelayMs);
    throw new XenFailure('SESSION_AUTHENTICATION_FAILED', [name, 'Authentication failure']);
  }
  return encodeValue(session.ref);
}

function sessionArg(call: Call) {
  const ref = call.params[1];
  const s = call.ctx.sessions.get(ref);
  if (s === undefined) throw handleInvalid('session', String(ref));
  return s;
}

function power(op: PowerOperation, arity: number): MethodDef {
  return {
    kind: 'session',
    arity: [arity],
    write: true,
    vmOperation: (params) => ({ vm: String(params[1]), op }),
    prepare: ({ ctx, params }) => {
      const vm = stringParam(params, 1, 'vm');
      // start(vm, start_paused, force), start_on(vm, host, start_paused, force), resume(vm, start_paused, force)
      const pausedAt = op === 'start_on' ? 3 : 2;
      const startPaused = arity > 2 ? boolParam(params, pausedAt, 'start_paused') : false;
      if (arity > 2) boolParam(params, pausedAt + 1, 'force');
      const host = op === 'start_on' ? stringParam(params, 2, 'host') : undefined;
      return () => {
        if (host !== undefined && host !== ctx.world.host) throw handleInvalid('host', host);
        powerOperation(ctx.world, vm, op, { startPaused });
        return VOID;
      };
    },
  };
}

export function apiMethods(): Map<string, MethodDef> {
  const m = new Map<string, MethodDef>();
  m.set('session.login_with_password', { kind: 'login', arity: [2, 3, 4], handler: login });
  m.set('session.logout', read(1, ({ ctx, session }) => {
    ctx.sessions.logout(session.ref);
    ctx.events.logout(session.ref);
    return VOID;
  }));
  m.set('session.get_this_host', read(2, (call) => (sessionArg(call), encodeValue(call.ctx.world.host))));
  m.set('session.get_this_user', read(2, (call) => (sessionArg(call), encodeValue('OpaqueRef:NULL'))));
  m.set('session.get_uuid', read(2, (call) => encodeValue(sessionArg(call).uuid)));
  m.set('session.get_record', read(2, (call) => encodeStruct(call.ctx.sessions.record(sessionArg(call)))));

  m.set('event.from', read(4, async ({ ctx, session, params }) => {
    const classes = params[1];
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) throw new XenFailure('FIELD_TYPE_ERROR', ['classes']);
    const token = stringParam(params, 2, 'token');
    const timeout = Number(params[3]);
    return ctx.events.from(session.ref, classes as string[], token, Number.isFinite(timeout) ? timeout : 0);
  }));
  m.set('event.inject', read(3, ({ ctx, params }) => {
    const clsName = stringParam(params, 1, 'class');
    const ref = stringParam(params, 2, 'ref');
    const cls = classByName(clsName);
    if (cls === undefined || ctx.store.entry(cls, ref) === undefined) throw handleInvalid(clsName, ref);
    ctx.store.transact((tx) => tx.touch(cls, ref));
    // The token just before the touch, so event.from(token) is sure to see it.
    return encodeValue(formatToken(ctx.store.generation - 1));
  }));

  m.set('VM.start', power('start', 4));
  m.set('VM.start_on', power('start_on', 5));
  m.set('VM.resume', power('resume', 4));
  for (const op of ['clean_shutdown', 'hard_shutdown', 'shutdown', 'clean_reboot', 'hard_reboot', 'pause', 'unpause', 'suspend'] as const) {
    m.set(`VM.${op}`, power(op, 2));
  }

  // Any role may cancel or destroy its own tasks (Tasks checks ownership), so these are reads
  // as far as the role check goes.
  m.set('task.cancel', read(2, ({ ctx, session, params }) => {
    ctx.tasks.cancel(stringParam(params, 1, 'task'), session);
    return VOID;
  }));
  m.set('task.destroy', read(2, ({ ctx, session, params }) => {
    ctx.tasks.destroy(stringParam(params, 1, 'self'), session);
    return VOID;
  }));
  return m;
}
