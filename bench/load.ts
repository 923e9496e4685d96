// One operation under load: autocannon against the gateway, then against the baseline that
// answers the same bytes, with the same connections, duration and request bodies.
import autocannon, { type Request, type Result } from 'autocannon';
import { HEADERS } from './http.js';
import { contextOf, ended } from './requests.js';

export interface Operation {
  readonly name: string;
  /** the request that starts a round (a fresh body each time: new MessageID, picked VM) */
  request(): string;
  /** for enumerations: the Pull that follows an answer with this context */
  next?(context: string): string;
  /** the answer the baseline sends; by default one answer of request() */
  readonly sample?: string;
}

export interface Figures {
  readonly requestsPerSec: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly mean: number };
  readonly requests: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly bytesPerSec: number;
  /** CPU time (user + system) the server process spent per request, in µs: less sensitive to a noisy machine than req/s */
  readonly cpuMicrosPerRequest: number;
}

export interface LoadFigures {
  readonly name: string;
  readonly responseBytes: number;
  readonly gateway: Figures;
  readonly baseline: Figures;
  /** gateway requests/s ÷ baseline requests/s, measured in the same run */
  readonly ratio: number;
  /** baseline CPU per request ÷ gateway CPU per request: the same ratio, by server CPU time */
  readonly cpuRatio: number;
}

/**
 * autocannon's requests. An enumeration is pulled to its end across the connections: autocannon
 * resets a connection's context after every request of a one-entry list, so the contexts not
 * yet finished wait in a shared pool, and a connection pulls one of those before it opens another.
 */
function requests(op: Operation, pool: string[]): Request[] {
  const next = op.next?.bind(op);
  if (!next) return [{ method: 'POST', setupRequest: (req) => ({ ...req, method: 'POST', body: op.request() }) }];
  return [{
    method: 'POST',
    setupRequest: (req) => {
      const c = pool.pop();
      return { ...req, method: 'POST', body: c !== undefined ? next(c) : op.request() };
    },
    onResponse: (status, body) => {
      const c = status === 200 && !ended(body) ? contextOf(body) : undefined;
      if (c !== undefined) pool.push(c);
    },
  }];
}

function figures(r: Result, cpuMicros: number): Figures {
  return {
    cpuMicrosPerRequest: r.requests.total > 0 ? cpuMicros / r.requests.total : 0,
    requestsPerSec: r.requests.total / r.duration,
    latencyMs: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean },
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    bytesPerSec: r.throughput.average,
  };
}

/** A server under test: where to send requests, and its process's CPU time so far (µs). */
export interface Target {
  readonly url: string;
  cpu(): Promise<number>;
}

async function run(target: Target, op: Operation, args: { duration: number; connections: number }, leftOpen: string[]): Promise<Figures> {
  const pool: string[] = [];
  const before = await target.cpu();
  const r = await autocannon({ url: target.url, connections: args.connections, duration: args.duration, headers: HEADERS, requests: requests(op, pool), timeout: 30 });
  const cpu = (await target.cpu()) - before;
  leftOpen.push(...pool);
  return figures(r, cpu);
}

/**
 * Measures op. The gateway and the baseline take turns, in `rounds` short runs each, so that a
 * slower or faster minute of a shared machine falls on both; figures are summed over the turns
 * (latencies: the median turn). The enumeration contexts still open at the end are added to
 * leftOpen (to release).
 */
export async function measure(op: Operation, gateway: Target, baseline: Target, sample: string, args: { duration: number; connections: number; rounds: number }, leftOpen: string[]): Promise<LoadFigures> {
  // A short warm-up of each, so neither is measured while the JIT is still compiling.
  const warm = { duration: 1, connections: args.connections };
  const ignored: string[] = [];
  await run(gateway, op, warm, leftOpen);
  await run(baseline, op, warm, ignored);
  const turn = { duration: Math.max(1, Math.round(args.duration / args.rounds)), connections: args.connections };
  const g: Figures[] = [];
  const b: Figures[] = [];
  for (let i = 0; i < args.rounds; i++) {
    g.push(await run(gateway, op, turn, leftOpen));
    b.push(await run(baseline, op, turn, ignored));
  }
  const gw = combine(g, turn.duration);
  const base = combine(b, turn.duration);
  if (gw.non2xx > 0 || gw.errors > 0) throw new Error(`${op.name}: the gateway answered ${gw.non2xx} non-2xx and ${gw.errors} errors`);
  return {
    name: op.name, responseBytes: Buffer.byteLength(sample), gateway: gw, baseline: base,
    ratio: gw.requestsPerSec / base.requestsPerSec, cpuRatio: base.cpuMicrosPerRequest / gw.cpuMicrosPerRequest,
  };
}

function combine(turns: readonly Figures[], seconds: number): Figures {
  const median = (xs: number[]): number => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
  const requests = turns.reduce((n, f) => n + f.requests, 0);
  return {
    requestsPerSec: requests / (seconds * turns.length),
    latencyMs: { p50: median(turns.map((f) => f.latencyMs.p50)), p99: median(turns.map((f) => f.latencyMs.p99)), mean: median(turns.map((f) => f.latencyMs.mean)) },
    requests,
    errors: turns.reduce((n, f) => n + f.errors, 0),
    non2xx: turns.reduce((n, f) => n + f.non2xx, 0),
    bytesPerSec: turns.reduce((n, f) => n + f.bytesPerSec, 0) / turns.length,
    cpuMicrosPerRequest: turns.reduce((n, f) => n + f.cpuMicrosPerRequest * f.requests, 0) / Math.max(1, requests),
  };
}
