// Record shapes for the pool, the host and its storage and network objects, and tasks.
// Same scheme as records-vm.ts: the factory is the single list of fields.
import { NEVER, NULL_REF, type DateTime, type StrMap } from './values.js';

// Collection fields are readonly and start as shared frozen empties: changes replace the
// whole value (copy on write), which keeps a 50,000-VM fixture from allocating a million
// empty maps and keeps cached encodings honest.
const NO_STRS: readonly string[] = Object.freeze([]);
const NO_MAP: Readonly<StrMap> = Object.freeze({});
const strs = (): readonly string[] => NO_STRS;
const map = (): Readonly<StrMap> => NO_MAP;
const never = (): DateTime => NEVER;

export function poolDefaults() {
  return {
    uuid: '',
    name_label: '',
    name_description: '',
    master: NULL_REF,
    default_SR: NULL_REF,
    suspend_image_SR: NULL_REF,
    crash_dump_SR: NULL_REF,
    other_config: map(),
    ha_enabled: false,
    ha_configuration: map(),
    ha_statefiles: strs(),
    ha_host_failures_to_tolerate: '0',
    ha_plan_exists_for: '0',
    ha_allow_overcommit: false,
    ha_overcommitted: false,
    blobs: map(),
    tags: strs(),
    gui_config: map(),
    health_check_config: map(),
    wlb_url: '',
    wlb_username: '',
    wlb_enabled: false,
    wlb_verify_cert: false,
    redo_log_enabled: false,
    redo_log_vdi: NULL_REF,
    vswitch_controller: '',
    restrictions: map(),
    metadata_VDIs: strs(),
    ha_cluster_stack: 'xhad',
    allowed_operations: strs(),
    current_operations: map(),
    guest_agent_config: map(),
    cpu_info: map(),
    policy_no_vendor_device: false,
    live_patching_disabled: false,
    igmp_snooping_enabled: false,
    uefi_certificates: '',
    tls_verification_enabled: true,
    repositories: strs(),
    client_certificate_auth_enabled: false,
    client_certificate_auth_name: '',
    migration_compression: false,
    coordinator_bias: true,
    last_update_sync: never(),
    update_sync_frequency: 'weekly',
    update_sync_day: '0',
    update_sync_enabled: false,
  };
}
export type PoolRecord = ReturnType<typeof poolDefaults>;

export function hostDefaults() {
  return {
    uuid: '',
    name_label: '',
    name_description: '',
    memory_overhead: '0',
    allowed_operations: strs(),
    current_operations: map(),
    API_version_major: '2',
    API_version_minor: '21',
    API_version_vendor: 'XenSource',
    API_version_vendor_implementation: map(),
    enabled: true,
    software_version: map(),
    other_config: map(),
    capabilities: strs(),
    cpu_configuration: map(),
    sched_policy: 'credit',
    supported_bootloaders: strs(),
    resident_VMs: strs(),
    logging: map(),
    PIFs: strs(),
    suspend_image_sr: NULL_REF,
    crash_dump_sr: NULL_REF,
    crashdumps: strs(),
    patches: strs(),
    updates: strs(),
    PBDs: strs(),
    host_CPUs: strs(),
    cpu_info: map(),
    hostname: '',
    address: '',
    metrics: NULL_REF,
    license_params: map(),
    ha_statefiles: strs(),
    ha_network_peers: strs(),
    blobs: map(),
    tags: strs(),
    external_auth_type: '',
    external_auth_service_name: '',
    external_auth_configuration: map(),
    edition: 'xenserver-premium',
    license_server: map(),
    bios_strings: map(),
    power_on_mode: '',
    power_on_config: map(),
    local_cache_sr: NULL_REF,
    chipset_info: map(),
    PCIs: strs(),
    PGPUs: strs(),
    PUSBs: strs(),
    ssl_legacy: false,
    guest_VCPUs_params: map(),
    display: 'enabled',
    virtual_hardware_platform_versions: ['0', '1', '2'] as readonly string[],
    control_domain: NULL_REF,
    updates_requiring_reboot: strs(),
    features: strs(),
    iscsi_iqn: '',
    multipathing: false,
    uefi_certificates: '',
    certificates: strs(),
    editions: strs(),
    pending_guidances: strs(),
    tls_verification_enabled: true,
    last_software_update: never(),
    https_only: false,
    latest_synced_updates_applied: 'unknown',
    numa_affinity_policy: 'default_policy',
  };
}
export type HostRecord = ReturnType<typeof hostDefaults>;

export function hostCpuDefaults() {
  return {
    uuid: '',
    host: NULL_REF,
    number: '0',
    vendor: '',
    speed: '0',
    modelname: '',
    family: '0',
    model: '0',
    stepping: '',
    flags: '',
    features: '',
    utilisation: 0,
    other_config: map(),
  };
}
export type HostCpuRecord = ReturnType<typeof hostCpuDefaults>;

export function hostMetricsDefaults() {
  return {
    uuid: '',
    memory_total: '0',
    memory_free: '0',
    live: true,
    last_updated: never(),
    other_config: map(),
  };
}
export type HostMetricsRecord = ReturnType<typeof hostMetricsDefaults>;

export function srDefaults() {
  return {
    uuid: '',
    name_label: '',
    name_description: '',
    allowed_operations: strs(),
    current_operations: map(),
    VDIs: strs(),
    PBDs: strs(),
    virtual_allocation: '0',
    physical_utilisation: '0',
    physical_size: '0',
    type: '',
    content_type: '',
    shared: false,
    other_config: map(),
    tags: strs(),
    sm_config: map(),
    blobs: map(),
    local_cache_enabled: false,
    introduced_by: NULL_REF,
    clustered: false,
    is_tools_sr: false,
  };
}
export type SrRecord = ReturnType<typeof srDefaults>;

export function pbdDefaults() {
  return {
    uuid: '',
    host: NULL_REF,
    SR: NULL_REF,
    device_config: map(),
    currently_attached: true,
    other_config: map(),
  };
}
export type PbdRecord = ReturnType<typeof pbdDefaults>;

export function networkDefaults() {
  return {
    uuid: '',
    name_label: '',
    name_description: '',
    allowed_operations: strs(),
    current_operations: map(),
    VIFs: strs(),
    PIFs: strs(),
    MTU: '1500',
    other_config: map(),
    bridge: '',
    managed: true,
    blobs: map(),
    tags: strs(),
    default_locking_mode: 'unlocked',
    assigned_ips: map(),
    purpose: strs(),
  };
}
export type NetworkRecord = ReturnType<typeof networkDefaults>;

export function pifDefaults() {
  return {
    uuid: '',
    device: '',
    network: NULL_REF,
    host: NULL_REF,
    MAC: '',
    MTU: '1500',
    VLAN: '-1',
    metrics: NULL_REF,
    physical: true,
    currently_attached: true,
    ip_configuration_mode: 'None',
    IP: '',
    netmask: '',
    gateway: '',
    DNS: '',
    bond_slave_of: NULL_REF,
    bond_master_of: strs(),
    VLAN_master_of: NULL_REF,
    VLAN_slave_of: strs(),
    management: false,
    other_config: map(),
    disallow_unplug: false,
    tunnel_access_PIF_of: strs(),
    tunnel_transport_PIF_of: strs(),
    ipv6_configuration_mode: 'None',
    IPv6: strs(),
    ipv6_gateway: '',
    primary_address_type: 'IPv4',
    managed: true,
    properties: map(),
    capabilities: strs(),
    igmp_snooping_status: 'disabled',
    sriov_physical_PIF_of: strs(),
    sriov_logical_PIF_of: strs(),
    PCI: NULL_REF,
  };
}
export type PifRecord = ReturnType<typeof pifDefaults>;

export function taskDefaults() {
  return {
    uuid: '',
    name_label: '',
    name_description: '',
    allowed_operations: strs(),
    current_operations: map(),
    created: never(),
    finished: never(),
    status: 'pending',
    resident_on: NULL_REF,
    progress: 0,
    type: '<none/>',
    result: '',
    error_info: strs(),
    other_config: map(),
    subtask_of: NULL_REF,
    subtasks: strs(),
    backtrace: '()',
  };
}
export type TaskRecord = ReturnType<typeof taskDefaults>;
