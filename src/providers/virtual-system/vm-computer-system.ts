// DSP1057 Virtual System: one Xen_ComputerSystem per guest VM. Templates, snapshots and the
// control domain are not virtual systems and are never shown.
import type { CimInstance } from '../../cim/instance.js';
import type { KeyBinding } from '../../cim/object-path.js';
import type { InstanceProvider } from '../../cim/provider.js';
import type { XenModel } from '../../xenapi/model.js';
import { bool, date, int, refs, str, type XenRecord } from '../../xenapi/values.js';
import { CIMV2, makeInstance, orNull, timestamp } from '../instances.js';
import { perGeneration, RecordMemo } from '../memo.js';
import { availableRequestedStates, powerMapping, RequestedState } from '../power-state.js';

export const VM_CLASS = 'Xen_ComputerSystem';

export function isGuest(vm: XenRecord): boolean {
  return !bool(vm, 'is_a_template') && !bool(vm, 'is_a_snapshot') && !bool(vm, 'is_control_domain');
}

export function vmPathKeys(uuid: string): KeyBinding[] {
  return [{ name: 'CreationClassName', value: VM_CLASS }, { name: 'Name', value: uuid }];
}

export class VmComputerSystemProvider implements InstanceProvider {
  readonly name = 'virtual-system/vm-computer-system';
  readonly registrations = [{ namespace: CIMV2, className: VM_CLASS }];
  private readonly memo = new RecordMemo<CimInstance>();
  readonly guestUuids: () => readonly string[];

  constructor(private readonly model: XenModel) {
    this.guestUuids = perGeneration(model, ['VM'], () => {
      const out: string[] = [];
      for (const vm of model.all('VM').values()) if (isGuest(vm)) out.push(str(vm, 'uuid'));
      return out.sort();
    });
  }

  instanceIds(): readonly string[] {
    return this.guestUuids();
  }

  instanceById(_ctx: unknown, _cls: string, uuid: string): CimInstance | undefined {
    const vm = this.model.byUuid('VM', uuid);
    return vm && isGuest(vm) ? this.instance(vm) : undefined;
  }

  findInstance(_ctx: unknown, cls: string, keys: readonly KeyBinding[]): CimInstance | undefined {
    const name = keys.find((k) => k.name.toLowerCase() === 'name');
    if (name) return this.instanceById(_ctx, cls, String(name.value));
    // Without Name only CreationClassName was given: that names one VM only on a one-VM host.
    const ids = this.guestUuids();
    return ids.length === 1 && ids[0] !== undefined ? this.instanceById(_ctx, cls, ids[0]) : undefined;
  }

  private instance(vm: XenRecord): CimInstance {
    const metrics = this.model.get('VM_metrics', str(vm, 'metrics'));
    return this.memo.get(vm, [metrics], () => {
      const power = str(vm, 'power_state');
      const { enabledState, operationalStatus } = powerMapping(power);
      const running = power === 'Running' || power === 'Paused';
      return makeInstance(CIMV2, VM_CLASS, vmPathKeys(str(vm, 'uuid')), {
        Caption: 'Virtual machine',
        Description: orNull(str(vm, 'name_description')),
        ElementName: str(vm, 'name_label'),
        InstallDate: metrics ? timestamp(date(metrics, 'install_time')) : null,
        OperationalStatus: [operationalStatus],
        StatusDescriptions: [power],
        HealthState: 5,
        EnabledState: enabledState,
        RequestedState: RequestedState.NotApplicable,
        EnabledDefault: 2,
        TimeOfLastStateChange: running && metrics ? timestamp(date(metrics, 'start_time')) : null,
        AvailableRequestedStates: availableRequestedStates(refs(vm, 'allowed_operations')),
        TransitioningToState: RequestedState.NotApplicable,
        NameFormat: 'Other',
        Dedicated: [0],
        OtherIdentifyingInfo: Number.isFinite(int(vm, 'domid')) && int(vm, 'domid') >= 0 ? [`domid ${int(vm, 'domid')}`] : null,
        IdentifyingDescriptions: Number.isFinite(int(vm, 'domid')) && int(vm, 'domid') >= 0 ? ['Xen domain ID'] : null,
      });
    });
  }
}
