// DSP1057 Virtual System: each VM, its settings and state capabilities, and the associations
// that tie them together. Devices and resource settings come from the resource profiles.
import type { XenModel } from '../../xenapi/model.js';
import { guests, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import type { ProfileParts } from '../profile.js';
import type { ProviderServices } from '../services.js';
import { ELEC_CLASS, settingDataSpec, stateCapabilitiesSpec, VSSD_CLASS } from './settings.js';
import { vmSpec } from './vm.js';

const end = (role: string, className: string) => ({ role, namespace: CIMV2, className });

export function virtualSystem(model: XenModel, services: ProviderServices): ProfileParts {
  const sameVm = function* (): Generator<readonly [string, string]> {
    for (const [uuid] of guests(model)) yield [uuid, uuid];
  };
  return {
    name: 'virtual-system',
    specs: [vmSpec(model, services), settingDataSpec(model, services), stateCapabilitiesSpec(model)],
    links: [
      { association: 'Xen_SettingsDefineState', row: { ends: [end('ManagedElement', VM_CLASS), end('SettingData', VSSD_CLASS)], dependsOn: ['VM'], pairs: sameVm } },
      {
        association: 'Xen_ElementSettingData',
        row: {
          ends: [end('ManagedElement', VM_CLASS), end('SettingData', VSSD_CLASS)],
          dependsOn: ['VM'],
          pairs: sameVm,
          // XenAPI keeps one record: the settings are at once the default, the current and the next ones.
          properties: () => ({ IsDefault: 1, IsCurrent: 1, IsNext: 1 }),
        },
      },
      { association: 'Xen_ElementCapabilities', row: { ends: [end('ManagedElement', VM_CLASS), end('Capabilities', ELEC_CLASS)], dependsOn: ['VM'], pairs: sameVm } },
    ],
    central: [
      {
        profile: 'DSP1057',
        end: end('ManagedElement', VM_CLASS),
        dependsOn: ['VM'],
        ids: function* () {
          for (const [uuid] of guests(model)) yield uuid;
        },
      },
    ],
  };
}
