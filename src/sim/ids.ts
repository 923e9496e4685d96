// Deterministic identifiers and pseudo-random numbers for the fixture. Every uuid and ref is a
// hash of a stable name ("vm:web-01", "vbd:vm-00042/0"), so the same fixture gets the same ids
// on every run, and an object's ids do not depend on how many other objects were seeded.

/** 128 bits from a string: four 32-bit multiply-xor lanes, cross-mixed, then murmur3's finaliser. */
function hash128(s: string): [number, number, number, number] {
  let a = 0x9e3779b9;
  let b = 0x85ebca6b;
  let c = 0xc2b2ae35;
  let d = 0x27d4eb2f;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    a = Math.imul(a ^ k, 0x01000193);
    b = Math.imul(b ^ k, 0x5bd1e995);
    c = Math.imul(c ^ k, 0x1b873593);
    d = Math.imul(d ^ k, 0xcc9e2d51);
    a ^= d >>> 15;
    b ^= a >>> 13;
    c ^= b >>> 16;
    d ^= c >>> 11;
  }
  a = fmix(a ^ s.length);
  b = fmix(b + a);
  c = fmix(c + b);
  d = fmix(d + c);
  a = fmix(a + d);
  return [a >>> 0, b >>> 0, c >>> 0, d >>> 0];
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_CODES = Buffer.from('0123456789abcdef', 'latin1');
// Ids are assembled in a scratch buffer and read out as one flat string: building them by
// concatenation leaves several intermediate strings per id, which adds up over 300,000 ids.
const SCRATCH = Buffer.alloc(46);
const REF_PREFIX = 'OpaqueRef:';
SCRATCH.write(REF_PREFIX, 0, 'latin1');

function writeHex(n: number, at: number, digits: number): void {
  for (let i = digits - 1; i >= 0; i--) {
    SCRATCH[at + i] = HEX_CODES[n & 15] as number;
    n >>>= 4;
  }
}

/** Writes a version-4-shaped uuid derived from `name` at offset `at` of the scratch buffer. */
function writeUuid(name: string, at: number): void {
  const [a, b, c, d] = hash128(name);
  const cv = ((c & 0x3fffffff) | 0x80000000) >>> 0;
  writeHex(a, at, 8);
  SCRATCH[at + 8] = 45; // '-'
  writeHex(b >>> 16, at + 9, 4);
  SCRATCH[at + 13] = 45;
  writeHex((b & 0x0fff) | 0x4000, at + 14, 4);
  SCRATCH[at + 18] = 45;
  writeHex(cv >>> 16, at + 19, 4);
  SCRATCH[at + 23] = 45;
  writeHex(cv & 0xffff, at + 24, 4);
  writeHex(d, at + 28, 8);
}

/** A version-4-shaped uuid derived from `name`. */
export function uuidFor(name: string): string {
  writeUuid(name, 10);
  return SCRATCH.toString('latin1', 10, 46);
}

/** The opaque reference of the object named `name` (unrelated to its uuid, as in xapi). */
export function refFor(name: string): string {
  writeUuid('ref/' + name, 10);
  return SCRATCH.toString('latin1', 0, 46);
}

/** A 32-bit seed from a name, for per-object pseudo-random values. */
export function seedFor(name: string): number {
  return hash128('seed/' + name)[0];
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let t = seed >>> 0;
  return () => {
    t = (t + 0x6d2b79f5) >>> 0;
    let r = Math.imul(t ^ (t >>> 15), 1 | t);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

/** A locally administered unicast MAC derived from `name` (first octet has bit 1 set, bit 0 clear). */
export function macFor(name: string): string {
  const [a, b] = hash128('mac/' + name);
  const first = ((a >>> 24) & 0xfc) | 0x02;
  return [first, (a >>> 16) & 255, (a >>> 8) & 255, a & 255, (b >>> 8) & 255, b & 255]
    .map((x) => HEX[x] as string)
    .join(':');
}
