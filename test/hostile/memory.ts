// Memory of this process (the gateway runs in it) after a full garbage collection, so that
// before/after comparisons measure what is retained rather than what is merely not yet collected.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: (() => void) | undefined;

function collector(): () => void {
  if (gc) return gc;
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return (gc = exposed);
  // Not started with --expose-gc: switch the flag on and take gc from a fresh context.
  v8.setFlagsFromString('--expose-gc');
  gc = vm.runInNewContext('gc') as () => void;
  return gc;
}

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
  readonly external: number;
}

export async function settledMemory(): Promise<MemorySample> {
  const run = collector();
  for (let i = 0; i < 3; i++) {
    run();
    await new Promise((r) => setImmediate(r));
  }
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external };
}

export const MB = 1024 * 1024;

export function describeGrowth(before: MemorySample, after: MemorySample): string {
  const d = (k: keyof MemorySample): string => `${k} ${(before[k] / MB).toFixed(1)} → ${(after[k] / MB).toFixed(1)} MB`;
  return `${d('heapUsed')}, ${d('external')}, ${d('rss')}`;
}
