// Shared by the virtual device classes (disks, CD drives, network interfaces): their
// `Xen:<system uuid>/<device uuid>` ids and their state. XenAPI says whether a device is
// plugged into the running domain (currently_attached); a VM that is not running has none.
import type { CimValue } from '../cim/types.js';
import { EnabledState, RequestedState } from './power-state.js';

/** DeviceID of a guest's device: `Xen:<vm uuid>/<device uuid>`. */
export function guestDeviceId(vmUuid: string, deviceUuid: string): string {
  return `Xen:${vmUuid}/${deviceUuid}`;
}

/** `Xen:<system uuid>/<object uuid>` (a DeviceID or an InstanceID): the two uuids, or undefined. */
export function splitLocal(value: string | undefined): [string, string] | undefined {
  if (value === undefined || !value.startsWith('Xen:')) return undefined;
  const parts = value.slice(4).split('/');
  return parts.length === 2 && parts[0] && parts[1] ? [parts[0], parts[1]] : undefined;
}

/** EnabledState and status of a device, from whether it is attached to a running domain now. */
export function deviceState(attached: boolean): Record<string, CimValue> {
  return {
    EnabledState: attached ? EnabledState.Enabled : EnabledState.Disabled,
    OperationalStatus: [attached ? 2 /* OK */ : 15 /* Dormant */],
    StatusDescriptions: [attached ? 'Attached' : 'Not attached'],
    HealthState: 5,
    RequestedState: RequestedState.NotApplicable,
    EnabledDefault: 2,
  };
}

/** Code-point order for uuids and other ids. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
