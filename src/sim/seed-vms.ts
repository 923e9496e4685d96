// The VMs of the default fixture: dom0, the five named guests (one per power state, PV and
// HVM), default templates plus one user template, a snapshot of web-01, and for larger
// fixtures generated guests vm-00006, vm-00007, … with a fixed mix of power states.
import { prng, seedFor } from './ids.js';
import { allowedOperations, type PowerState } from './power.js';
import { addGuest, hvmPlatform, memoryOverhead, type GuestSpec } from './seed-guest.js';
import { addObject, bytes, GiB, MiB, seedTime, type SeedContext } from './seed-context.js';
import { NULL_REF } from './values.js';

export const NAMED_GUESTS = ['web-01', 'db-01', 'build-agent', 'win2019-test', 'legacy-app'] as const;

function namedGuests(ctx: SeedContext): readonly GuestSpec[] {
  const { srLocal, srNfs, netEth0, netVlan100 } = ctx.infra;
  return [
    { key: 'web-01', name: 'web-01', description: 'Public web front end', power: 'Running', hvm: true, windows: false, vcpus: 2, memory: 4 * GiB, disks: [{ size: 40 * GiB, used: 17.3 * GiB, sr: srLocal }], cd: true, networks: [netEth0], template: 'Debian Bookworm 12', installedDaysAgo: 212, startedHoursAgo: 310, domid: 3 },
    { key: 'db-01', name: 'db-01', description: 'PostgreSQL primary', power: 'Running', hvm: false, windows: false, vcpus: 8, memory: 32 * GiB, memoryMin: 16 * GiB, disks: [{ size: 100 * GiB, used: 61.8 * GiB, sr: srNfs }, { size: 64 * GiB, used: 40.2 * GiB, sr: srNfs }], cd: false, networks: [netEth0, netVlan100], template: 'CentOS 7', installedDaysAgo: 498, startedHoursAgo: 1270, domid: 5 },
    { key: 'build-agent', name: 'build-agent', description: 'CI build agent (on demand)', power: 'Halted', hvm: true, windows: false, vcpus: 4, memory: 8 * GiB, disks: [{ size: 64 * GiB, used: 22.5 * GiB, sr: srLocal }], cd: true, networks: [netEth0], template: 'Ubuntu Jammy Jellyfish 22.04', installedDaysAgo: 95, startedHoursAgo: 52 },
    { key: 'win2019-test', name: 'win2019-test', description: 'Windows Server 2019 test box', power: 'Suspended', hvm: true, windows: true, vcpus: 2, memory: 8 * GiB, disks: [{ size: 64 * GiB, used: 31.4 * GiB, sr: srLocal }], cd: true, networks: [netEth0], template: 'Windows Server 2019 (64-bit)', installedDaysAgo: 41, startedHoursAgo: 20 },
    { key: 'legacy-app', name: 'legacy-app', description: 'Legacy billing application', power: 'Paused', hvm: false, windows: false, vcpus: 1, memory: 2 * GiB, disks: [{ size: 32 * GiB, used: 9.1 * GiB, sr: srLocal }], cd: false, networks: [netEth0], template: 'CentOS 7', installedDaysAgo: 1460, startedHoursAgo: 700, domid: 7 },
  ];
}

/** One power state per slot: 11 Running, 6 Halted, 1 Paused, 2 Suspended in every 20 guests. */
const POWER_MIX: readonly PowerState[] = ['Running', 'Halted', 'Running', 'Running', 'Halted', 'Running', 'Suspended', 'Running', 'Halted', 'Running', 'Running', 'Paused', 'Running', 'Halted', 'Running', 'Halted', 'Running', 'Suspended', 'Running', 'Halted'];

export function generatedName(index: number): string {
  return `vm-${String(index).padStart(5, '0')}`;
}

function generatedGuest(ctx: SeedContext, index: number): GuestSpec {
  const name = generatedName(index);
  const rnd = prng(seedFor(name));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const size = pick([20, 32, 40, 64]) * GiB;
  const { srLocal, srNfs, netEth0, netEth1, netVlan100 } = ctx.infra;
  return {
    key: name,
    name,
    description: '',
    power: POWER_MIX[index % POWER_MIX.length] ?? 'Halted',
    hvm: true,
    windows: index % 10 === 3,
    vcpus: pick([1, 2, 2, 4]),
    memory: pick([1, 2, 2, 4]) * GiB,
    disks: [{ size, used: Math.round((size * (0.15 + rnd() * 0.6)) / MiB) * MiB, sr: index % 3 === 0 ? srNfs : srLocal }],
    cd: false,
    networks: [index % 7 === 0 ? netVlan100 : index % 5 === 0 ? netEth1 : netEth0],
    template: index % 10 === 3 ? 'Windows Server 2019 (64-bit)' : 'Debian Bookworm 12',
    installedDaysAgo: 1 + Math.floor(rnd() * 400),
    startedHoursAgo: 1 + Math.floor(rnd() * 2000),
  };
}

export function seedDom0(ctx: SeedContext): string {
  const { tx, store, infra } = ctx;
  const memory = 8 * GiB;
  const metrics = addObject(tx, 'VM_metrics', 'dom0', {
    memory_actual: bytes(memory),
    VCPUs_number: '16',
    start_time: seedTime(-14 * 86400),
    install_time: seedTime(-400 * 86400),
    last_updated: seedTime(0),
    current_domain_type: 'pv',
  });
  const ref = addObject(tx, 'VM', 'dom0', {
    name_label: 'Control domain on host: xs01',
    name_description: 'The domain which manages physical devices and manages other domains',
    power_state: 'Running',
    is_control_domain: true,
    domid: '0',
    resident_on: infra.host,
    affinity: infra.host,
    memory_overhead: bytes(memoryOverhead(memory, 16)),
    memory_target: bytes(memory),
    memory_static_max: bytes(memory),
    memory_dynamic_max: bytes(memory),
    memory_dynamic_min: bytes(memory),
    memory_static_min: bytes(4 * GiB),
    VCPUs_max: '16',
    VCPUs_at_startup: '16',
    PV_kernel: '/boot/vmlinuz-4.19-xen',
    platform: {},
    domain_type: 'pv',
    metrics,
  });
  const vm = store.get('VM', ref);
  if (vm !== undefined) {
    vm.other_config = { storage_driver_domain: ref, is_system_domain: 'true', perfmon: '<config><variable><name value="fs_usage"/></variable></config>' };
    vm.allowed_operations = allowedOperations(vm, ref);
  }
  ctx.resident.push(ref);
  tx.update('host', infra.host, { control_domain: ref });
  ctx.liveMemory += memory + memoryOverhead(memory, 16);
  return ref;
}

/** Adds min(n, 5) named guests, then generated ones up to n guests in all. */
export function seedGuests(ctx: SeedContext, n: number): string[] {
  const refs: string[] = [];
  const named = namedGuests(ctx);
  for (let i = 0; i < Math.min(n, named.length); i++) refs.push(addGuest(ctx, named[i] as GuestSpec));
  for (let index = named.length + 1; index <= n; index++) refs.push(addGuest(ctx, generatedGuest(ctx, index)));
  return refs;
}

const PROVISION_DISK = (size: number): string =>
  `<provision><disk device="0" size="${size}" sr="" bootable="true" type="system"/></provision>`;

interface TemplateSpec {
  readonly name: string;
  readonly label: string;
  readonly hvm: boolean;
  readonly windows: boolean;
  readonly memory: number;
  readonly disk: number;
}

const DEFAULT_TEMPLATES: readonly TemplateSpec[] = [
  { name: 'Other install media', label: 'other-install-media', hvm: true, windows: false, memory: 1 * GiB, disk: 32 * GiB },
  { name: 'CentOS 7', label: 'centos-7', hvm: true, windows: false, memory: 2 * GiB, disk: 32 * GiB },
  { name: 'Debian Bookworm 12', label: 'debian-12', hvm: true, windows: false, memory: 2 * GiB, disk: 32 * GiB },
  { name: 'Ubuntu Jammy Jellyfish 22.04', label: 'ubuntu-22.04', hvm: true, windows: false, memory: 2 * GiB, disk: 32 * GiB },
  { name: 'Rocky Linux 9', label: 'rocky-9', hvm: true, windows: false, memory: 2 * GiB, disk: 32 * GiB },
  { name: 'Windows Server 2019 (64-bit)', label: 'windows-server-2019', hvm: true, windows: true, memory: 4 * GiB, disk: 64 * GiB },
  { name: 'Windows Server 2022 (64-bit)', label: 'windows-server-2022', hvm: true, windows: true, memory: 4 * GiB, disk: 64 * GiB },
  { name: 'Windows 10 (64-bit)', label: 'windows-10', hvm: true, windows: true, memory: 4 * GiB, disk: 64 * GiB },
];

export function seedTemplates(ctx: SeedContext): string[] {
  const refs: string[] = [];
  for (const t of DEFAULT_TEMPLATES) {
    const key = `template/${t.label}`;
    const metrics = addObject(ctx.tx, 'VM_metrics', key, { install_time: seedTime(-400 * 86400), last_updated: seedTime(-400 * 86400) });
    const ref = addObject(ctx.tx, 'VM', key, {
      name_label: t.name,
      name_description: t.windows
        ? 'Clones of this template will automatically provision their storage when first booted and then reconfigure themselves with the optimal settings for the operating system.'
        : 'Template which allows VM installation from install media',
      is_a_template: true,
      is_default_template: true,
      memory_overhead: bytes(memoryOverhead(t.memory, 2)),
      memory_target: bytes(t.memory),
      memory_static_max: bytes(t.memory),
      memory_dynamic_max: bytes(t.memory),
      memory_dynamic_min: bytes(t.memory),
      memory_static_min: bytes(Math.min(t.memory, 512 * MiB)),
      VCPUs_max: '2',
      VCPUs_at_startup: '2',
      HVM_boot_policy: 'BIOS order',
      HVM_boot_params: { order: 'cdn', firmware: t.windows ? 'uefi' : 'bios' },
      platform: hvmPlatform(t.windows, 2),
      other_config: {
        default_template: 'true',
        'install-methods': t.windows ? 'cdrom' : 'cdrom,nfs,http,ftp',
        disks: PROVISION_DISK(t.disk),
        ...(t.windows ? {} : { linux_template: 'true' }),
      },
      recommendations:
        '<restrictions><restriction field="memory-static-max" max="1649267441664"/><restriction field="vcpus-max" max="32"/>' +
        '<restriction property="number-of-vbds" max="255"/><restriction property="number-of-vifs" max="7"/></restrictions>',
      reference_label: t.label,
      hardware_platform_version: '2',
      has_vendor_device: t.windows,
      metrics,
    });
    finishStaticVm(ctx, ref);
    refs.push(ref);
  }
  // A user template, converted from a configured VM: not a default template, has its own disk.
  const spec: GuestSpec = { key: 'template/web-base', name: 'web-base template', description: 'Hardened Debian 12 web server base image', power: 'Halted', hvm: true, windows: false, vcpus: 2, memory: 2 * GiB, disks: [{ size: 20 * GiB, used: 3.2 * GiB, sr: ctx.infra.srLocal }], cd: true, networks: [ctx.infra.netEth0], template: 'Debian Bookworm 12', installedDaysAgo: 300, startedHoursAgo: 7300 };
  const user = addGuest(ctx, spec);
  ctx.tx.update('VM', user, { is_a_template: true });
  finishStaticVm(ctx, user);
  refs.push(user);
  return refs;
}

/** A snapshot of web-01 taken two days before the seed time, with its own disk snapshot. */
export function seedSnapshot(ctx: SeedContext, web01: string): string {
  const { tx, store } = ctx;
  const source = store.get('VM', web01);
  const sourceDisk = source?.VBDs.map((r) => store.get('VBD', r)).find((v) => v?.type === 'Disk');
  const spec: GuestSpec = { key: 'web-01/snapshot', name: 'web-01 (before patching)', description: 'Snapshot taken before the March patch run', power: 'Halted', hvm: true, windows: false, vcpus: 2, memory: 4 * GiB, disks: [{ size: 40 * GiB, used: 1.9 * GiB, sr: ctx.infra.srLocal }], cd: false, networks: [ctx.infra.netEth0], template: 'Debian Bookworm 12', installedDaysAgo: 212, startedHoursAgo: 48 };
  const snap = addGuest(ctx, spec);
  const taken = seedTime(-2 * 86400);
  tx.update('VM', snap, { is_a_template: true, is_a_snapshot: true, snapshot_of: web01, snapshot_time: taken, transportable_snapshot_id: '', PV_bootloader: '' });
  if (source !== undefined) tx.update('VM', web01, { snapshots: [...source.snapshots, snap] });
  const snapRec = store.get('VM', snap);
  const snapVbd = snapRec === undefined ? undefined : store.get('VBD', snapRec.VBDs[0] ?? NULL_REF);
  if (snapVbd !== undefined && sourceDisk !== undefined) {
    tx.update('VDI', snapVbd.VDI, { is_a_snapshot: true, snapshot_of: sourceDisk.VDI, snapshot_time: taken, name_label: 'web-01 0' });
    const sourceVdi = store.get('VDI', sourceDisk.VDI);
    if (sourceVdi !== undefined) tx.update('VDI', sourceDisk.VDI, { snapshots: [...sourceVdi.snapshots, snapVbd.VDI] });
  }
  finishStaticVm(ctx, snap);
  return snap;
}

function finishStaticVm(ctx: SeedContext, ref: string): void {
  const vm = ctx.store.get('VM', ref);
  if (vm !== undefined) vm.allowed_operations = allowedOperations(vm, ref);
}

