// Decoded structs as compact V8 objects. xapi's records of one class have the same members in
// the same order, and the cache holds hundreds of thousands of them. Built by assignment, an
// object of more than ~20 properties falls into dictionary mode (a VM record: a 6.2 KB hash
// table of its own); Object.fromEntries keeps fast properties but costs ~15 µs per VM record.
// A struct whose member names have been seen before is built by an object literal compiled for
// those names: fast in-object properties, one hidden class for all such records, ~0.7 µs.
import type { XenStruct, XenValue } from './values.js';

type Maker = (values: readonly XenValue[]) => XenStruct;

interface Shape {
  seen: number;
  make?: Maker;
}

/** Up to this many members V8 keeps an object built by assignment in fast mode. */
const ASSIGNED_MAX = 12;
/** Larger structs are maps of free keys (get_all_records: ref → record), where a hash table is right. */
const SHAPED_MAX = 256;
/** A shape is compiled when seen this often: a one-off map of free keys is not worth compiling. */
const COMPILE_AFTER = 2;
const MAX_SHAPES = 512;
const MAX_MAKERS = 256;

const shapes = new Map<string, Shape>();
let makers = 0;

/** The struct with these members, in this order (a repeated name: the last value wins). */
export function makeStruct(names: readonly string[], values: readonly XenValue[]): XenStruct {
  const n = names.length;
  if (n <= ASSIGNED_MAX || n > SHAPED_MAX) return assigned(names, values);
  const key = JSON.stringify(names);
  let shape = shapes.get(key);
  if (shape === undefined) {
    if (shapes.size >= MAX_SHAPES) forgetUncompiled();
    shape = { seen: 0 };
    if (shapes.size < MAX_SHAPES) shapes.set(key, shape);
  }
  if (shape.make === undefined && ++shape.seen >= COMPILE_AFTER && makers < MAX_MAKERS && !names.includes('__proto__')) {
    shape.make = compile(names);
    makers++;
  }
  return shape.make ? shape.make(values) : (Object.fromEntries(names.map((name, i) => [name, values[i]])) as XenStruct);
}

function assigned(names: readonly string[], values: readonly XenValue[]): XenStruct {
  const out: Record<string, XenValue> = {};
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    // A key "__proto__" from the wire must stay data, never become a prototype.
    if (name === '__proto__') Object.defineProperty(out, name, { value: values[i], enumerable: true, writable: true, configurable: true });
    else out[name] = values[i]!;
  }
  return out;
}

/** Maps of free keys seen once fill the table; the shapes that repeat (records) are kept. */
function forgetUncompiled(): void {
  for (const [key, shape] of shapes) if (shape.make === undefined) shapes.delete(key);
}

function compile(names: readonly string[]): Maker {
  // Generated code, as Fastify's own serializers are: each name is written as a JSON string
  // literal (valid JavaScript for any string), so a name cannot become code. "__proto__" is
  // never compiled: in a literal it would set the prototype.
  const body = `return {${names.map((name, i) => `${JSON.stringify(name)}: v[${i}]`).join(', ')}};`;
  return new Function('v', body) as Maker;
}

/** How many shapes have a compiled maker (for tests). */
export function compiledShapes(): number {
  return makers;
}
