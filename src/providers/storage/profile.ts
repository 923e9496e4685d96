// DSP1047 Storage Resource Virtualization: SRs as storage pools (the central instances), VDIs
// as the host's disk images, guests' VBDs as disks and CD drives with their settings, and the
// associations that tie them to their VM, its settings, their pool and the host.
import type { XenModel } from '../../xenapi/model.js';
import { str } from '../../xenapi/values.js';
import type { Pair } from '../association-table.js';
import { HOST_CLASS, VM_CLASS } from '../ids.js';
import { CIMV2 } from '../instances.js';
import { defaultSettingLinks } from '../pools.js';
import type { ProviderServices } from '../services.js';
import type { ProfileParts } from '../profile.js';
import { VSSD_CLASS } from '../virtual-system/settings.js';
import { diskImageSpec } from './disk-image.js';
import { cdromSpec, diskSpec } from './drives.js';
import { storagePoolId, storagePoolKind, storagePoolSpec } from './pool.js';
import { diskSettingDataSpec, storageDefaults } from './settings.js';
import {
  CDROM_CLASS, DISK_CLASS, DISK_IMAGE_CLASS, DISK_RASD_CLASS, guestVbds, shownVdis, srHost, srOfVbd, srs, STORAGE_POOL_CLASS, type VbdKind,
} from './records.js';

const end = (role: string, className: string) => ({ role, namespace: CIMV2, className });
const VBD_DEPS = ['VBD', 'VM'] as const;
const POOL_DEPS = ['VBD', 'VM', 'VDI', 'SR'] as const;

export function storage(model: XenModel, services: ProviderServices): ProfileParts {
  /** [vm uuid, vbd uuid] of the guests' VBDs of these kinds */
  const vmToVbd = (kinds: readonly VbdKind[]) => (): Pair[] => guestVbds(model, kinds).map((v) => [v.vmUuid, v.uuid]);
  const sameVbd = (kinds: readonly VbdKind[]) => (): Pair[] => guestVbds(model, kinds).map((v) => [v.uuid, v.uuid]);
  /** [pool id, vbd uuid] of the guests' VBDs of these kinds that hold an image */
  const poolToVbd = (kinds: readonly VbdKind[]) => function* (): Generator<Pair> {
    for (const v of guestVbds(model, kinds)) {
      const sr = srOfVbd(model, v.vbd);
      if (sr) yield [storagePoolId(str(sr, 'uuid')), v.uuid];
    }
  };
  const hostToPool = function* (): Generator<Pair> {
    for (const [uuid, sr] of srs(model)) {
      const host = srHost(model, sr);
      if (host !== undefined) yield [host, storagePoolId(uuid)];
    }
  };
  const hostToImage = function* (): Generator<Pair> {
    for (const [uuid, vdi] of shownVdis(model)) {
      const sr = model.get('SR', str(vdi, 'SR'));
      const host = sr ? srHost(model, sr) : undefined;
      if (host !== undefined) yield [host, uuid];
    }
  };
  const poolToImage = (): Pair[] => shownVdis(model).map(([uuid, , sr]) => [storagePoolId(sr), uuid]);
  const PLACEMENT_DEPS = ['SR', 'PBD', 'host', 'pool'] as const;
  return {
    name: 'storage',
    specs: [storagePoolSpec(model), diskImageSpec(model), diskSpec(model), cdromSpec(model), diskSettingDataSpec(model, services)],
    links: [
      { association: 'Xen_SystemDevice', row: { ends: [end('GroupComponent', VM_CLASS), end('PartComponent', DISK_CLASS)], dependsOn: VBD_DEPS, pairs: vmToVbd(['Disk']) } },
      { association: 'Xen_SystemDevice', row: { ends: [end('GroupComponent', VM_CLASS), end('PartComponent', CDROM_CLASS)], dependsOn: VBD_DEPS, pairs: vmToVbd(['CD']) } },
      { association: 'Xen_SystemDevice', row: { ends: [end('GroupComponent', HOST_CLASS), end('PartComponent', DISK_IMAGE_CLASS)], dependsOn: ['VDI', ...PLACEMENT_DEPS], pairs: hostToImage } },
      { association: 'Xen_SettingsDefineState', row: { ends: [end('ManagedElement', DISK_CLASS), end('SettingData', DISK_RASD_CLASS)], dependsOn: VBD_DEPS, pairs: sameVbd(['Disk']) } },
      { association: 'Xen_SettingsDefineState', row: { ends: [end('ManagedElement', CDROM_CLASS), end('SettingData', DISK_RASD_CLASS)], dependsOn: VBD_DEPS, pairs: sameVbd(['CD']) } },
      { association: 'Xen_VirtualSystemSettingDataComponent', row: { ends: [end('GroupComponent', VSSD_CLASS), end('PartComponent', DISK_RASD_CLASS)], dependsOn: VBD_DEPS, pairs: vmToVbd(['Disk', 'CD']) } },
      { association: 'Xen_ElementAllocatedFromPool', row: { ends: [end('Antecedent', STORAGE_POOL_CLASS), end('Dependent', DISK_CLASS)], dependsOn: POOL_DEPS, pairs: poolToVbd(['Disk']) } },
      { association: 'Xen_ElementAllocatedFromPool', row: { ends: [end('Antecedent', STORAGE_POOL_CLASS), end('Dependent', CDROM_CLASS)], dependsOn: POOL_DEPS, pairs: poolToVbd(['CD']) } },
      { association: 'Xen_ElementAllocatedFromPool', row: { ends: [end('Antecedent', STORAGE_POOL_CLASS), end('Dependent', DISK_IMAGE_CLASS)], dependsOn: ['VDI', 'SR'], pairs: poolToImage } },
      { association: 'Xen_ResourceAllocationFromPool', row: { ends: [end('Antecedent', STORAGE_POOL_CLASS), end('Dependent', DISK_RASD_CLASS)], dependsOn: POOL_DEPS, pairs: poolToVbd(['Disk', 'CD']) } },
      { association: 'Xen_HostedResourcePool', row: { ends: [end('GroupComponent', HOST_CLASS), end('PartComponent', STORAGE_POOL_CLASS)], dependsOn: PLACEMENT_DEPS, pairs: hostToPool } },
      { association: 'Xen_ConcreteComponent', row: { ends: [end('GroupComponent', STORAGE_POOL_CLASS), end('PartComponent', DISK_IMAGE_CLASS)], dependsOn: ['VDI', 'SR'], pairs: poolToImage } },
      // DSP1043: each pool's Default setting.
      defaultSettingLinks(DISK_RASD_CLASS, ['SR'], () => storageDefaults(model)),
    ],
    central: [{ profile: 'DSP1047', end: end('ManagedElement', STORAGE_POOL_CLASS), dependsOn: ['SR'], ids: () => srs(model).map(([uuid]) => storagePoolId(uuid)) }],
    pools: [storagePoolKind(model)],
  };
}
