// DSP1057: one Xen_ComputerSystem per guest VM. Templates, snapshots and the control domain
// are not virtual systems and are never shown.
import type { XenModel } from '../../xenapi/model.js';
import { date, int, map, refs, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import type { ProviderServices } from '../services.js';
import { NAME_PROPERTIES, renameVm } from './rename.js';
import { requestedStates, requestNoteOf } from './requested-states.js';
import { requestStateChange } from './state-change.js';
import { powerChangedAt, watchStateTimes } from './state-times.js';
import { guestByUuid, guests, systemKeys, VM_CLASS } from '../ids.js';
import { CIMV2, orNull, timestamp } from '../instances.js';
import { availableRequestedStates, powerStateProperties } from '../power-state.js';

export function vmSpec(model: XenModel, services: ProviderServices) {
  watchStateTimes(model);
  return classSpec<XenRecord>({
    className: VM_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM'],
    ids: function* () {
      for (const [uuid] of guests(model)) yield uuid;
    },
    source: (uuid) => guestByUuid(model, uuid),
    // The request note too: one that needed no change leaves the VM's record as it was.
    extraDeps: (vm) => [model.get('VM_metrics', str(vm, 'metrics')), requestNoteOf(model, str(vm, 'uuid'))],
    keys: (uuid) => systemKeys(VM_CLASS, uuid),
    idFromKeys: (k) => k.get('name'),
    writable: NAME_PROPERTIES,
    modify: (ctx, uuid, _vm, changes) => renameVm(model, services, ctx, uuid, changes),
    methodNames: ['RequestStateChange'],
    invoke: (ctx, _method, uuid, vm, params) => requestStateChange(model, services, ctx, uuid, vm, params),
    properties: (uuid, vm) => {
      const metrics = model.get('VM_metrics', str(vm, 'metrics'));
      const power = str(vm, 'power_state');
      const active = power === 'Running' || power === 'Paused';
      const domid = int(vm, 'domid');
      const hasDomain = Number.isFinite(domid) && domid >= 0;
      return {
        Caption: 'Virtual machine',
        Description: orNull(str(vm, 'name_description')),
        ElementName: str(vm, 'name_label'),
        InstallDate: metrics ? timestamp(date(metrics, 'install_time')) : null,
        ...powerStateProperties(power),
        ...requestedStates(model, uuid, power, map(vm, 'current_operations')),
        TimeOfLastStateChange: stateChangedAt(model, uuid, power, active, metrics),
        AvailableRequestedStates: availableRequestedStates(power, refs(vm, 'allowed_operations')),
        NameFormat: 'Other',
        Dedicated: [0],
        OtherIdentifyingInfo: hasDomain ? [`domid ${domid}`] : null,
        IdentifyingDescriptions: hasDomain ? ['Xen domain ID'] : null,
      };
    },
  });
}

/** The later of the change seen in the events and the start of a live domain (xapi's start_time). */
function stateChangedAt(model: XenModel, uuid: string, power: string, active: boolean, metrics: XenRecord | undefined) {
  const seen = powerChangedAt(model, uuid, power);
  const started = active && metrics ? date(metrics, 'start_time') : undefined;
  const at = seen && started ? (seen.getTime() >= started.getTime() ? seen : started) : (seen ?? started);
  return at ? timestamp(at) : null;
}
