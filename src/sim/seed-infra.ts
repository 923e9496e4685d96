// The fixed part of the default fixture (xenapi-cim.md §5): a standalone XenServer 8 host
// "xs01" in a pool with an empty name, its CPUs and metrics, six SRs with their PBDs, two
// physical NICs plus a VLAN, and the host-internal management network.
import { NULL_REF, type StrMap } from './values.js';
import { addObject, bytes, seedTime, type InfraRefs } from './seed-context.js';
import type { Transaction } from './store.js';

const CPU_FLAGS =
  'fpu de tsc msr pae mce cx8 apic sep mca cmov pat clflush acpi mmx fxsr sse sse2 ss ht syscall nx lm ' +
  'constant_tsc rep_good nopl nonstop_tsc cpuid pni pclmulqdq monitor est ssse3 fma cx16 sse4_1 sse4_2 movbe ' +
  'popcnt aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch fsgsbase bmi1 avx2 bmi2 erms ' +
  'avx512f avx512dq rdseed adx avx512cd avx512bw avx512vl';
const CPU_FEATURES = '1fcbfbff-f7fa3223-2d93fbff-00000523-0000000f-d19ffffb-00000008-00000000-00001000-9c000400';
const MODEL = 'Intel(R) Xeon(R) Silver 4216 CPU @ 2.10GHz';

const CPU_INFO: StrMap = {
  cpu_count: '16',
  socket_count: '1',
  threads_per_core: '2',
  vendor: 'GenuineIntel',
  speed: '2095.078',
  modelname: MODEL,
  family: '6',
  model: '85',
  stepping: '7',
  flags: CPU_FLAGS,
  features: CPU_FEATURES,
  features_pv: CPU_FEATURES,
  features_hvm: CPU_FEATURES,
  features_pv_host: CPU_FEATURES,
  features_hvm_host: CPU_FEATURES,
};

const SOFTWARE_VERSION: StrMap = {
  product_version: '8.4.0',
  product_version_text: '8',
  product_version_text_short: '8',
  platform_name: 'XCP',
  platform_version: '3.4.0',
  product_brand: 'XenServer',
  build_number: 'stream',
  git_id: '0',
  hostname: 'xs01',
  date: '2025-02-13',
  dbv: '2025.0213',
  is_preview_release: 'false',
  xapi: '24.39',
  xapi_build: '24.39.1',
  xen: '4.17.5-6',
  linux: '4.19.0+1',
  xencenter_min: '2.21',
  xencenter_max: '2.21',
  network_backend: 'openvswitch',
  db_schema: '5.781',
};

export const HOST_MEMORY_OVERHEAD = 1_149_239_296;

/** Adds pool, host, CPUs, storage and networks; VM-related reverse fields are filled later. */
export function seedInfra(tx: Transaction, memoryTotal: number): InfraRefs {
  const pool = addObject(tx, 'pool', 'pool', {});
  const host = addObject(tx, 'host', 'xs01', {});
  const hostMetrics = addObject(tx, 'host_metrics', 'xs01', {
    memory_total: bytes(memoryTotal),
    memory_free: bytes(memoryTotal),
    live: true,
    last_updated: seedTime(0),
  });
  const refs = { pool, host, hostMetrics, ...seedStorage(tx, host), ...seedNetworks(tx, host) };
  const cpus: string[] = [];
  for (let n = 0; n < 16; n++) {
    cpus.push(
      addObject(tx, 'host_cpu', `xs01/${n}`, {
        host: refs.host,
        number: String(n),
        vendor: 'GenuineIntel',
        speed: '2095',
        modelname: MODEL,
        family: '6',
        model: '85',
        stepping: '7',
        flags: CPU_FLAGS,
        features: CPU_FEATURES,
        utilisation: [0.0213, 0.0087, 0.0342, 0.0051][n % 4] ?? 0,
      }),
    );
  }
  tx.update('pool', refs.pool, {
    master: refs.host,
    default_SR: refs.srLocal,
    suspend_image_SR: refs.srLocal,
    crash_dump_SR: refs.srLocal,
    cpu_info: { cpu_count: '16', socket_count: '1', vendor: 'GenuineIntel', features_pv: CPU_FEATURES, features_hvm: CPU_FEATURES },
    restrictions: { restrict_vswitch_controller: 'false', restrict_lab: 'false', restrict_pool_size: 'false', enable_xha: 'true' },
    other_config: { 'cpuid_feature_mask': 'ffffff7f-ffffffff-ffffffff-ffffffff', 'memory-ratio-hvm': '0.25', 'memory-ratio-pv': '0.25' },
  });
  tx.update('host', refs.host, {
    name_label: 'xs01',
    name_description: 'Default install',
    memory_overhead: bytes(HOST_MEMORY_OVERHEAD),
    allowed_operations: ['vm_migrate', 'provision', 'vm_resume', 'evacuate', 'vm_start'],
    API_version_vendor_implementation: {},
    software_version: SOFTWARE_VERSION,
    other_config: { agent_start_time: '1742357784.', boot_time: '1742357712.', iscsi_iqn: 'iqn.2025-03.com.example:xs01' },
    capabilities: ['xen-3.0-x86_64', 'hvm-3.0-x86_32', 'hvm-3.0-x86_32p', 'hvm-3.0-x86_64'],
    cpu_configuration: {},
    supported_bootloaders: ['pygrub', 'eliloader'],
    suspend_image_sr: refs.srLocal,
    crash_dump_sr: refs.srLocal,
    host_CPUs: cpus,
    cpu_info: CPU_INFO,
    hostname: 'xs01',
    address: '192.168.10.21',
    metrics: refs.hostMetrics,
    license_params: { sku_type: 'xenserver-premium', expiry: '20991231T00:00:00Z' },
    license_server: { address: 'localhost', port: '27000' },
    bios_strings: { 'bios-vendor': 'American Megatrends Inc.', 'system-manufacturer': 'Supermicro', 'system-product-name': 'SYS-1029P-WTR' },
    chipset_info: { iommu: 'true' },
    iscsi_iqn: 'iqn.2025-03.com.example:xs01',
    editions: ['xenserver-premium', 'xenserver-trial'],
    features: [],
    last_software_update: seedTime(-30 * 86400),
  });
  return refs;
}

interface SrSpec {
  key: string;
  name: string;
  description: string;
  type: string;
  content: string;
  shared: boolean;
  size: number;
  used: number;
  device: StrMap;
  other: StrMap;
  sm: StrMap;
  tools?: boolean;
}

const SRS: readonly SrSpec[] = [
  { key: 'local', name: 'Local storage', description: '', type: 'lvm', content: 'user', shared: false, size: 1_798_651_625_472, used: 0, device: { device: '/dev/disk/by-id/scsi-35000c500a1b2c3d4-part3' }, other: { 'i18n-key': 'local-storage', 'i18n-original-value-name_label': 'Local storage' }, sm: { allocation: 'thick', use_vhd: 'true', devserial: 'scsi-35000c500a1b2c3d4' } },
  { key: 'nfs', name: 'NFS VM storage', description: 'NFS SR [192.168.10.5:/export/xen]', type: 'nfs', content: '', shared: true, size: 4_398_046_511_104, used: 0, device: { server: '192.168.10.5', serverpath: '/export/xen', nfsversion: '4' }, other: {}, sm: {} },
  { key: 'iso', name: 'ISO library', description: 'NFS ISO library', type: 'iso', content: 'iso', shared: true, size: 1_099_511_627_776, used: 12_431_753_216, device: { location: '192.168.10.5:/export/iso', type: 'nfs_iso' }, other: {}, sm: { iso_type: 'nfs_iso' } },
  { key: 'dvd', name: 'DVD drives', description: 'Physical DVD drives', type: 'udev', content: 'iso', shared: false, size: 0, used: 0, device: { location: '/dev/xapi/cd' }, other: { 'i18n-key': 'local-hotplug-cd', 'i18n-original-value-name_label': 'DVD drives', 'i18n-original-value-name_description': 'Physical DVD drives' }, sm: { type: 'cd' } },
  { key: 'removable', name: 'Removable storage', description: '', type: 'udev', content: 'disk', shared: false, size: 0, used: 0, device: { location: '/dev/xapi/block' }, other: { 'i18n-key': 'local-hotplug-disk', 'i18n-original-value-name_label': 'Removable storage' }, sm: { type: 'block' } },
  { key: 'tools', name: 'XenServer Tools', description: 'XenServer Tools ISOs', type: 'iso', content: 'iso', shared: true, size: -1, used: -1, device: { location: '/opt/xensource/packages/iso', legacy_mode: 'true' }, other: { xensource_internal: 'true', xenserver_tools_sr: 'true', 'i18n-key': 'xenserver-tools', 'i18n-original-value-name_label': 'XenServer Tools' }, sm: {}, tools: true },
];

function seedStorage(tx: Transaction, host: string) {
  const refs: { [key: string]: string } = {};
  for (const s of SRS) {
    const sr = addObject(tx, 'SR', s.key, {
      name_label: s.name,
      name_description: s.description,
      allowed_operations: s.tools ? ['forget', 'scan', 'plug', 'unplug', 'vdi_introduce'] : ['vdi_create', 'vdi_destroy', 'forget', 'scan', 'plug', 'unplug', 'vdi_clone', 'vdi_snapshot', 'vdi_resize'],
      physical_size: String(s.size),
      physical_utilisation: String(s.used),
      virtual_allocation: String(Math.max(s.used, 0)),
      type: s.type,
      content_type: s.content,
      shared: s.shared,
      other_config: s.other,
      sm_config: s.sm,
      is_tools_sr: s.tools === true,
      VDIs: [],
    });
    refs[s.key] = sr;
  }
  const ref = (k: string): string => refs[k] ?? NULL_REF;
  for (const s of SRS) {
    const pbd = addObject(tx, 'PBD', `xs01/${s.key}`, { host, SR: ref(s.key), device_config: s.device, currently_attached: true });
    tx.update('SR', ref(s.key), { PBDs: [pbd] });
  }
  const isoVdi = (key: string, name: string, size: number): string =>
    addObject(tx, 'VDI', key, {
      name_label: name,
      SR: ref('iso'),
      virtual_size: String(size),
      physical_utilisation: String(size),
      type: 'user',
      location: name,
      sm_config: {},
      allowed_operations: ['clone', 'destroy'],
    });
  const toolsVdi = addObject(tx, 'VDI', 'tools/guest-tools.iso', {
    name_label: 'guest-tools.iso',
    name_description: 'XenServer Tools ISO',
    SR: ref('tools'),
    virtual_size: '57118720',
    physical_utilisation: '57118720',
    type: 'user',
    read_only: true,
    location: 'guest-tools.iso',
    is_tools_iso: true,
  });
  tx.update('SR', ref('iso'), { VDIs: [isoVdi('iso/debian', 'debian-12.9.0-amd64-netinst.iso', 663_748_608), isoVdi('iso/win2019', 'Windows_Server_2019_x64.iso', 5_296_713_728)] });
  tx.update('SR', ref('tools'), { VDIs: [toolsVdi] });
  return { srLocal: ref('local'), srNfs: ref('nfs'), srIso: ref('iso'), srTools: ref('tools') };
}

const ETH0_MAC = 'ac:1f:6b:4a:10:20';
const ETH1_MAC = 'ac:1f:6b:4a:10:21';

function seedNetworks(tx: Transaction, host: string) {
  const net = (key: string, fields: Parameters<typeof addObject<'network'>>[3]): string => addObject(tx, 'network', key, fields);
  const netEth0 = net('eth0', { name_label: 'Pool-wide network associated with eth0', bridge: 'xenbr0', other_config: {}, allowed_operations: [] });
  const netEth1 = net('eth1', { name_label: 'Pool-wide network associated with eth1', bridge: 'xenbr1', other_config: {} });
  const netVlan100 = net('vlan100', { name_label: 'VLAN 100', name_description: 'Tagged VLAN 100 on eth1', bridge: 'xapi1', other_config: {} });
  const netInternal = net('internal', {
    name_label: 'Host internal management network',
    name_description: 'Network on which guests will be assigned a private link-local IP address which can be used to talk XenAPI',
    bridge: 'xenapi',
    other_config: {
      is_guest_installer_network: 'true',
      is_host_internal_management_network: 'true',
      ip_begin: '169.254.0.1',
      ip_end: '169.254.255.254',
      netmask: '255.255.0.0',
    },
  });
  const pif = (key: string, fields: Parameters<typeof addObject<'PIF'>>[3]): string => addObject(tx, 'PIF', `xs01/${key}`, { host, ...fields });
  const eth0 = pif('eth0', {
    device: 'eth0',
    network: netEth0,
    MAC: ETH0_MAC,
    management: true,
    disallow_unplug: true,
    ip_configuration_mode: 'Static',
    IP: '192.168.10.21',
    netmask: '255.255.255.0',
    gateway: '192.168.10.1',
    DNS: '192.168.10.1',
    properties: { gro: 'on' },
    capabilities: ['fcoe'],
  });
  const eth1 = pif('eth1', { device: 'eth1', network: netEth1, MAC: ETH1_MAC, properties: { gro: 'on' }, capabilities: ['fcoe'] });
  const vlan = pif('eth1.100', { device: 'eth1', network: netVlan100, MAC: ETH1_MAC, VLAN: '100', physical: false, VLAN_slave_of: [] });
  tx.update('network', netEth0, { PIFs: [eth0] });
  tx.update('network', netEth1, { PIFs: [eth1] });
  tx.update('network', netVlan100, { PIFs: [vlan] });
  tx.update('host', host, { PIFs: [eth0, eth1, vlan] });
  return { netEth0, netEth1, netVlan100, netInternal };
}
