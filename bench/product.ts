// The product as `npm run build` made it (dist/): the benchmark measures that build, loaded at
// run time, not a second compilation of src/ (which would not find package.json or schema/).
import type * as AppModule from '../src/app.js';
import type * as ConfigModule from '../src/config.js';
import type * as SimulatorModule from '../src/sim/simulator.js';

// This file runs as dist/bench-build/bench/product.js.
const dist = (file: string): string => new URL(`../../${file}`, import.meta.url).href;

export const loadApp = async (): Promise<typeof AppModule> => (await import(dist('app.js'))) as typeof AppModule;
export const loadConfigModule = async (): Promise<typeof ConfigModule> => (await import(dist('config.js'))) as typeof ConfigModule;
export const loadSimulator = async (): Promise<typeof SimulatorModule> => (await import(dist('sim/simulator.js'))) as typeof SimulatorModule;
