// DSP1044 devices: the virtual CPUs of each guest with a domain (Xen_Processor) and the
// physical CPUs of each host (Xen_HostProcessor). A halted or suspended VM has no domain and
// so no virtual CPUs (DSP1044 lets an inactive virtual system have none); its processor
// settings still say how many it will get.
import type { XenModel } from '../../xenapi/model.js';
import { int, str, type XenRecord } from '../../xenapi/values.js';
import { classSpec } from '../class-spec.js';
import { deviceKeys, guestByUuid, HOST_CLASS, hosts, instanceId, localId, VM_CLASS } from '../ids.js';
import { CIMV2, orNull } from '../instances.js';
import { EnabledState, powerStateProperties, RequestedState } from '../power-state.js';
import { liveVcpus, metricsOf, vcpuLoad, type ResourceIndex } from './resources.js';

export const PROCESSOR_CLASS = 'Xen_Processor';
export const HOST_PROCESSOR_CLASS = 'Xen_HostProcessor';

/** `<system uuid>/<n>` ↔ DeviceID `Xen:<system uuid>/<label><n>` */
function deviceId(label: string, id: string): string {
  const cut = id.lastIndexOf('/');
  return instanceId(`${id.slice(0, cut)}/${label}${id.slice(cut + 1)}`);
}

function idOfDevice(label: string, deviceID: string | undefined): string | undefined {
  const m = /^(.+)\/([A-Za-z]+)(0|[1-9][0-9]*)$/.exec(localId(deviceID) ?? '');
  return m && m[2] === label && !m[1]!.includes('/') ? `${m[1]}/${m[3]}` : undefined;
}

/** `<system uuid>/<n>` → [system uuid, n]; ids come from idOfDevice or from ids(), so n is a number */
function split(id: string): [string, number] {
  const cut = id.lastIndexOf('/');
  return [id.slice(0, cut), Number(id.slice(cut + 1))];
}

/** The vCPU ids of an active guest: `<vm uuid>/0` … */
export function* vcpuIds(model: XenModel, uuid: string, vm: XenRecord): Generator<string> {
  const n = liveVcpus(model, vm);
  for (let i = 0; i < n; i++) yield `${uuid}/${i}`;
}

export function processorSpec(model: XenModel, index: ResourceIndex) {
  const hostCpuOf = (vm: XenRecord): XenRecord | undefined => index.cpusByHost().get(str(vm, 'resident_on'))?.[0];
  return classSpec<XenRecord>({
    className: PROCESSOR_CLASS,
    namespace: CIMV2,
    dependsOn: ['VM', 'VM_metrics'],
    ids: function* () {
      for (const [uuid, vm] of index.activeGuests()) yield* vcpuIds(model, uuid, vm);
    },
    source: (id) => {
      const [uuid, n] = split(id);
      const vm = guestByUuid(model, uuid);
      return vm && n < liveVcpus(model, vm) ? vm : undefined;
    },
    extraDeps: (vm) => [metricsOf(model, vm), hostCpuOf(vm)],
    keys: (id) => deviceKeys(VM_CLASS, id.slice(0, id.lastIndexOf('/')), PROCESSOR_CLASS, deviceId('VCPU', id)),
    idFromKeys: (k) => idOfDevice('VCPU', k.get('deviceid')),
    properties: (id, vm) => {
      const n = split(id)[1];
      const power = str(vm, 'power_state');
      return {
        ElementName: `VCPU ${n}`,
        Caption: 'Virtual CPU',
        ...powerStateProperties(power),
        // A vCPU is of the family of the host CPUs it runs on (xapi gives their model name).
        ...familyOf(hostCpuOf(vm)),
        LoadPercentage: vcpuLoad(metricsOf(model, vm), n),
      };
    },
  });
}

/** [host uuid, host processor id] of every host CPU, hosts in uuid order, CPUs by number */
export function* hostCpuIds(model: XenModel, index: ResourceIndex): Generator<readonly [string, string]> {
  const byHost = index.cpusByHost();
  for (const [uuid] of hosts(model)) {
    for (const cpu of byHost.get(model.refByUuid('host', uuid) ?? '') ?? []) yield [uuid, `${uuid}/${int(cpu, 'number')}`];
  }
}

export function hostProcessorSpec(model: XenModel, index: ResourceIndex) {
  const hostCpu = (id: string): XenRecord | undefined => {
    const [uuid, n] = split(id);
    return index.cpusByHost().get(model.refByUuid('host', uuid) ?? '')?.find((c) => int(c, 'number') === n);
  };
  return classSpec<XenRecord>({
    className: HOST_PROCESSOR_CLASS,
    namespace: CIMV2,
    dependsOn: ['host', 'host_cpu'],
    ids: function* () {
      for (const [, id] of hostCpuIds(model, index)) yield id;
    },
    source: hostCpu,
    keys: (id) => deviceKeys(HOST_CLASS, id.slice(0, id.lastIndexOf('/')), HOST_PROCESSOR_CLASS, deviceId('CPU', id)),
    idFromKeys: (k) => idOfDevice('CPU', k.get('deviceid')),
    properties: (_id, cpu) => {
      const speed = int(cpu, 'speed');
      const load = Number(cpu['utilisation']);
      return {
        ElementName: `CPU ${int(cpu, 'number')}`,
        Caption: 'Physical CPU',
        OperationalStatus: [2 /* OK */],
        HealthState: 5,
        // A physical CPU runs whatever the host's state; xapi reports no per-CPU state.
        EnabledState: EnabledState.Enabled,
        RequestedState: RequestedState.NotApplicable,
        EnabledDefault: 2,
        ...familyOf(cpu),
        Stepping: orNull(str(cpu, 'stepping')),
        CurrentClockSpeed: Number.isFinite(speed) && speed > 0 ? Math.round(speed) : null,
        LoadPercentage: Number.isFinite(load) ? Math.min(100, Math.max(0, Math.round(load * 100))) : null,
      };
    },
  });
}

/** CIM_Processor.Family: Other (1), with xapi's model name as OtherFamilyDescription; 2 Unknown without one. */
function familyOf(cpu: XenRecord | undefined): { Family: number; OtherFamilyDescription: string | null } {
  const name = cpu ? str(cpu, 'modelname').slice(0, 64) : '';
  return name ? { Family: 1, OtherFamilyDescription: name } : { Family: 2, OtherFamilyDescription: null };
}
