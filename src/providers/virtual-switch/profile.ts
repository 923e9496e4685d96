// DSP1097 Virtual Ethernet Switch: each shown network as a switch (the central instances)
// with its settings, hosted by the host, and made of its network's connection pool.
import type { XenModel } from '../../xenapi/model.js';
import type { Pair } from '../association-table.js';
import { HOST_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import type { ProfileParts } from '../profile.js';
import { NETWORK_POOL_CLASS, networkHost, networkPoolId, shownNetworks, SWITCH_CLASS, SWITCH_SETTINGS_CLASS } from '../ethernet-port/networks.js';
import { switchSettingDataSpec } from './settings.js';
import { switchSpec } from './switch.js';

const end = (role: string, className: string) => ({ role, namespace: CIMV2, className });

export function virtualSwitch(model: XenModel): ProfileParts {
  const sameNetwork = (): Pair[] => shownNetworks(model).map(([uuid]) => [uuid, uuid]);
  const hostToSwitch = function* (): Generator<Pair> {
    for (const [uuid, net] of shownNetworks(model)) {
      const host = networkHost(model, net);
      if (host !== undefined) yield [host, uuid];
    }
  };
  return {
    name: 'virtual-switch',
    specs: [switchSpec(model), switchSettingDataSpec(model)],
    links: [
      { association: 'Xen_HostedDependency', row: { ends: [end('Antecedent', HOST_CLASS), end('Dependent', SWITCH_CLASS)], dependsOn: ['network', 'PIF', 'host', 'pool'], pairs: hostToSwitch } },
      {
        association: 'Xen_ElementSettingData',
        row: {
          ends: [end('ManagedElement', SWITCH_CLASS), end('SettingData', SWITCH_SETTINGS_CLASS)],
          dependsOn: ['network'],
          pairs: sameNetwork,
          // XenAPI keeps one network record: the settings are the default, current and next ones.
          properties: () => ({ IsDefault: 1, IsCurrent: 1, IsNext: 1 }),
        },
      },
      { association: 'Xen_SettingsDefineState', row: { ends: [end('ManagedElement', SWITCH_CLASS), end('SettingData', SWITCH_SETTINGS_CLASS)], dependsOn: ['network'], pairs: sameNetwork } },
      // The connections the network pool hands out are ports of this switch.
      {
        association: 'Xen_ConcreteComponent',
        row: {
          ends: [end('GroupComponent', NETWORK_POOL_CLASS), end('PartComponent', SWITCH_CLASS)],
          dependsOn: ['network'],
          pairs: () => shownNetworks(model).map(([uuid]) => [networkPoolId(uuid), uuid]),
        },
      },
    ],
    central: [{ profile: 'DSP1097', end: end('ManagedElement', SWITCH_CLASS), dependsOn: ['network'], ids: () => shownNetworks(model).map(([uuid]) => uuid) }],
  };
}
