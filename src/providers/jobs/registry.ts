// Jobs the gateway started: one per XenAPI task a method is waiting on (Async.VM.start …).
// The task's record, kept current by event.from, says how the job stands; finished jobs are
// kept for a while so that clients can read the outcome, then their tasks are destroyed.
import type { XenModel } from '../../xenapi/model.js';
import { str, type XenRecord } from '../../xenapi/values.js';

export interface JobInfo {
  readonly taskRef: string;
  /** the method that started the job */
  readonly name: string;
  readonly owner: string;
  /** the VM the job acts on (for AffectedJobElement), when it acts on one */
  readonly vmUuid?: string | undefined;
  readonly submitted: Date;
}

export type TaskOutcome = { readonly status: 'success'; readonly result: string } | { readonly status: 'failure'; readonly error: readonly string[] } | { readonly status: 'cancelled' } | { readonly status: 'pending' };

export class JobRegistry {
  private readonly byRef = new Map<string, JobInfo & { finishedSeen?: number; hidden?: boolean }>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly model: XenModel,
    readonly retentionMs: number,
    private readonly destroyTask: (ref: string) => Promise<void>,
  ) {
    this.timer = setInterval(() => void this.sweep(), Math.max(1000, Math.min(retentionMs, 60_000)));
    this.timer.unref();
  }

  add(info: JobInfo): void {
    this.byRef.set(info.taskRef, { ...info });
  }

  /** Jobs whose task the model knows, by task uuid. */
  *entries(): Generator<[uuid: string, job: JobInfo, task: XenRecord]> {
    for (const [ref, job] of this.byRef) {
      if (job.hidden) continue;
      const task = this.model.get('task', ref);
      if (task) yield [str(task, 'uuid'), job, task];
    }
  }

  byUuid(uuid: string): { job: JobInfo; task: XenRecord } | undefined {
    const ref = this.model.refByUuid('task', uuid);
    const job = ref === undefined ? undefined : this.byRef.get(ref);
    const task = ref === undefined ? undefined : this.model.get('task', ref);
    return job && !job.hidden && task ? { job, task } : undefined;
  }

  /**
   * How the task stands once it has finished, or after `ms` (then 'pending'). A job whose task
   * ended within the wait is not shown as a job: its method answers with the outcome at once and
   * hands out no Job reference. Its task is still destroyed after the retention time.
   */
  async waitFor(taskRef: string, ms: number): Promise<TaskOutcome> {
    await this.model.until(() => outcome(this.model.get('task', taskRef)).status !== 'pending', ms);
    const o = outcome(this.model.get('task', taskRef));
    const job = this.byRef.get(taskRef);
    if (o.status !== 'pending' && job && !job.hidden) {
      job.hidden = true;
      this.model.touch('task');
    }
    return o;
  }

  /** Drops finished jobs older than the retention time and destroys their tasks. */
  async sweep(now = Date.now()): Promise<void> {
    for (const [ref, job] of this.byRef) {
      const task = this.model.get('task', ref);
      if (!task) {
        // The task is gone (destroyed elsewhere, or xapi restarted): nothing left to show.
        if (now - job.submitted.getTime() > this.retentionMs) this.byRef.delete(ref);
        continue;
      }
      if (outcome(task).status === 'pending') continue;
      job.finishedSeen ??= now;
      if (now - job.finishedSeen >= this.retentionMs) {
        this.byRef.delete(ref);
        await this.destroyTask(ref).catch(() => undefined);
      }
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}

export function outcome(task: XenRecord | undefined): TaskOutcome {
  const status = task ? str(task, 'status') : 'pending';
  if (status === 'success') return { status, result: str(task ?? {}, 'result') };
  if (status === 'failure') {
    const info = task?.['error_info'];
    return { status, error: Array.isArray(info) ? info.map(String) : [] };
  }
  if (status === 'cancelled') return { status };
  return { status: 'pending' };
}
