// The short table `npm run bench` prints, and the shape of the JSON file it writes.
import type { LoadFigures } from './load.js';

export interface ScaleRow {
  readonly vms: number;
  readonly items: number;
  /** createGateway to listening, inside the gateway process (model fully loaded) */
  readonly startupMs: number;
  /** fork to ready, Node start-up included */
  readonly processStartMs: number;
  readonly firstEnumerationMs: number;
  /** best of three full enumerations */
  readonly enumerationMs: number;
  readonly requests: number;
  readonly heapUsed: number;
  readonly peakRss: number;
}

export interface Report {
  readonly machine: Record<string, string | number>;
  readonly args: { readonly [k: string]: unknown } | object;
  readonly operations: readonly LoadFigures[];
  /** XenAPI calls the simulator served while the operations above ran, by method */
  readonly xenapiCallsDuringReads: Record<string, number>;
  /** heap per open enumeration context, in bytes */
  readonly contextBytes: number;
  readonly scale: readonly ScaleRow[];
  readonly enumerationAtVms: { readonly vms: number; readonly items: number; readonly ms: number } | undefined;
}

const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const lpad = (s: string, n: number): string => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const mib = (b: number): string => `${(b / 2 ** 20).toFixed(0)} MiB`;

/** Calls a read might have caused: everything but the change feed the cache is kept by. */
export function readCalls(calls: Record<string, number>): number {
  return Object.entries(calls).filter(([m]) => m !== 'event.from').reduce((n, [, c]) => n + c, 0);
}

export function printReport(r: Report): void {
  const out: string[] = [''];
  out.push(`${pad('operation', 56)}${lpad('req/s', 9)}${lpad('p50 ms', 8)}${lpad('p99 ms', 8)}${lpad('baseline', 10)}${lpad('ratio', 7)}${lpad('bytes', 9)}`);
  for (const o of r.operations) {
    out.push(`${pad(o.name, 56)}${lpad(o.gateway.requestsPerSec.toFixed(0), 9)}${lpad(String(o.gateway.latencyMs.p50), 8)}${lpad(String(o.gateway.latencyMs.p99), 8)}` +
      `${lpad(o.baseline.requestsPerSec.toFixed(0), 10)}${lpad(`${o.ratio.toFixed(2)}×`, 7)}${lpad(String(o.responseBytes), 9)}`);
  }
  out.push('');
  out.push(`XenAPI calls during the reads above: ${readCalls(r.xenapiCallsDuringReads)} (event.from, the change feed: ${r.xenapiCallsDuringReads['event.from'] ?? 0})`);
  out.push(`heap per open enumeration context: ${r.contextBytes.toFixed(0)} bytes`);
  out.push('');
  out.push(`${lpad('VMs', 7)}${lpad('ready s', 9)}${lpad('full enum ms', 14)}${lpad('ms/1k VMs', 11)}${lpad('items', 8)}${lpad('heap', 10)}${lpad('peak RSS', 10)}`);
  for (const s of r.scale) {
    out.push(`${lpad(String(s.vms), 7)}${lpad((s.startupMs / 1000).toFixed(2), 9)}${lpad(s.enumerationMs.toFixed(0), 14)}${lpad((s.enumerationMs / (s.vms / 1000)).toFixed(1), 11)}` +
      `${lpad(String(s.items), 8)}${lpad(mib(s.heapUsed), 10)}${lpad(mib(s.peakRss), 10)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
