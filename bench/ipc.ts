// Request/answer over a forked child's IPC channel: the benchmark asks the processes it measures
// for figures only they can read (heap after a collection, the simulator's call counts).
import type { ChildProcess } from 'node:child_process';

export interface Ask {
  readonly id: number;
  readonly cmd: string;
  readonly arg?: unknown;
}

export interface Answer {
  readonly id: number;
  readonly value?: unknown;
  readonly error?: string;
}

/** CPU time (user + system) this process has used, in µs. */
const cpu = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

/** In a child: answer the parent's questions with `handlers`, and `cpu` (its CPU time, µs). */
export function serve(own: Record<string, (arg: unknown) => unknown>): void {
  const handlers: Record<string, (arg: unknown) => unknown> = { cpu, ...own };
  process.on('message', (m: Ask) => {
    const reply = (a: Answer): void => void process.send?.(a);
    const h = handlers[m.cmd];
    if (!h) return reply({ id: m.id, error: `unknown command ${m.cmd}` });
    Promise.resolve()
      .then(() => h(m.arg))
      .then(
        (value) => reply({ id: m.id, value }),
        (err: unknown) => reply({ id: m.id, error: err instanceof Error ? err.message : String(err) }),
      );
  });
}

/** In the parent: ask a child one question. */
export function ask<T>(child: ChildProcess, cmd: string, arg?: unknown): Promise<T> {
  const id = Math.floor(Math.random() * 2 ** 31);
  return new Promise<T>((resolve, reject) => {
    const onMessage = (m: Answer): void => {
      if (m.id !== id) return;
      child.off('message', onMessage);
      if (m.error !== undefined) reject(new Error(m.error));
      else resolve(m.value as T);
    };
    child.on('message', onMessage);
    child.send({ id, cmd, arg } satisfies Ask);
  });
}

/** In a child: tell the parent it is ready, with what it wants to say about itself. */
export function ready(info: Record<string, unknown>): void {
  process.send?.({ id: 0, value: info } satisfies Answer);
}

/** In the parent: wait for a child's ready message. */
export function whenReady<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: Answer): void => {
      if (m.id !== 0) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m.value as T);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`exited (${code}) before it was ready`)));
  });
}
