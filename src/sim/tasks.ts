// Async.X as xapi runs it (server_helpers.ml, taskHelper.ml): the call returns a task ref at
// once; the task starts `pending` with progress 0 and finishes later as `success` with
// `result` (the XML-RPC encoding of the return value: `<value>OpaqueRef:…</value>` for a ref,
// `<value></value>` for void), as `failure` with `error_info` [code, ...params], or as
// `cancelled`. Every change of the task row is a normal `task` event. The method's checks and
// its effect both run when the task completes, so state is read at that moment.
import { randomUUID } from 'node:crypto';
import { handleInvalid, XenFailure } from './errors.js';
import { makeRecord } from './records.js';
import type { Session } from './sessions.js';
import type { Store } from './store.js';
import { DateTime } from './values.js';
import type { Body } from './xmlrpc-wire.js';

export type TaskResult = string | Body;

/** How long Async tasks take: a default and per-method overrides (canonical names, "VM.start"). */
export interface TaskTiming {
  readonly defaultMs: number;
  readonly perMethod: Readonly<Record<string, number>>;
}

interface Job {
  readonly owner: Session;
  readonly run: () => TaskResult | Promise<TaskResult>;
  /** what a cancelled task undoes (a VM operation it had in progress) */
  readonly onCancel: (() => void) | undefined;
  readonly timers: NodeJS.Timeout[];
  destroyWhenDone: boolean;
}

/** Progress a task reports on its way, as fractions of its duration. */
const STEPS = [0.25, 0.5, 0.75] as const;

const now = (): DateTime => DateTime.fromMillis(Date.now());

export class Tasks {
  private readonly jobs = new Map<string, Job>();
  /** Task ref → the session that created it (xapi keeps this in a hidden task field). */
  private readonly owners = new Map<string, Session>();
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly host: string,
    private readonly timing: TaskTiming,
  ) {}

  /** The configured duration of an Async call of `method` (canonical name). */
  durationOf(method: string): number {
    return Object.hasOwn(this.timing.perMethod, method) ? (this.timing.perMethod[method] ?? this.timing.defaultMs) : this.timing.defaultMs;
  }

  /** Tasks not yet finished. */
  get pending(): number {
    return this.jobs.size;
  }

  /** Creates a pending task labelled `label` and runs `run` after `durationMs` (`onCancel` instead, when it is cancelled first). */
  start(label: string, owner: Session, durationMs: number, run: () => TaskResult | Promise<TaskResult>, onCancel?: () => void): string {
    const ref = `OpaqueRef:${randomUUID()}`;
    this.store.transact((tx) =>
      tx.add('task', ref, makeRecord('task', {
        uuid: randomUUID(),
        name_label: label,
        created: now(),
        status: 'pending',
        resident_on: this.host,
        progress: 0,
        allowed_operations: ['cancel'],
        other_config: {},
      })),
    );
    const job: Job = { owner, run, onCancel, timers: [], destroyWhenDone: false };
    this.jobs.set(ref, job);
    this.owners.set(ref, owner);
    if (this.closed) return ref;
    if (durationMs <= 0) {
      job.timers.push(setTimeout(() => void this.finish(ref), 0));
      return ref;
    }
    for (const step of STEPS) {
      job.timers.push(setTimeout(() => this.progress(ref, step), durationMs * step));
    }
    job.timers.push(setTimeout(() => void this.finish(ref), durationMs));
    return ref;
  }

  /** task.cancel: a pending task ends `cancelled` and its work never runs; otherwise nothing happens. */
  cancel(ref: string, caller: Session): void {
    this.assertMayOperate(ref, caller);
    const job = this.jobs.get(ref);
    const rec = this.store.get('task', ref);
    if (job === undefined || rec === undefined || rec.status !== 'pending' || !rec.allowed_operations.includes('cancel')) return;
    this.stop(ref, job);
    job.onCancel?.();
    if (job.destroyWhenDone) {
      this.store.transact((tx) => tx.remove('task', ref));
      this.owners.delete(ref);
      return;
    }
    this.store.transact((tx) =>
      tx.update('task', ref, { status: 'cancelled', progress: 1, finished: now(), allowed_operations: [], current_operations: {} }),
    );
  }

  /** task.destroy: a finished task goes at once; a pending one when it finishes (as xapi does). */
  destroy(ref: string, caller: Session): void {
    this.assertMayOperate(ref, caller);
    const job = this.jobs.get(ref);
    if (job !== undefined) {
      job.destroyWhenDone = true;
      this.store.transact((tx) => tx.update('task', ref, { current_operations: { task: 'destroy' } }));
      return;
    }
    this.store.transact((tx) => tx.remove('task', ref));
    this.owners.delete(ref);
  }

  /** Stops every timer; unfinished tasks stay pending. */
  close(): void {
    this.closed = true;
    for (const job of this.jobs.values()) for (const t of job.timers) clearTimeout(t);
  }

  /**
   * Any user may cancel or destroy the tasks of their own user name; others' tasks need the
   * "task.destroy/any" permission, which the read-only role lacks (taskHelper.assert_op_valid).
   */
  private assertMayOperate(ref: string, caller: Session): void {
    if (this.store.get('task', ref) === undefined) throw handleInvalid('task', ref);
    const owner = this.owners.get(ref);
    if (owner !== undefined && owner.user.name === caller.user.name) return;
    if (caller.user.role !== 'pool-admin') {
      throw new XenFailure('RBAC_PERMISSION_DENIED', ['task.destroy/any', 'No permission in user session']);
    }
  }

  private stop(ref: string, job: Job): void {
    for (const t of job.timers) clearTimeout(t);
    this.jobs.delete(ref);
  }

  private progress(ref: string, value: number): void {
    const rec = this.store.get('task', ref);
    if (rec === undefined || rec.status !== 'pending') return;
    this.store.transact((tx) => tx.update('task', ref, { progress: value }));
  }

  private async finish(ref: string): Promise<void> {
    const job = this.jobs.get(ref);
    if (job === undefined) return;
    this.stop(ref, job);
    let result = '';
    let errorInfo: string[] = [];
    try {
      const reply = await job.run();
      result = typeof reply === 'string' ? reply : Buffer.concat(reply.chunks()).toString('utf8');
    } catch (err) {
      errorInfo = err instanceof XenFailure ? [err.code, ...err.params] : ['INTERNAL_ERROR', err instanceof Error ? err.message : String(err)];
    }
    if (this.store.get('task', ref) === undefined) return;
    if (job.destroyWhenDone) {
      this.store.transact((tx) => tx.remove('task', ref));
      this.owners.delete(ref);
      return;
    }
    this.store.transact((tx) =>
      tx.update('task', ref, {
        status: errorInfo.length === 0 ? 'success' : 'failure',
        progress: 1,
        finished: now(),
        result,
        error_info: errorInfo,
        allowed_operations: [],
      }),
    );
  }
}
