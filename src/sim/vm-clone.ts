// VM.clone, VM.copy and VM.provision as xapi does them (xapi_vm_clone.ml, xapi_templates.ml):
// a clone or copy is a new Halted VM with the source's configuration, new disks (clones on
// the same SR, or full copies on the chosen SR), the same CDs and new NICs with MACs from a
// fresh mac_seed; a clone of a template is still a template. provision turns a template
// clone into a VM and creates the disks listed in other_config "disks".
import { randomUUID } from 'node:crypto';
import { XenFailure } from './errors.js';
import { macFor } from './ids.js';
import { addVbd, addVif, deviceKey, resolveUserdevice, type VbdSpec } from './devices.js';
import { must, newRef, now, refreshVmOperations, vmForOperation } from './objects.js';
import { makeRecord } from './records.js';
import type { VbdRecord } from './records-vm.js';
import type { World } from './seed.js';
import { addVdi, checkVdiCreate, initialUsage, VDI_TYPES, type VdiSpec, type VdiType } from './storage.js';
import type { Transaction } from './store.js';
import { NEVER, NULL_REF, type StrMap } from './values.js';

interface DiskPlan {
  readonly vbd: VbdRecord;
  /** The new disk, or undefined to share the source's VDI (empty drives and CDs). */
  readonly vdi: VdiSpec | undefined;
}

const vdiType = (t: string): VdiType => VDI_TYPES.find((x) => x === t) ?? 'user';

/** A fresh generation id, or none if the source had none (Xapi_vm_helpers.fresh_genid). */
function freshGenerationId(current: string): string {
  if (current === '') return '';
  const part = (): string => String(Math.floor(Math.random() * 2 ** 52));
  return `${part()}:${part()}`;
}

/**
 * VM.clone (copySr undefined) or VM.copy: checks, then returns the creation of the new VM.
 * A copy's SR that does not exist means "each disk on its own SR", as in xapi.
 */
export function cloneVm(world: World, ref: string, newName: string, copySr?: string): (tx: Transaction) => string {
  const { store } = world;
  const vm = vmForOperation(store, ref, copySr === undefined ? 'clone' : 'copy');
  const target = copySr === undefined ? undefined : store.get('SR', copySr);
  if (target?.content_type === 'iso') throw new XenFailure('OPERATION_NOT_ALLOWED', ["Cannot copy a VM's disks to an ISO SR"]);
  const disks: DiskPlan[] = [];
  for (const vbdRef of vm.VBDs) {
    const vbd = store.get('VBD', vbdRef);
    if (vbd === undefined) continue;
    if (vbd.empty || vbd.type === 'CD') {
      disks.push({ vbd, vdi: undefined });
      continue;
    }
    const src = must(store, 'VDI', vbd.VDI);
    const sr = target !== undefined && copySr !== undefined ? copySr : src.SR;
    const size = Number(src.virtual_size);
    disks.push({
      vbd,
      vdi: {
        name_label: src.name_label,
        name_description: src.name_description,
        SR: sr,
        virtual_size: size,
        type: vdiType(src.type),
        sharable: src.sharable,
        // A copy is always writable (CA-64962); a clone keeps the flag.
        read_only: copySr === undefined ? src.read_only : false,
        other_config: src.other_config,
        xenstore_data: src.xenstore_data,
        sm_config: {},
        tags: [],
        // A clone shares its parent's blocks; a copy is a full disk.
        physical: copySr === undefined ? 0 : Math.max(initialUsage(must(store, 'SR', sr), size), Number(src.physical_utilisation)),
      },
    });
  }
  checkVdiCreate(store, disks.flatMap((d) => (d.vdi === undefined ? [] : [d.vdi])));

  return (tx) => {
    const newVm = newRef();
    const metrics = newRef();
    const srcMetrics = store.get('VM_metrics', vm.metrics);
    tx.add('VM_metrics', metrics, makeRecord('VM_metrics', { ...srcMetrics, uuid: randomUUID() }));
    const otherConfig: StrMap = {};
    for (const [k, v] of Object.entries(vm.other_config)) {
      if (k !== 'default_template' && k !== 'xensource_internal') otherConfig[k] = v;
    }
    const seed = randomUUID();
    otherConfig['mac_seed'] = seed;
    if (vm.is_a_template && otherConfig['base_template_name'] === undefined) otherConfig['base_template_name'] = vm.name_label;
    const rec = makeRecord('VM', {
      ...vm,
      uuid: randomUUID(),
      name_label: newName,
      power_state: 'Halted',
      current_operations: {},
      blocked_operations: {},
      is_a_template: vm.is_a_snapshot || vm.is_a_template,
      is_default_template: false,
      is_a_snapshot: false,
      snapshot_of: NULL_REF,
      snapshots: [],
      snapshot_time: NEVER,
      snapshot_info: {},
      snapshot_metadata: '',
      transportable_snapshot_id: '',
      parent: NULL_REF,
      children: [],
      resident_on: NULL_REF,
      scheduled_to_be_resident_on: NULL_REF,
      suspend_VDI: NULL_REF,
      domid: '-1',
      domarch: '',
      metrics,
      guest_metrics: NULL_REF,
      VBDs: [],
      VIFs: [],
      consoles: [],
      VUSBs: [],
      VGPUs: [],
      VTPMs: [],
      crash_dumps: [],
      attached_PCIs: [],
      blobs: {},
      other_config: otherConfig,
      ha_always_run: false,
      protection_policy: NULL_REF,
      is_snapshot_from_vmpp: false,
      is_vmss_snapshot: false,
      snapshot_schedule: NULL_REF,
      appliance: NULL_REF,
      start_delay: '0',
      shutdown_delay: '0',
      order: '0',
      suspend_SR: NULL_REF,
      version: '0',
      generation_id: freshGenerationId(vm.generation_id),
      requires_reboot: false,
      pending_guidances: [],
    });
    tx.add('VM', newVm, rec);
    for (const d of disks) {
      const vdi = d.vdi === undefined ? d.vbd.VDI : addVdi(store, tx, d.vdi);
      const spec: VbdSpec = { ...d.vbd, VM: newVm, VDI: vdi, empty: d.vbd.empty || vdi === NULL_REF, mode: d.vbd.mode === 'RO' ? 'RO' : 'RW', type: d.vbd.type === 'CD' ? 'CD' : d.vbd.type === 'Floppy' ? 'Floppy' : 'Disk' };
      addVbd(store, tx, spec, d.vbd.userdevice);
    }
    for (const vifRef of vm.VIFs) {
      const vif = store.get('VIF', vifRef);
      if (vif === undefined || store.get('network', vif.network) === undefined) continue;
      const spec = { ...vif, VM: newVm, MTU: Number(vif.MTU) };
      addVif(store, tx, spec, macFor(`${seed}/${vif.device}`), true);
    }
    refreshVmOperations(tx, newVm, rec);
    return newVm;
  };
}

interface ProvisionDisk {
  readonly device: string;
  readonly size: number;
  readonly sr: string;
  readonly bootable: boolean;
  readonly type: VdiType;
}

const PARSE_FAILURE = (): XenFailure => new XenFailure('INTERNAL_ERROR', ['Xapi_templates.Parse_failure']);
const PROVISION_TYPES: readonly VdiType[] = ['system', 'user', 'ephemeral', 'suspend', 'crashdump'];

/** Parses `<provision><disk device="0" size="…" sr="…" bootable="true" type="system"/>…</provision>`. */
export function parseProvision(xml: string): ProvisionDisk[] {
  const whole = /^\s*<provision>([\s\S]*)<\/provision>\s*$/.exec(xml);
  if (whole === null) {
    if (/^\s*<provision\s*\/>\s*$/.test(xml)) return [];
    throw PARSE_FAILURE();
  }
  const body = whole[1] ?? '';
  const disks: ProvisionDisk[] = [];
  const rest = body.replace(/<disk\b([^<>]*?)\/>/g, (_all, attrText: string) => {
    const attrs = new Map<string, string>();
    for (const m of attrText.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)) attrs.set(m[1] ?? '', m[2] ?? '');
    const device = attrs.get('device');
    const size = attrs.get('size');
    const sr = attrs.get('sr');
    const bootable = attrs.get('bootable');
    if (device === undefined || size === undefined || sr === undefined || bootable === undefined || !/^-?\d+$/.test(size)) throw PARSE_FAILURE();
    // An unknown type falls back to "system", as xapi's parser does.
    const type = PROVISION_TYPES.find((t) => t === attrs.get('type')) ?? 'system';
    disks.push({ device, size: Number(size), sr, bootable: bootable === 'true', type });
    return '';
  });
  if (rest.trim() !== '') throw PARSE_FAILURE();
  return disks;
}

/**
 * VM.provision: only a Halted template; makes it a VM and creates the disks of its
 * other_config "disks" (each `sr` must be an SR uuid: clients fill it in, as xe vm-install does).
 */
export function provisionVm(world: World, ref: string): (tx: Transaction) => void {
  const { store } = world;
  const vm = vmForOperation(store, ref, 'provision');
  const xml = vm.other_config['disks'];
  const disks = xml === undefined ? [] : parseProvision(xml);
  const vdis: VdiSpec[] = disks.map((d) => {
    const sr = store.refByUuid('SR', d.sr);
    if (sr === undefined) throw new XenFailure('UUID_INVALID', ['sr', d.sr]);
    return {
      name_label: d.device,
      name_description: 'Created by template provisioner',
      SR: sr,
      virtual_size: d.size,
      type: d.type,
      sharable: false,
      read_only: false,
      other_config: {},
      xenstore_data: {},
      sm_config: { vmhint: vm.uuid },
      tags: [],
    };
  });
  checkVdiCreate(store, vdis);
  const taken = new Set<string>();
  const devices = disks.map((d) => {
    const userdevice = resolveUserdevice(store, vm, d.device, taken);
    taken.add(deviceKey(userdevice) ?? userdevice);
    return userdevice;
  });
  return (tx) => {
    const otherConfig: StrMap = { ...vm.other_config };
    delete otherConfig['disks'];
    delete otherConfig['postinstall'];
    tx.update('VM', ref, { is_a_template: false, other_config: otherConfig });
    store.updateSilently('VM_metrics', vm.metrics, { install_time: now() });
    disks.forEach((d, i) => {
      const userdevice = devices[i] ?? d.device;
      const vdiSpec = vdis[i];
      if (vdiSpec === undefined) return;
      const vdi = addVdi(store, tx, { ...vdiSpec, name_label: userdevice });
      addVbd(store, tx, {
        VM: ref,
        VDI: vdi,
        userdevice,
        bootable: d.bootable,
        mode: 'RW',
        type: 'Disk',
        unpluggable: d.type !== 'system',
        empty: false,
        other_config: { owner: '' },
        qos_algorithm_type: '',
        qos_algorithm_params: {},
      }, userdevice);
    });
    refreshVmOperations(tx, ref, vm);
  };
}
