// VM.create and VM.destroy as xapi does them (xapi_vm.ml, xapi_vm_helpers.ml): create takes
// the full constructor record (required fields per the datamodel, defaults for the rest),
// gives the VM its VM_metrics and a mac_seed and validates nothing else (that waits for
// VM.start); destroy needs Halted or Suspended and takes the VM's VBDs, VIFs and metrics
// with it but leaves its VDIs.
import { randomUUID } from 'node:crypto';
import { newRef, refreshVmOperations, vmForOperation, withoutRef } from './objects.js';
import { CtorRecord } from './params.js';
import { makeRecord } from './records.js';
import type { VmRecord } from './records-vm.js';
import { memoryOverhead } from './seed-guest.js';
import type { World } from './seed.js';
import { removeVdi } from './storage.js';
import type { Transaction } from './store.js';
import { unlinkVbd } from './devices.js';
import { NULL_REF } from './values.js';

const NORMAL_EXIT = ['destroy', 'restart'] as const;
const SOFT_REBOOT = ['soft_reboot', 'destroy', 'restart', 'preserve'] as const;
export const ON_CRASH = ['destroy', 'coredump_and_destroy', 'restart', 'coredump_and_restart', 'preserve', 'rename_restart'] as const;
export const ON_NORMAL_EXIT = NORMAL_EXIT;
const DOMAIN_TYPES = ['hvm', 'pv', 'pv_in_pvh', 'pvh', 'unspecified'] as const;

/** The VM fields a VM.create record sets, read in datamodel order (so the first missing one is reported). */
export type VmCreateFields = Partial<VmRecord>;

export function decodeVmRecord(v: unknown): VmCreateFields {
  const r = new CtorRecord(v, 'args');
  const int = (name: string, fallback?: number): string => String(r.int(name, fallback));
  const ref = (name: string): string => r.str(name, NULL_REF);
  return {
    name_label: r.str('name_label'),
    name_description: r.str('name_description'),
    user_version: int('user_version'),
    is_a_template: r.bool('is_a_template'),
    affinity: r.str('affinity'),
    memory_target: int('memory_target', 0),
    memory_static_max: int('memory_static_max'),
    memory_dynamic_max: int('memory_dynamic_max'),
    memory_dynamic_min: int('memory_dynamic_min'),
    memory_static_min: int('memory_static_min'),
    VCPUs_params: r.map('VCPUs_params'),
    VCPUs_max: int('VCPUs_max'),
    VCPUs_at_startup: int('VCPUs_at_startup'),
    actions_after_softreboot: r.enumOf('actions_after_softreboot', SOFT_REBOOT, 'soft_reboot'),
    actions_after_shutdown: r.enumOf('actions_after_shutdown', NORMAL_EXIT),
    actions_after_reboot: r.enumOf('actions_after_reboot', NORMAL_EXIT),
    actions_after_crash: r.enumOf('actions_after_crash', ON_CRASH),
    PV_bootloader: r.str('PV_bootloader'),
    PV_kernel: r.str('PV_kernel'),
    PV_ramdisk: r.str('PV_ramdisk'),
    PV_args: r.str('PV_args'),
    PV_bootloader_args: r.str('PV_bootloader_args'),
    PV_legacy_args: r.str('PV_legacy_args'),
    HVM_boot_policy: r.str('HVM_boot_policy'),
    HVM_boot_params: r.map('HVM_boot_params'),
    HVM_shadow_multiplier: r.float('HVM_shadow_multiplier', 1),
    platform: r.map('platform'),
    PCI_bus: r.str('PCI_bus'),
    other_config: r.map('other_config'),
    recommendations: r.str('recommendations'),
    xenstore_data: r.map('xenstore_data', {}),
    ha_always_run: r.bool('ha_always_run', false),
    ha_restart_priority: r.str('ha_restart_priority', ''),
    tags: r.list('tags', []),
    blocked_operations: r.map('blocked_operations', {}),
    protection_policy: ref('protection_policy'),
    is_snapshot_from_vmpp: r.bool('is_snapshot_from_vmpp', false),
    snapshot_schedule: ref('snapshot_schedule'),
    is_vmss_snapshot: r.bool('is_vmss_snapshot', false),
    appliance: ref('appliance'),
    start_delay: int('start_delay', 0),
    shutdown_delay: int('shutdown_delay', 0),
    order: int('order', 0),
    suspend_SR: ref('suspend_SR'),
    version: int('version', 0),
    generation_id: r.str('generation_id', '0:0'),
    hardware_platform_version: int('hardware_platform_version', 0),
    has_vendor_device: r.bool('has_vendor_device', false),
    reference_label: r.str('reference_label', ''),
    domain_type: r.enumOf('domain_type', DOMAIN_TYPES, 'unspecified'),
    NVRAM: r.map('NVRAM', {}),
  };
}

/** Adds a Halted VM built from `fields` with fresh VM_metrics; returns its ref. */
export function createVm(tx: Transaction, fields: VmCreateFields): string {
  const ref = newRef();
  const metrics = newRef();
  tx.add('VM_metrics', metrics, makeRecord('VM_metrics', { uuid: randomUUID(), VCPUs_utilisation: { '0': 0 } }));
  const vm = makeRecord('VM', { ...fields, uuid: randomUUID(), power_state: 'Halted', metrics });
  if (vm.other_config['mac_seed'] === undefined) vm.other_config = { mac_seed: randomUUID(), ...vm.other_config };
  if (vm.domain_type === 'unspecified') vm.domain_type = vm.HVM_boot_policy === '' ? 'pv' : 'hvm';
  if (vm.has_vendor_device && Number(vm.hardware_platform_version) < 2) vm.hardware_platform_version = '2';
  vm.memory_overhead = String(memoryOverhead(Number(vm.memory_static_max), Number(vm.VCPUs_max)));
  tx.add('VM', ref, vm);
  refreshVmOperations(tx, ref, vm);
  return ref;
}

/** VM.destroy: checks, then returns the removal of the VM with its VBDs, VIFs and metrics. */
export function destroyVm(world: World, ref: string): (tx: Transaction) => void {
  const { store } = world;
  const vm = vmForOperation(store, ref, 'destroy');
  return (tx) => {
    for (const vbd of vm.VBDs) {
      const r = store.get('VBD', vbd);
      if (r !== undefined) unlinkVbd(store, tx, vbd, r);
    }
    for (const vif of vm.VIFs) {
      const r = store.get('VIF', vif);
      if (r === undefined) continue;
      const net = store.get('network', r.network);
      if (net !== undefined) tx.update('network', r.network, { VIFs: withoutRef(net.VIFs, vif) });
      tx.remove('VIF', vif);
    }
    // The suspend image belongs to the VM's state, not to its disks; xapi's GC would reap it.
    if (store.get('VDI', vm.suspend_VDI) !== undefined) removeVdi(store, tx, vm.suspend_VDI);
    const source = store.get('VM', vm.snapshot_of);
    if (source !== undefined) tx.update('VM', vm.snapshot_of, { snapshots: withoutRef(source.snapshots, ref) });
    if (store.get('VM_metrics', vm.metrics) !== undefined) tx.remove('VM_metrics', vm.metrics);
    tx.remove('VM', ref);
  };
}
