// DSP1057: the settings of a VM (Xen_VirtualSystemSettingData) and the state changes it
// accepts now (Xen_EnabledLogicalElementCapabilities). One VSSD per VM stands for both its
// current state and its definition, since XenAPI keeps one record for both.
import type { XenModel } from '../../xenapi/model.js';
import { date, map, refs, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import type { ProviderServices } from '../services.js';
import { NAME_PROPERTIES, renameVm } from './rename.js';
import { guestByUuid, guests, instanceId, localId } from '../ids.js';
import { CIMV2, orNull, timestamp } from '../instances.js';
import { REQUESTABLE_STATES } from '../power-state.js';

export const VSSD_CLASS = 'Xen_VirtualSystemSettingData';
export const ELEC_CLASS = 'Xen_EnabledLogicalElementCapabilities';

/** HVM when the VM boots through a firmware boot policy (or says so in domain_type), else PV. */
export function virtualSystemType(vm: XenRecord): string {
  const domainType = str(vm, 'domain_type');
  if (domainType === 'hvm' || domainType === 'pvh') return domainType === 'hvm' ? 'DMTF:Xen:HVM' : 'DMTF:Xen:PVH';
  return str(vm, 'HVM_boot_policy') !== '' ? 'DMTF:Xen:HVM' : 'DMTF:Xen:PV';
}

const RESTARTS = new Set(['restart', 'coredump_and_restart', 'rename_restart']);

function guestIds(model: XenModel): () => Generator<string> {
  return function* () {
    for (const [uuid] of guests(model)) yield uuid;
  };
}

export function settingDataSpec(model: XenModel, services: ProviderServices) {
  return classSpec<XenRecord>({
    className: VSSD_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM'],
    ids: guestIds(model),
    source: (uuid) => guestByUuid(model, uuid),
    extraDeps: (vm) => [model.get('VM_metrics', str(vm, 'metrics'))],
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(uuid) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    writable: NAME_PROPERTIES,
    modify: (ctx, uuid, _vm, changes) => renameVm(model, services, ctx, uuid, changes),
    properties: (uuid, vm) => vssdProperties(model, uuid, vm),
  });
}

/** A VM's settings as Xen_VirtualSystemSettingData shows them (ModifySystemSettings compares with them too). */
export function vssdProperties(model: XenModel, uuid: string, vm: XenRecord) {
  const metrics = model.get('VM_metrics', str(vm, 'metrics'));
  const bootOrder = map(vm, 'HVM_boot_params')['order'];
  const autoStart = map(vm, 'other_config')['auto_poweron'] === 'true';
  return {
    Caption: 'Virtual machine settings',
    Description: orNull(str(vm, 'name_description')),
    ElementName: str(vm, 'name_label'),
    VirtualSystemIdentifier: uuid,
    VirtualSystemType: virtualSystemType(vm),
    Notes: str(vm, 'name_description') ? [str(vm, 'name_description')] : null,
    CreationTime: metrics ? timestamp(date(metrics, 'install_time')) : null,
    AutomaticStartupAction: autoStart ? 4 /* Always startup */ : 2 /* None */,
    AutomaticShutdownAction: 4 /* Shutdown: the host shuts its guests down cleanly */,
    AutomaticRecoveryAction: RESTARTS.has(str(vm, 'actions_after_crash')) ? 3 /* Restart */ : 2 /* None */,
    BootOrder: bootOrder ?? null,
    Tags: refs(vm, 'tags'),
  };
}

export function stateCapabilitiesSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: ELEC_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM'],
    ids: guestIds(model),
    source: (uuid) => guestByUuid(model, uuid),
    keys: (uuid) => [{ name: 'InstanceID', value: instanceId(uuid) }],
    idFromKeys: (k) => localId(k.get('instanceid')),
    properties: (_uuid, vm) => ({
      ElementName: `Capabilities of ${str(vm, 'name_label')}`,
      ElementNameEditSupported: true,
      // xapi accepts any name_label; 255 keeps names usable in every client we know.
      MaxElementNameLen: 255,
      // CIM: AvailableRequestedStates (on the VM) is the subset that applies in its state now.
      RequestedStatesSupported: [...REQUESTABLE_STATES],
    }),
  });
}
