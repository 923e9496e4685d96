// `npm run bench`: the gateway against a bare Fastify route in the same run, and how its cost
// grows with the size of the host. See README "Speed and scale".
import { fork, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { ask, whenReady } from './ipc.js';
import { ok, post } from './http.js';
import { measure, type LoadFigures, type Operation } from './load.js';
import { printReport, readCalls, targets, type Report, type ScaleRow } from './report.js';
import * as rq from './requests.js';

interface Args {
  vms: number;
  scale: number[];
  duration: number;
  connections: number;
  contexts: number;
  out: string;
  /** turns the gateway and the baseline take, alternately, within duration */
  rounds: number;
  /** measure only the operations whose name contains this text */
  only: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { vms: 10_000, scale: [1_000, 10_000, 50_000], duration: 10, connections: 16, contexts: 2_000, out: 'bench-results.json', only: undefined, rounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    const [k, v] = [argv[i], argv[i + 1]];
    const num = (): number => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`${k} needs a positive number`);
      i++;
      return n;
    };
    switch (k) {
      case '--vms': a.vms = num(); break;
      case '--duration': a.duration = num(); break;
      case '--connections': a.connections = num(); break;
      case '--contexts': a.contexts = num(); break;
      case '--rounds': a.rounds = num(); break;
      case '--scale': a.scale = (v ?? '').split(',').map(Number).filter((n) => n > 0); i++; break;
      case '--out': a.out = v ?? a.out; i++; break;
      case '--only': a.only = v; i++; break;
      case '--quick': a.duration = 3; a.rounds = 1; a.scale = [1_000, 10_000]; a.contexts = 500; break;
      case '--help':
        process.stdout.write('npm run bench -- [--vms 10000] [--scale 1000,10000,50000] [--duration 10] [--rounds 3] [--connections 16] [--contexts 2000] [--out bench-results.json] [--only <operation name part>] [--quick]\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${k}`);
    }
  }
  return a;
}

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

interface Started<T> { readonly child: ChildProcess; readonly info: T; readonly ms: number }

async function start<T>(file: string, args: string[], execArgv: string[] = []): Promise<Started<T>> {
  const t0 = performance.now();
  const child = fork(here(file), args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const info = await whenReady<T>(child, 600_000);
  return { child, info, ms: performance.now() - t0 };
}

async function stop(s: Started<unknown> | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  await ask(s.child, 'close').catch(() => s.child.kill());
  await exited;
}

interface GatewayInfo { endpoint: string; startupMs: number }
interface Memory { heapUsed: number; rss: number; external: number; arrayBuffers: number; maxRss: number; gc: boolean }

/**
 * Every computer system (CIM_ComputerSystem: the host, the guests, the virtual switches) through
 * optimized Enumerate + Pull, MaxElements 100: items, wall time, and the guests' names and labels.
 */
async function fullEnumeration(endpoint: string): Promise<{ items: number; vms: number; ms: number; requests: number; names: string[]; labels: string[] }> {
  const t0 = performance.now();
  let text = await ok(endpoint, rq.enumerate(rq.CIM_CS, 100));
  let requests = 1;
  let items = 0;
  const names: string[] = [];
  const labels: string[] = [];
  const collect = (xml: string): void => {
    for (const m of xml.matchAll(/<p:(Xen_\w+) [^>]*>([\s\S]*?)<\/p:\1>/g)) {
      items++;
      if (m[1] !== 'Xen_ComputerSystem') continue;
      const body = m[2] ?? '';
      labels.push(/<p:ElementName>([^<]*)</.exec(body)?.[1] ?? '');
      names.push(/<p:Name>([^<]+)</.exec(body)?.[1] ?? '');
    }
  };
  collect(text);
  while (!rq.ended(text)) {
    const ctx = rq.contextOf(text);
    if (!ctx) throw new Error('an enumeration answer without context or end');
    text = await ok(endpoint, rq.pull(rq.CIM_CS, ctx, 100));
    requests++;
    collect(text);
  }
  return { items, vms: names.length, ms: performance.now() - t0, requests, names, labels };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version, platform: `${os.platform()} ${os.release()}`, date: new Date().toISOString(),
  };
  process.stdout.write(`bench: ${args.vms} VMs, ${args.duration} s per measurement, ${args.connections} connections; ${machine.cpu} × ${machine.cores}\n`);

  // --- Throughput against the baseline, on a host of args.vms VMs ----------------------------
  const sim = await start<{ url: string }>('./sim-host.js', [String(args.vms)]);
  let gw: Started<GatewayInfo> | undefined;
  let base: Started<{ endpoint: string }> | undefined;
  const ops: LoadFigures[] = [];
  let calls: Record<string, number> = {};
  let contextBytes = 0;
  let enumeration;
  try {
    gw = await start<GatewayInfo>('./gateway-host.js', [sim.info.url], ['--expose-gc']);
    base = await start<{ endpoint: string }>('./baseline.js', []);
    const endpoint = gw.info.endpoint;
    const gwChild = gw.child;
    const baseChild = base.child;
    enumeration = await fullEnumeration(endpoint);
    const { names, labels } = enumeration;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)] as T;
    // One sample answer of each operation: the baseline answers these exact bytes.
    const firstCtx = rq.contextOf(await ok(endpoint, rq.enumerate(rq.CIM_CS, 100)));
    const samplePull = firstCtx ? await ok(endpoint, rq.pull(rq.CIM_CS, firstCtx, 100)) : '';
    const operations: Operation[] = [
      { name: 'Identify', request: () => rq.identify() },
      { name: 'Get one VM', request: () => rq.getVm(pick(names)) },
      { name: 'Enumerate + Pull (all CIM_ComputerSystems, MaxElements 100)', request: () => rq.enumerate(rq.CIM_CS, 100), next: (ctx) => rq.pull(rq.CIM_CS, ctx, 100), sample: samplePull },
      { name: 'Association walk (everything a VM is associated with)', request: () => rq.associatedWithVm(pick(names), 100) },
      { name: 'WQL: a VM by ElementName', request: () => rq.wqlByName(pick(labels), 100) },
    ];
    await ask(sim.child, 'resetCalls');
    for (const op of operations) {
      if (args.only !== undefined && !op.name.toLowerCase().includes(args.only.toLowerCase())) continue;
      const sample = op.sample ?? (await ok(endpoint, op.request()));
      await ask(base.child, 'store', sample);
      const leftOpen: string[] = [];
      const gwTarget = { url: endpoint, cpu: () => ask<number>(gwChild, 'cpu') };
      const baseTarget = { url: base.info.endpoint, cpu: () => ask<number>(baseChild, 'cpu') };
      const figures = await measure(op, gwTarget, baseTarget, sample, args, leftOpen);
      for (const c of leftOpen) await post(endpoint, rq.release(rq.CIM_CS, c));
      ops.push(figures);
      process.stdout.write(`  ${op.name}: ${figures.gateway.requestsPerSec.toFixed(0)} req/s, ${figures.ratio.toFixed(2)}× the baseline; ${figures.gateway.cpuMicrosPerRequest.toFixed(0)} µs of server CPU per request (baseline ${figures.baseline.cpuMicrosPerRequest.toFixed(0)})\n`);
    }
    calls = await ask<Record<string, number>>(sim.child, 'calls');

    // --- Memory per open enumeration context ------------------------------------------------
    const before = await ask<Memory>(gw.child, 'memory');
    const opened: string[] = [];
    for (let i = 0; i < args.contexts; i += 16) {
      const batch = await Promise.all(Array.from({ length: Math.min(16, args.contexts - i) }, () => ok(endpoint, rq.enumerateContextOnly(rq.XEN_CS))));
      for (const b of batch) {
        const c = rq.contextOf(b);
        if (c) opened.push(c);
      }
    }
    const after = await ask<Memory>(gw.child, 'memory');
    const open = await ask<number>(gw.child, 'contexts');
    for (const c of opened) await post(endpoint, rq.release(rq.XEN_CS, c));
    const released = await ask<Memory>(gw.child, 'memory');
    // Heap with the contexts open, against before they were opened and after they were released:
    // the mean of the two, so that unrelated drift on one side counts half.
    contextBytes = ((after.heapUsed - before.heapUsed) + (after.heapUsed - released.heapUsed)) / 2 / opened.length;
    process.stdout.write(`  ${opened.length} enumeration contexts (${open} open): ${contextBytes.toFixed(0)} bytes of heap each\n`);
  } finally {
    await stop(gw);
    await stop(base);
    await stop(sim);
  }

  // --- Scale: start-up, full enumeration and memory for each host size --------------------------
  const scale: ScaleRow[] = [];
  for (const n of args.scale) {
    const s = await start<{ url: string }>('./sim-host.js', [String(n)]);
    let g: Started<GatewayInfo> | undefined;
    try {
      g = await start<GatewayInfo>('./gateway-host.js', [s.info.url], ['--expose-gc']);
      const cold = await fullEnumeration(g.info.endpoint);
      let best = cold.ms;
      for (let i = 0; i < 2; i++) best = Math.min(best, (await fullEnumeration(g.info.endpoint)).ms);
      const mem = await ask<Memory>(g.child, 'memory');
      scale.push({ vms: n, items: cold.items, guests: cold.vms, startupMs: g.info.startupMs, processStartMs: g.ms, firstEnumerationMs: cold.ms, enumerationMs: best, requests: cold.requests, heapUsed: mem.heapUsed, peakRss: mem.maxRss });
      process.stdout.write(`  ${n} VMs: ready in ${(g.info.startupMs / 1000).toFixed(2)} s, full enumeration of CIM_ComputerSystem ${best.toFixed(0)} ms (${cold.items} items, ${cold.vms} of them guests), peak RSS ${(mem.maxRss / 2 ** 20).toFixed(0)} MiB\n`);
    } finally {
      await stop(g);
      await stop(s);
    }
  }

  const figures = { machine, args, operations: ops, xenapiCallsDuringReads: calls, readCalls: readCalls(calls), contextBytes, scale, enumerationAtVms: enumeration ? { vms: args.vms, items: enumeration.items, guests: enumeration.vms, ms: enumeration.ms } : undefined };
  const report: Report = { ...figures, targets: targets(figures) };
  writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  printReport(report);
  process.stdout.write(`\nall figures: ${args.out}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
