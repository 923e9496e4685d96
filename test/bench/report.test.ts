// The targets as the benchmark judges them from its figures.
import t from 'tap';
import type { LoadFigures } from '../../bench/load.js';
import { targets, type Report } from '../../bench/report.js';

const figures = { requestsPerSec: 1, latencyMs: { p50: 0, p99: 0, mean: 0 }, requests: 1, errors: 0, non2xx: 0, bytesPerSec: 0, cpuMicrosPerRequest: 1 };
const op = (name: string, ratio: number): LoadFigures => ({ name, responseBytes: 1000, gateway: figures, baseline: figures, ratio, cpuRatio: ratio });
const report = (operations: LoadFigures[]): Omit<Report, 'targets'> => ({
  machine: {}, args: {}, operations, xenapiCallsDuringReads: {}, readCalls: 0, contextBytes: 1100,
  scale: [{ vms: 10_000, items: 10_004, guests: 10_000, startupMs: 2700, processStartMs: 3000, firstEnumerationMs: 200, enumerationMs: 131, requests: 101, heapUsed: 1, peakRss: 1 }],
  enumerationAtVms: undefined,
});

t.test('each ratio against its target; every other target from the run', async (t) => {
  const all = targets(report([op('Identify', 0.79), op('Get one VM', 0.6)]));
  t.same(all.map((x) => [x.name.split(' ')[0], x.met]), [['Identify', false], ['Get', true], ['open', true], ['no', true], ['full', true], ['start-up', true]]);
  t.equal(all[0]?.value, '0.79×');
});

t.test('an operation left out with --only is not judged (it was reported MISSED, NaN×)', async (t) => {
  const some = targets(report([op('Get one VM', 0.7)]));
  t.notOk(some.some((x) => x.name.startsWith('Identify')), 'no Identify target');
  t.ok(some.every((x) => x.met && !x.value.includes('NaN')), 'nothing missed, no NaN');
});
