// When a VM's power state last changed, as the gateway saw it happen (CIM_EnabledLogicalElement
// TimeOfLastStateChange). xapi records only the start of a domain (VM_metrics.start_time), and
// metrics are re-read only every --metrics-interval, so a start would show the previous boot's
// time until then and a shutdown, a pause or a suspend no time at all. A change seen in the
// events (a reboot too: a new domain) is dated when it arrives; xapi's start_time stands for a
// running or paused VM when it is later (a start the gateway did not see).
import type { XenModel } from '../../xenapi/model.js';
import { str, type XenRecord } from '../../xenapi/values.js';

interface Seen {
  readonly power: string;
  readonly at: Date;
}

/** A change of power state, or a new domain in the same one (a reboot: xapi gives it a new domid). */
function changed(before: XenRecord, after: XenRecord): boolean {
  return str(before, 'power_state') !== str(after, 'power_state') || str(before, 'domid') !== str(after, 'domid');
}

// Only VMs seen changing are kept: a pool of thousands that sits still costs nothing.
const byModel = new WeakMap<XenModel, Map<string, Seen>>();

function seenOf(model: XenModel): Map<string, Seen> {
  const known = byModel.get(model);
  if (known) return known;
  const seen = new Map<string, Seen>();
  byModel.set(model, seen);
  model.onChange((classes, changes) => {
    if (!classes.has('VM')) return;
    if (changes === undefined) {
      // A full reload: what happened in between is unknown; a time stands only for a VM still
      // in the state it was seen entering (and still there at all).
      for (const [uuid, s] of seen) if (str(model.byUuid('VM', uuid) ?? {}, 'power_state') !== s.power) seen.delete(uuid);
      return;
    }
    for (const c of changes) {
      if (c.cls !== 'VM') continue;
      const uuid = str(c.record ?? c.previous ?? {}, 'uuid');
      if (!c.record) {
        seen.delete(uuid);
        continue;
      }
      if (c.previous && changed(c.previous, c.record)) seen.set(uuid, { power: str(c.record, 'power_state'), at: new Date() });
    }
  });
  return seen;
}

/** When the VM entered `power`, if the gateway saw it happen. */
export function powerChangedAt(model: XenModel, uuid: string, power: string): Date | undefined {
  const s = seenOf(model).get(uuid);
  return s !== undefined && s.power === power ? s.at : undefined;
}

/** Starts watching: changes are dated only from then on. */
export function watchStateTimes(model: XenModel): void {
  seenOf(model);
}
