// Which disk images go with a VM: a disk's VDI belongs to the VM when only this VM's VBDs use
// it, it is not sharable and it does not live on an ISO library, a physical drive or the tools
// SR. DestroySystem, RemoveResourceSettings and the undo of DefineSystem destroy such images
// and leave every other one (shared disks, ISO images, the tools ISO).
import type { XenModel } from '../../xenapi/model.js';
import { bool, isNullRef, refs, str, type XenRecord } from '../../xenapi/values.js';
import type { XenSteps } from './management-methods-common.js';
import { isDiskSr } from '../storage/records.js';

/** Records by ref, from the model or from XenAPI. */
export interface RecordReader {
  get(cls: 'VBD' | 'VDI' | 'SR', ref: string): Promise<XenRecord | undefined>;
}

export function modelReader(model: XenModel): RecordReader {
  return { get: (cls, ref) => Promise.resolve(model.get(cls, ref)) };
}

/** Reads through XenAPI (fresh objects the model may not have yet); a missing object is undefined. */
export function xenReader(steps: XenSteps): RecordReader {
  return {
    get: async (cls, ref) => {
      try {
        return (await steps.call(`${cls}.get_record`, [ref])) as XenRecord;
      } catch {
        return undefined;
      }
    },
  };
}

/** The disk images among `vbds` that belong to the VM owning them (see the header), without duplicates. */
export async function ownedVdis(reader: RecordReader, vbds: readonly string[]): Promise<string[]> {
  const mine = new Set(vbds);
  const out: string[] = [];
  for (const vbdRef of vbds) {
    const vbd = await reader.get('VBD', vbdRef);
    const vdiRef = vbd ? str(vbd, 'VDI') : '';
    if (!vbd || str(vbd, 'type') !== 'Disk' || bool(vbd, 'empty') || isNullRef(vdiRef) || out.includes(vdiRef)) continue;
    const vdi = await reader.get('VDI', vdiRef);
    if (!vdi || bool(vdi, 'sharable') || refs(vdi, 'VBDs').some((r) => !mine.has(r))) continue;
    const sr = await reader.get('SR', str(vdi, 'SR'));
    if (sr && isDiskSr(sr)) out.push(vdiRef);
  }
  return out;
}

/**
 * Destroys a VM with the disk images that belong to it: VM.destroy (which takes the VBDs and
 * VIFs), then VDI.destroy of each image. Returns the images that could not be destroyed.
 */
export async function destroyVmAndDisks(steps: XenSteps, vmRef: string, vdis: readonly string[]): Promise<string[]> {
  await steps.call('VM.destroy', [vmRef]);
  const left: string[] = [];
  for (const vdi of vdis) {
    try {
      await steps.call('VDI.destroy', [vdi]);
    } catch {
      left.push(vdi);
    }
  }
  return left;
}

/** Undo of a VM this method created: reads its disks fresh from XenAPI, then destroys it and them. */
export async function discardVm(steps: XenSteps, vmRef: string): Promise<void> {
  const vbds = ((await steps.call('VM.get_VBDs', [vmRef])) as readonly string[]).map(String);
  const vdis = await ownedVdis(xenReader(steps), vbds);
  await destroyVmAndDisks(steps, vmRef, vdis);
}
