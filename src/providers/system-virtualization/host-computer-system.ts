// DSP1042 System Virtualization: the host as Xen_HostComputerSystem, the scoping system.
import type { CimInstance } from '../../cim/instance.js';
import type { KeyBinding } from '../../cim/object-path.js';
import type { InstanceProvider } from '../../cim/provider.js';
import type { XenModel } from '../../xenapi/model.js';
import { bool, map, str, type XenRecord } from '../../xenapi/values.js';
import { CIMV2, makeInstance, orNull } from '../instances.js';
import { perGeneration, RecordMemo } from '../memo.js';
import { EnabledState, RequestedState } from '../power-state.js';

export const HOST_CLASS = 'Xen_HostComputerSystem';

export function hostPathKeys(uuid: string): KeyBinding[] {
  return [{ name: 'CreationClassName', value: HOST_CLASS }, { name: 'Name', value: uuid }];
}

export class HostComputerSystemProvider implements InstanceProvider {
  readonly name = 'system-virtualization/host-computer-system';
  readonly registrations = [{ namespace: CIMV2, className: HOST_CLASS }];
  private readonly memo = new RecordMemo<CimInstance>();
  private readonly hostUuids: () => readonly string[];

  constructor(private readonly model: XenModel) {
    this.hostUuids = perGeneration(model, ['host'], () => [...model.all('host').values()].map((h) => str(h, 'uuid')).sort());
  }

  instanceIds(): readonly string[] {
    return this.hostUuids();
  }

  instanceById(_ctx: unknown, _cls: string, uuid: string): CimInstance | undefined {
    const host = this.model.byUuid('host', uuid);
    return host ? this.instance(host) : undefined;
  }

  findInstance(_ctx: unknown, cls: string, keys: readonly KeyBinding[]): CimInstance | undefined {
    const name = keys.find((k) => k.name.toLowerCase() === 'name');
    if (name) return this.instanceById(_ctx, cls, String(name.value));
    const ids = this.hostUuids();
    return ids.length === 1 && ids[0] !== undefined ? this.instanceById(_ctx, cls, ids[0]) : undefined;
  }

  private instance(host: XenRecord): CimInstance {
    const metrics = this.model.get('host_metrics', str(host, 'metrics'));
    return this.memo.get(host, [metrics], () => {
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
      return makeInstance(CIMV2, HOST_CLASS, hostPathKeys(str(host, 'uuid')), {
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
      });
    });
  }
}
