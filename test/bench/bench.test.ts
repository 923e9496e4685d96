// `npm run bench` end to end, at a size that fits the suite: it starts its own simulator,
// gateway and baseline, measures every operation against the baseline, and writes the figures.
// Not a speed test: what is checked is that it runs, measures what it says, and that reads
// make no XenAPI calls; the figures themselves are for `npm run bench` on its own.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';

const ROOT = new URL('../../', import.meta.url);
const MAIN = new URL('dist/bench-build/bench/main.js', ROOT);

t.test('npm run bench: every operation against the baseline, the scale table, no XenAPI calls from reads', async (t) => {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-')), 'results.json');
  const args = ['--vms', '300', '--scale', '100,300', '--duration', '1', '--rounds', '1', '--connections', '4', '--contexts', '100', '--out', out];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [MAIN.pathname, ...args], { cwd: ROOT, timeout: 180_000 }, (err, so, se) => (err ? reject(new Error(`${err.message}\n${se}`)) : resolve(so)));
  });
  const r = JSON.parse(readFileSync(out, 'utf8')) as {
    operations: { name: string; ratio: number; gateway: { requestsPerSec: number; requests: number; non2xx: number }; baseline: { requestsPerSec: number }; responseBytes: number }[];
    readCalls: number;
    targets: { name: string; met: boolean; value: string }[];
    contextBytes: number;
    scale: { vms: number; items: number; guests: number; startupMs: number; enumerationMs: number; peakRss: number }[];
  };
  t.same(r.operations.map((o) => o.name.split(' ')[0]), ['Identify', 'Get', 'Enumerate', 'Association', 'WQL:'], 'every operation measured');
  for (const o of r.operations) {
    t.ok(o.gateway.requests > 0 && o.gateway.non2xx === 0, `${o.name}: ${o.gateway.requests} requests, all answered 2xx`);
    t.ok(o.baseline.requestsPerSec > 0 && Math.abs(o.ratio - o.gateway.requestsPerSec / o.baseline.requestsPerSec) < 1e-9, `${o.name}: ratio to the baseline of the same run`);
    t.ok(o.responseBytes > 500, `${o.name}: the baseline answers the gateway's ${o.responseBytes} bytes`);
  }
  t.equal(r.readCalls, 0, 'the reads made no XenAPI calls');
  // A few hundred contexts are too few for a steady figure; only its presence is checked here.
  t.ok(Number.isFinite(r.contextBytes) && r.contextBytes < 64 * 1024, `heap per enumeration context measured (${r.contextBytes.toFixed(0)} bytes)`);
  t.same(r.scale.map((s) => [s.vms, s.guests]), [[100, 100], [300, 300]], 'a full enumeration of CIM_ComputerSystem returns every guest VM at each size');
  t.ok(r.scale.every((s) => s.items > s.guests), 'and the host and virtual switches besides');
  t.ok(r.scale.every((s) => s.startupMs > 0 && s.enumerationMs > 0 && s.peakRss > 0), 'start-up, enumeration time and peak memory for each size');
  t.match(stdout, /ratio/, 'the table is printed');
  t.ok(r.targets.length >= 4 && r.targets.every((x) => typeof x.met === 'boolean'), "the issue's targets are judged in the results");
});
