// DSP1042: the host as Xen_HostComputerSystem, the scoping system of every profile here.
import type { XenModel } from '../../xenapi/model.js';
import { bool, map, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { HOST_CLASS, hosts, systemKeys } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { EnabledState, RequestedState } from '../power-state.js';

export function hostSpec(model: XenModel) {
  return classSpec<XenRecord>({
    className: HOST_CLASS,
    namespace: CIMV2,
    dependsOn: ['host'],
    ids: () => hosts(model).map(([uuid]) => uuid),
    source: (uuid) => model.byUuid('host', uuid),
    extraDeps: (host) => [model.get('host_metrics', str(host, 'metrics'))],
    keys: (uuid) => systemKeys(HOST_CLASS, uuid),
    idFromKeys: (k) => k.get('name'),
    properties: (_uuid, host) => {
      const metrics = model.get('host_metrics', str(host, 'metrics'));
      const enabled = bool(host, 'enabled');
      const live = metrics ? bool(metrics, 'live') : true;
      const sw = map(host, 'software_version');
      const info: string[] = [];
      const desc: string[] = [];
      const add = (value: string | undefined, what: string): void => {
        if (value) {
          info.push(value);
          desc.push(what);
        }
      };
      add(str(host, 'hostname'), 'Host name');
      add(str(host, 'address'), 'Management IP address');
      add(sw['product_brand'] && sw['product_version'] ? `${sw['product_brand']} ${sw['product_version']}` : undefined, 'Product');
      return {
        Caption: 'Virtualization host',
        Description: orNull(str(host, 'name_description')),
        ElementName: str(host, 'name_label'),
        OperationalStatus: [live ? 2 : 13 /* Lost Communication */],
        StatusDescriptions: [live ? (enabled ? 'Enabled' : 'Disabled (maintenance)') : 'Not responding'],
        HealthState: live ? 5 : 25,
        // A disabled host keeps its VMs but takes no new ones: Enabled but Offline.
        EnabledState: enabled ? EnabledState.Enabled : EnabledState.EnabledButOffline,
        RequestedState: RequestedState.NotApplicable,
        EnabledDefault: 2,
        TransitioningToState: RequestedState.NotApplicable,
        NameFormat: 'Other',
        Dedicated: [0],
        OtherIdentifyingInfo: info,
        IdentifyingDescriptions: desc,
      };
    },
  });
}
