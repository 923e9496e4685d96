// Amounts in the units DSP1044/DSP1045 settings use. XenAPI counts memory in bytes and the
// memory settings and pools speak MiB (byte*2^20): a part of a MiB is never dropped silently.
// Amounts held or asked for round up (rounding is monotonic, so static_min <= dynamic_min <=
// dynamic_max <= static_max still holds in MiB); a capacity rounds down, since a part of a MiB
// cannot be handed out.

export const MIB = 1024 * 1024;
export const MEMORY_UNITS = 'byte*2^20';
export const COUNT_UNITS = 'count';

/** Bytes (a XenAPI int) → whole MiB, rounded up; null when absent or negative. */
export function mibUp(bytes: number): number | null {
  return Number.isFinite(bytes) && bytes >= 0 ? Math.ceil(bytes / MIB) : null;
}

/** Bytes → whole MiB, rounded down; null when absent or negative. */
export function mibDown(bytes: number): number | null {
  return Number.isFinite(bytes) && bytes >= 0 ? Math.floor(bytes / MIB) : null;
}

/** A non-negative integer, or null (XenAPI ints arrive as strings; NaN when absent). */
export function count(n: number): number | null {
  return Number.isInteger(n) && n >= 0 ? n : null;
}
