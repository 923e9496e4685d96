// Faults a test can inject into the next call(s) of a method: an extra delay, an error in
// place of the method's effect, or both. The gateway's tests use this to drive its error
// mapping against a real protocol peer without having to construct the failing state.

/** One injected fault; see Simulator.inject. */
export interface SimFault {
  /**
   * Canonical dotted method name ("VM.start") to affect both the synchronous call and its
   * Async form, or "Async.VM.start" to affect only the Async form.
   */
  readonly method: string;
  /** [code, ...params] to fail with instead of running the method; state is left unchanged. */
  readonly error?: readonly [string, ...string[]];
  /** Extra time before the answer (sync) or before the task completes (Async). */
  readonly delayMs?: number;
  /** How many calls this fault affects; default 1. */
  readonly times?: number;
}

/** What an affected call must do. */
export interface FaultEffect {
  readonly error: readonly [string, ...string[]] | undefined;
  readonly delayMs: number;
}

interface Pending {
  readonly fault: SimFault;
  left: number;
}

export class Faults {
  private readonly pending: Pending[] = [];

  add(fault: SimFault): void {
    const times = fault.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`times must be a positive integer, got ${times}`);
    if (fault.delayMs !== undefined && !(fault.delayMs >= 0)) throw new RangeError(`delayMs must be >= 0, got ${fault.delayMs}`);
    this.pending.push({ fault, left: times });
  }

  clear(): void {
    this.pending.length = 0;
  }

  /** Consumes the oldest fault matching a call of `method` (canonical name), if any. */
  take(method: string, isAsync: boolean): FaultEffect | undefined {
    const i = this.pending.findIndex((p) => p.fault.method === method || (isAsync && p.fault.method === `Async.${method}`));
    const p = this.pending[i];
    if (p === undefined) return undefined;
    if (--p.left === 0) this.pending.splice(i, 1);
    return { error: p.fault.error, delayMs: p.fault.delayMs ?? 0 };
  }
}
