// The simulator's records of the classes a request could change, read as any XenAPI client
// reads them, so a run of hostile requests can prove it changed nothing.
import type { XenSession } from '../../src/xenapi/session.js';
import { allRecords } from '../helpers/xenapi.js';

const CLASSES = ['pool', 'host', 'VM', 'VBD', 'VDI', 'SR', 'PBD', 'VIF', 'network', 'PIF'] as const;

export type SimSnapshot = Readonly<Record<string, string>>;

export async function simSnapshot(session: XenSession): Promise<SimSnapshot> {
  const out: Record<string, string> = {};
  for (const cls of CLASSES) {
    const records = await allRecords(session, cls);
    out[cls] = JSON.stringify([...records.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

/** Classes whose records differ between two snapshots. */
export function changedClasses(before: SimSnapshot, after: SimSnapshot): string[] {
  return CLASSES.filter((c) => before[c] !== after[c]);
}
