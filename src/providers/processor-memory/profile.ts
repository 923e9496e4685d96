// DSP1044 Processor and DSP1045 Memory Resource Virtualization: per host a processor and a
// memory pool (with their allocation capabilities through pools.ts) and its physical CPUs;
// per guest its processor and memory settings; per guest with a domain its virtual CPUs and
// memory; and the associations that tie them to VMs, settings, pools and hosts.
import type { ProviderServices } from '../services.js';
import type { XenClass, XenModel } from '../../xenapi/model.js';
import type { Pair } from '../association-table.js';
import { guests, HOST_CLASS, hostOfVm, hosts, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import type { AssociationContribution, ProfileParts } from '../profile.js';
import { VSSD_CLASS } from '../virtual-system/settings.js';
import { pointLinks } from './capability-points.js';
import { memorySpec, MEMORY_CLASS } from './memory.js';
import { MEMORY_POINTS, MEMORY_RASD_CLASS, memorySettingsId, memorySettingsSpec } from './memory-settings.js';
import { MEMORY_POOL_CLASS, memoryPoolKind, memoryPoolSpec, PROCESSOR_POOL_CLASS, processorPoolKind, processorPoolSpec } from './pool-specs.js';
import { HOST_PROCESSOR_CLASS, hostCpuIds, hostProcessorSpec, PROCESSOR_CLASS, processorSpec, vcpuIds } from './processors.js';
import { PROCESSOR_POINTS, PROCESSOR_RASD_CLASS, processorSettingsId, processorSettingsSpec } from './processor-settings.js';
import { MEMORY_POOL, poolId, PROCESSOR_POOL, resourceIndex } from './resources.js';

const end = (role: string, className: string) => ({ role, namespace: CIMV2, className });

function link(association: string, a: readonly [string, string], b: readonly [string, string], dependsOn: readonly XenClass[], pairs: () => Iterable<Pair>): AssociationContribution {
  return { association, row: { ends: [end(a[0], a[1]), end(b[0], b[1])], dependsOn, pairs } };
}

export function processorMemory(model: XenModel, services: ProviderServices): ProfileParts {
  const index = resourceIndex(model);
  const processorPoolOf = (hostUuid: string): string => poolId(PROCESSOR_POOL, hostUuid);
  const memoryPoolOf = (hostUuid: string): string => poolId(MEMORY_POOL, hostUuid);

  /** [vm uuid, vcpu id, host uuid] of every virtual CPU */
  const vcpus = function* (): Generator<readonly [string, string, string | undefined]> {
    for (const [uuid, vm] of index.activeGuests()) {
      const host = hostOfVm(model, vm);
      for (const id of vcpuIds(model, uuid, vm)) yield [uuid, id, host];
    }
  };
  const activeHosts = function* (): Generator<readonly [string, string | undefined]> {
    for (const [uuid, vm] of index.activeGuests()) yield [uuid, hostOfVm(model, vm)];
  };
  const guestHosts = function* (): Generator<readonly [string, string | undefined]> {
    for (const [uuid, vm] of guests(model)) yield [uuid, hostOfVm(model, vm)];
  };
  const hostCpus = (): Iterable<Pair> => hostCpuIds(model, index);
  const perHost = (f: (uuid: string) => Pair) => () => hosts(model).map(([uuid]) => f(uuid));
  const VM_DEPS: readonly XenClass[] = ['VM', 'VM_metrics', 'host', 'pool'];
  const GUEST_DEPS: readonly XenClass[] = ['VM', 'host', 'pool'];

  const links: AssociationContribution[] = [
    // DSP1057: the VM and its devices
    link('Xen_SystemDevice', ['GroupComponent', VM_CLASS], ['PartComponent', PROCESSOR_CLASS], ['VM', 'VM_metrics'], function* () {
      for (const [vm, id] of vcpus()) yield [vm, id];
    }),
    link('Xen_SystemDevice', ['GroupComponent', VM_CLASS], ['PartComponent', MEMORY_CLASS], ['VM'], function* () {
      for (const [vm] of activeHosts()) yield [vm, vm];
    }),
    link('Xen_SystemDevice', ['GroupComponent', HOST_CLASS], ['PartComponent', HOST_PROCESSOR_CLASS], ['host', 'host_cpu'], hostCpus),
    // DSP1041: each device and the settings that define its state
    link('Xen_SettingsDefineState', ['ManagedElement', PROCESSOR_CLASS], ['SettingData', PROCESSOR_RASD_CLASS], ['VM', 'VM_metrics'], function* () {
      for (const [vm, id] of vcpus()) yield [id, processorSettingsId(vm)];
    }),
    link('Xen_SettingsDefineState', ['ManagedElement', MEMORY_CLASS], ['SettingData', MEMORY_RASD_CLASS], ['VM'], function* () {
      for (const [vm] of activeHosts()) yield [vm, memorySettingsId(vm)];
    }),
    // DSP1057: the VM's settings and its resource settings
    link('Xen_VirtualSystemSettingDataComponent', ['GroupComponent', VSSD_CLASS], ['PartComponent', PROCESSOR_RASD_CLASS], ['VM'], function* () {
      for (const [vm] of guests(model)) yield [vm, processorSettingsId(vm)];
    }),
    link('Xen_VirtualSystemSettingDataComponent', ['GroupComponent', VSSD_CLASS], ['PartComponent', MEMORY_RASD_CLASS], ['VM'], function* () {
      for (const [vm] of guests(model)) yield [vm, memorySettingsId(vm)];
    }),
    // DSP1041: pools, what they allocate, and where they live
    link('Xen_ElementAllocatedFromPool', ['Antecedent', PROCESSOR_POOL_CLASS], ['Dependent', PROCESSOR_CLASS], VM_DEPS, function* () {
      for (const [, id, host] of vcpus()) if (host !== undefined) yield [processorPoolOf(host), id];
    }),
    link('Xen_ElementAllocatedFromPool', ['Antecedent', MEMORY_POOL_CLASS], ['Dependent', MEMORY_CLASS], GUEST_DEPS, function* () {
      for (const [vm, host] of activeHosts()) if (host !== undefined) yield [memoryPoolOf(host), vm];
    }),
    link('Xen_ResourceAllocationFromPool', ['Antecedent', PROCESSOR_POOL_CLASS], ['Dependent', PROCESSOR_RASD_CLASS], GUEST_DEPS, function* () {
      for (const [vm, host] of guestHosts()) if (host !== undefined) yield [processorPoolOf(host), processorSettingsId(vm)];
    }),
    link('Xen_ResourceAllocationFromPool', ['Antecedent', MEMORY_POOL_CLASS], ['Dependent', MEMORY_RASD_CLASS], GUEST_DEPS, function* () {
      for (const [vm, host] of guestHosts()) if (host !== undefined) yield [memoryPoolOf(host), memorySettingsId(vm)];
    }),
    link('Xen_HostedResourcePool', ['GroupComponent', HOST_CLASS], ['PartComponent', PROCESSOR_POOL_CLASS], ['host'], perHost((u) => [u, processorPoolOf(u)])),
    link('Xen_HostedResourcePool', ['GroupComponent', HOST_CLASS], ['PartComponent', MEMORY_POOL_CLASS], ['host'], perHost((u) => [u, memoryPoolOf(u)])),
    // DSP1041: the host's CPUs are the concrete parts of its processor pool
    link('Xen_ConcreteComponent', ['GroupComponent', PROCESSOR_POOL_CLASS], ['PartComponent', HOST_PROCESSOR_CLASS], ['host', 'host_cpu'], function* () {
      for (const [host, id] of hostCpus()) yield [processorPoolOf(host), id];
    }),
    // DSP1043: the ranges each pool allows
    pointLinks(model, PROCESSOR_POOL, PROCESSOR_RASD_CLASS, PROCESSOR_POINTS),
    pointLinks(model, MEMORY_POOL, MEMORY_RASD_CLASS, MEMORY_POINTS),
  ];

  return {
    name: 'processor-memory',
    specs: [
      processorPoolSpec(model, index),
      memoryPoolSpec(model),
      processorSettingsSpec(model, index, services),
      memorySettingsSpec(model, services),
      processorSpec(model, index),
      memorySpec(model, index),
      hostProcessorSpec(model, index),
    ],
    links,
    central: [
      { profile: 'DSP1044', end: end('ManagedElement', PROCESSOR_POOL_CLASS), dependsOn: ['host'], ids: () => hosts(model).map(([u]) => processorPoolOf(u)) },
      { profile: 'DSP1045', end: end('ManagedElement', MEMORY_POOL_CLASS), dependsOn: ['host'], ids: () => hosts(model).map(([u]) => memoryPoolOf(u)) },
    ],
    pools: [processorPoolKind(model), memoryPoolKind(model)],
  };
}
