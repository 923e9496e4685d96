// Builds one VM with its metrics, disks, CD drive, NICs and (when suspended) suspend image,
// and links it into the reverse fields xapi maintains (SR.VDIs, network.VIFs, host.resident_VMs).
import { macFor, refFor, uuidFor } from './ids.js';
import { allowedOperations, vbdAllowedOperations, vifAllowedOperations, type PowerState } from './power.js';
import { makeRecord } from './records.js';
import { addObject, bytes, GiB, MiB, pushTo, seedTime, type SeedContext } from './seed-context.js';
import { NULL_REF, type StrMap } from './values.js';

export interface DiskSpec {
  readonly size: number;
  readonly used: number;
  readonly sr: string;
}

export interface GuestSpec {
  /** Stable id namespace: uuids and refs of the VM and its devices derive from it. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly power: PowerState;
  readonly hvm: boolean;
  readonly windows: boolean;
  readonly vcpus: number;
  readonly memory: number;
  /** dynamic_min; defaults to memory (no ballooning range). */
  readonly memoryMin?: number;
  readonly disks: readonly DiskSpec[];
  readonly cd: boolean;
  readonly networks: readonly string[];
  readonly template: string;
  readonly installedDaysAgo: number;
  readonly startedHoursAgo: number;
  readonly domid?: number;
}

export function memoryOverhead(memory: number, vcpus: number): number {
  return Math.ceil((memory / 128 + (vcpus + 1) * MiB) / MiB) * MiB;
}

const PLATFORMS = new Map<string, Readonly<StrMap>>();

/** HVM platform flags; shared between VMs with the same shape (records never mutate maps). */
export function hvmPlatform(windows: boolean, vcpus: number): Readonly<StrMap> {
  const key = `${windows}/${vcpus}`;
  let p = PLATFORMS.get(key);
  if (p === undefined) PLATFORMS.set(key, (p = Object.freeze(buildPlatform(windows, vcpus))));
  return p;
}

function buildPlatform(windows: boolean, vcpus: number): StrMap {
  return {
    timeoffset: '0',
    'device-model': 'qemu-upstream-compat',
    viridian: windows ? 'true' : 'false',
    acpi: '1',
    apic: 'true',
    pae: 'true',
    nx: 'true',
    hpet: 'true',
    vga: 'std',
    videoram: '8',
    secureboot: 'false',
    'cores-per-socket': String(vcpus),
  };
}

export const PV_PLATFORM: Readonly<StrMap> = Object.freeze({ timeoffset: '0', acpi: '1', apic: 'true', pae: 'true', nx: 'true' });

const DISK_VDI_OPS: readonly string[] = Object.freeze(['clone', 'destroy', 'resize', 'snapshot', 'copy', 'mirror', 'generate_config', 'update', 'forget']);
const VHD: Readonly<StrMap> = Object.freeze({ vdi_type: 'vhd' });
const LIVE_UTILISATION = Object.freeze({ '0': 0.0347 });
const BIOS_BOOT: Readonly<StrMap> = Object.freeze({ order: 'cd', firmware: 'bios' });
const UEFI_BOOT: Readonly<StrMap> = Object.freeze({ order: 'cd', firmware: 'uefi' });
const HVM_BIOS_STRINGS: Readonly<StrMap> = Object.freeze({
  'bios-vendor': 'Xen',
  'bios-version': '',
  'system-manufacturer': 'Xen',
  'system-product-name': 'HVM domU',
  'system-version': '',
  'system-serial-number': '',
  'baseboard-manufacturer': '',
  'hp-rombios': '',
  'oem-1': 'Xen',
  'oem-2': 'MS_VM_CERT/SHA1/bdbeb6e0a816d43fa6d3fe8aaef04c2bad9d3e3d',
});

/** Adds the guest and returns its ref. */
export function addGuest(ctx: SeedContext, spec: GuestSpec): string {
  const { tx, infra } = ctx;
  const live = spec.power === 'Running' || spec.power === 'Paused';
  const memMin = spec.memoryMin ?? spec.memory;
  const overhead = memoryOverhead(spec.memory, spec.vcpus);
  const key = spec.key;
  const vmRef = refFor(`VM/${key}`);

  const metrics = addObject(tx, 'VM_metrics', key, {
    memory_actual: live ? bytes(spec.memory) : '0',
    VCPUs_number: live ? String(spec.vcpus) : '0',
    VCPUs_utilisation: live ? LIVE_UTILISATION : {},
    start_time: seedTime(-spec.startedHoursAgo * 3600),
    install_time: seedTime(-spec.installedDaysAgo * 86400),
    last_updated: seedTime(0),
    hvm: live && spec.hvm,
    current_domain_type: live ? (spec.hvm ? 'hvm' : 'pv') : 'unspecified',
  });

  const vbds: string[] = [];
  spec.disks.forEach((d, i) => {
    const vbd = refFor(`VBD/${key}/${i}`);
    const vdi = addObject(tx, 'VDI', `${key}/${i}`, {
      name_label: `${spec.name} ${i}`,
      name_description: i === 0 ? 'Created by template provisioner' : '',
      allowed_operations: DISK_VDI_OPS,
      SR: d.sr,
      VBDs: [vbd],
      virtual_size: bytes(d.size),
      physical_utilisation: bytes(d.used),
      type: i === 0 ? 'system' : 'user',
      location: uuidFor(`VDI/${key}/${i}`),
      sm_config: VHD,
    });
    addObject(tx, 'VBD', `${key}/${i}`, {
      allowed_operations: vbdAllowedOperations(live, false, false, false),
      VM: vmRef,
      VDI: vdi,
      device: `xvd${String.fromCharCode(97 + i)}`,
      userdevice: String(i),
      bootable: i === 0,
      mode: 'RW',
      type: 'Disk',
      currently_attached: live,
    });
    pushTo(ctx.srVdis, d.sr, vdi);
    vbds.push(vbd);
  });
  if (spec.cd) {
    vbds.push(
      addObject(tx, 'VBD', `${key}/cd`, {
        allowed_operations: vbdAllowedOperations(live, true, true),
        VM: vmRef,
        device: 'xvdd',
        userdevice: '3',
        mode: 'RO',
        type: 'CD',
        empty: true,
        unpluggable: true,
        currently_attached: live,
      }),
    );
  }
  const vifs = spec.networks.map((network, i) => {
    const vif = addObject(tx, 'VIF', `${key}/${i}`, {
      allowed_operations: vifAllowedOperations(live),
      device: String(i),
      network,
      VM: vmRef,
      MAC: macFor(`${key}/${i}`),
      currently_attached: live,
    });
    pushTo(ctx.netVifs, network, vif);
    return vif;
  });

  const vm = makeRecord('VM', {
    uuid: uuidFor(`VM/${key}`),
    name_label: spec.name,
    name_description: spec.description,
    power_state: spec.power,
    suspend_VDI: spec.power === 'Suspended' ? addSuspendImage(ctx, key, spec.memory) : NULL_REF,
    memory_overhead: bytes(overhead),
    memory_target: bytes(spec.memory),
    memory_static_max: bytes(spec.memory),
    memory_dynamic_max: bytes(spec.memory),
    memory_dynamic_min: bytes(memMin),
    memory_static_min: bytes(Math.min(memMin, 1 * GiB)),
    VCPUs_max: String(spec.vcpus),
    VCPUs_at_startup: String(spec.vcpus),
    VIFs: vifs,
    VBDs: vbds,
    HVM_boot_policy: spec.hvm ? 'BIOS order' : '',
    HVM_boot_params: spec.hvm ? (spec.windows ? UEFI_BOOT : BIOS_BOOT) : {},
    PV_bootloader: spec.hvm ? '' : 'pygrub',
    platform: spec.hvm ? hvmPlatform(spec.windows, spec.vcpus) : PV_PLATFORM,
    other_config: { base_template_name: spec.template, mac_seed: uuidFor(`mac_seed/${key}`), 'install-methods': spec.windows ? 'cdrom' : 'cdrom,nfs,http,ftp' },
    domid: live ? String(spec.domid ?? ctx.nextDomid++) : '-1',
    resident_on: live ? infra.host : NULL_REF,
    metrics,
    domain_type: spec.hvm ? 'hvm' : 'pv',
    generation_id: spec.windows ? '0:0' : '',
    hardware_platform_version: '2',
    has_vendor_device: spec.windows,
    bios_strings: spec.hvm ? HVM_BIOS_STRINGS : {},
  });
  vm.allowed_operations = allowedOperations(vm, vmRef);
  tx.add('VM', vmRef, vm);
  if (live) {
    ctx.resident.push(vmRef);
    ctx.liveMemory += spec.memory + overhead;
  }
  return vmRef;
}

/** The VDI a suspended VM's memory image lives in (type "suspend", on the pool's suspend SR). */
export function addSuspendImage(ctx: SeedContext, key: string, memory: number): string {
  const size = memory + 12 * MiB;
  const vdi = addObject(ctx.tx, 'VDI', `${key}/suspend`, {
    name_label: 'Suspend image',
    name_description: 'Suspend image',
    allowed_operations: ['destroy'],
    SR: ctx.infra.srLocal,
    virtual_size: bytes(size),
    physical_utilisation: bytes(size),
    type: 'suspend',
    location: uuidFor(`VDI/${key}/suspend`),
    sm_config: VHD,
  });
  pushTo(ctx.srVdis, ctx.infra.srLocal, vdi);
  return vdi;
}
