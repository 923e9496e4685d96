// DSP1047 classes against the simulator's own records: storage pools (SRs), disk images (VDIs),
// guests' disks and CD drives (VBDs) with their settings, and the associations between them.
import t from 'tap';
import { CimError } from '../../../../src/cim/errors.js';
import type { CimInstance } from '../../../../src/cim/instance.js';
import { normalizeNamespace } from '../../../../src/cim/object-path.js';
import { parsePath } from '../../../../src/cim/query/literals.js';
import { isShownVdi, srHost } from '../../../../src/providers/storage/records.js';
import { int, str, type XenRecord } from '../../../../src/xenapi/values.js';
import { isGuestRecord, loadSimModel, refWhere, text, undeclared, type SimModel } from '../sim-model.js';

let m: SimModel;
t.before(async () => {
  m = await loadSimModel();
});

const byKey = (list: CimInstance[], key: string): Map<string, CimInstance> => new Map(list.map((i) => [String(i.get(key)), i]));
const hostUuid = (): string => str(m.all('host')[0]!, 'uuid');
const guestVbds = (type: string): XenRecord[] => m.all('VBD').filter((v) => str(v, 'type') === type && isGuestRecord(m.get('VM', str(v, 'VM'))));
const vmUuidOf = (vbd: XenRecord): string => str(m.get('VM', str(vbd, 'VM'))!, 'uuid');

t.test('one Xen_StoragePool per SR, with sizes, type and ResourceType from the SR', async (t) => {
  const pools = byKey(m.enumerate('Xen_StoragePool'), 'PoolID');
  const srs = m.all('SR');
  t.equal(pools.size, srs.length);
  t.ok(srs.length >= 6, 'the fixture has local, NFS, ISO, DVD, removable and tools SRs');
  for (const sr of srs) {
    const uuid = str(sr, 'uuid');
    const p = pools.get(uuid);
    t.equal(p?.get('InstanceID'), `Xen:StoragePool/${uuid}`);
    t.equal(p?.get('ElementName'), str(sr, 'name_label'));
    t.equal(p?.get('Primordial'), true);
    t.equal(p?.get('AllocationUnits'), 'byte');
    t.equal(p?.get('StorageType'), str(sr, 'type'));
    const cd = str(sr, 'content_type') === 'iso';
    t.equal(p?.get('ResourceType'), cd ? 16 : 31, `${str(sr, 'name_label')}: ${cd ? 'DVD drive' : 'Logical Disk'}`);
    const size = int(sr, 'physical_size');
    if (size >= 0) {
      t.equal(p?.get('Capacity'), size);
      t.equal(p?.get('Reserved'), int(sr, 'physical_utilisation'));
      t.ok(Number(p?.get('Reserved')) <= size, 'Reserved within Capacity');
    } else {
      t.equal(p?.get('Capacity'), null, 'xapi’s -1 (unknown size) is null');
      t.equal(p?.get('Reserved'), null);
    }
    t.equal(p?.get('VirtualAllocation'), Math.max(int(sr, 'virtual_allocation'), 0));
  }
  t.equal(pools.get(str(m.all('SR').find((s) => str(s, 'name_label') === 'NFS VM storage')!, 'uuid'))?.get('ResourceType'), 31, 'content_type "" holds disks');
});

t.test('Xen_DiskImage: every VDI but snapshots’ and suspend images, on the host of its SR', async (t) => {
  const images = byKey(m.enumerate('Xen_DiskImage'), 'Name');
  const shown = m.all('VDI').filter((v) => v['is_a_snapshot'] !== true && str(v, 'type') !== 'suspend');
  t.equal(images.size, shown.length);
  t.ok(m.all('VDI').some((v) => v['is_a_snapshot'] === true) && m.all('VDI').some((v) => str(v, 'type') === 'suspend'), 'the fixture has both kinds hidden');
  for (const vdi of shown) {
    const uuid = str(vdi, 'uuid');
    const img = images.get(uuid);
    const sr = m.get('SR', str(vdi, 'SR'))!;
    t.equal(img?.get('DeviceID'), `Xen:${str(sr, 'uuid')}/${uuid}`);
    t.equal(img?.get('SystemCreationClassName'), 'Xen_HostComputerSystem');
    t.equal(img?.get('SystemName'), hostUuid());
    t.equal(img?.get('CreationClassName'), 'Xen_DiskImage');
    t.equal(img?.get('ElementName'), str(vdi, 'name_label'));
    t.equal(img?.get('BlockSize'), 1);
    t.equal(img?.get('NumberOfBlocks'), int(vdi, 'virtual_size'));
    t.equal(img?.get('PhysicalUtilisation'), int(vdi, 'physical_utilisation'));
    t.equal(img?.get('Access'), vdi['read_only'] === true ? 1 : 3);
  }
  const tools = m.all('VDI').find((v) => v['is_tools_iso'] === true)!;
  t.equal(images.get(str(tools, 'uuid'))?.get('Access'), 1, 'the read-only tools ISO is Readable');
  for (const vdi of m.all('VDI').filter((v) => !shown.includes(v))) t.notOk(images.has(str(vdi, 'uuid')), `${str(vdi, 'name_label')} hidden`);
});

t.test('Xen_Disk per guest disk VBD and Xen_CDROMDrive per guest CD VBD; none for templates or snapshots', async (t) => {
  for (const [cls, type] of [['Xen_Disk', 'Disk'], ['Xen_CDROMDrive', 'CD']] as const) {
    const devices = byKey(m.enumerate(cls), 'DeviceID');
    const vbds = guestVbds(type);
    t.equal(devices.size, vbds.length, `${cls}: ${vbds.length}`);
    t.ok(m.all('VBD').some((v) => str(v, 'type') === type && !isGuestRecord(m.get('VM', str(v, 'VM')))) || type === 'CD', 'templates and snapshots have VBDs too');
    for (const vbd of vbds) {
      const vm = vmUuidOf(vbd);
      const d = devices.get(`Xen:${vm}/${str(vbd, 'uuid')}`);
      t.equal(d?.get('SystemCreationClassName'), 'Xen_ComputerSystem');
      t.equal(d?.get('SystemName'), vm);
      t.equal(d?.get('CreationClassName'), cls);
      t.equal(d?.get('Name'), str(vbd, 'device'));
      t.equal(d?.get('EnabledState'), vbd['currently_attached'] === true ? 2 : 3);
      if (type === 'Disk') {
        const vdi = m.get('VDI', str(vbd, 'VDI'))!;
        t.equal(d?.get('NumberOfBlocks'), int(vdi, 'virtual_size'));
        t.equal(d?.get('ElementName'), str(vdi, 'name_label'));
        t.equal(d?.get('Access'), 3);
      } else {
        t.equal(d?.get('Description'), 'Empty');
        t.equal(d?.get('ElementName'), `CD drive ${str(vbd, 'userdevice')}`);
      }
    }
  }
});

t.test('each storage pool that takes disks or holds CD images has a Default setting, a template for a new one', async (t) => {
  const rasds = byKey(m.enumerate('Xen_DiskSettingData'), 'InstanceID');
  const srs = m.all('SR');
  let disks = 0;
  let cds = 0;
  for (const sr of srs) {
    const d = rasds.get(`Xen:StoragePool/${str(sr, 'uuid')}/Default`);
    // CD images of any ISO SR (the tools, the host's DVD drive) go into CD drives; new disks only on ordinary disk SRs.
    const cd = str(sr, 'content_type') === 'iso' || str(sr, 'type') === 'iso';
    if (!cd && (str(sr, 'type') === 'udev' || sr['is_tools_sr'] === true)) {
      t.equal(d, undefined, `${str(sr, 'name_label')}: none (no new disks there)`);
      continue;
    }
    if (cd) cds++;
    else disks++;
    t.equal(d?.get('ResourceType'), cd ? 16 : 31, str(sr, 'name_label'));
    t.equal(d?.get('PoolID'), str(sr, 'uuid'));
    t.equal(d?.get('HostResource'), null, 'a new image, not an existing one');
    t.equal(d?.get('VirtualQuantity'), cd ? null : 8 * 2 ** 30);
    t.equal(d?.get('AllocationUnits'), 'byte');
    t.equal(d?.get('Access'), cd ? 1 : 3);
  }
  t.ok(disks > 0 && cds > 0, 'the fixture has both kinds');
  t.ok(srs.some((sr) => str(sr, 'type') === 'udev' && str(sr, 'content_type') === 'disk'), 'and an SR without one (removable storage)');
});

t.test('Xen_DiskSettingData per guest VBD: type, size, pool, image path, access, position', async (t) => {
  const rasds = byKey(m.enumerate('Xen_DiskSettingData'), 'InstanceID');
  const vbds = [...guestVbds('Disk'), ...guestVbds('CD')];
  t.equal([...rasds.keys()].filter((id) => !id.endsWith('/Default')).length, vbds.length);
  for (const vbd of vbds) {
    const r = rasds.get(`Xen:${vmUuidOf(vbd)}/${str(vbd, 'uuid')}`);
    const cd = str(vbd, 'type') === 'CD';
    t.equal(r?.get('ResourceType'), cd ? 16 : 31);
    t.equal(r?.get('AddressOnParent'), str(vbd, 'userdevice'));
    t.equal(r?.get('Access'), str(vbd, 'mode') === 'RW' ? 3 : 1);
    t.equal(r?.get('Bootable'), vbd['bootable'] === true);
    if (cd) {
      t.equal(r?.get('PoolID'), null, 'an empty CD drive draws on no pool');
      t.equal(r?.get('HostResource'), null);
      t.equal(r?.get('HostExtentName'), null);
      t.equal(r?.get('AutomaticAllocation'), false);
      continue;
    }
    const vdi = m.get('VDI', str(vbd, 'VDI'))!;
    const sr = m.get('SR', str(vdi, 'SR'))!;
    t.equal(r?.get('PoolID'), str(sr, 'uuid'));
    t.equal(r?.get('VirtualQuantity'), int(vdi, 'virtual_size'));
    t.equal(r?.get('AllocationUnits'), 'byte');
    t.equal(r?.get('HostExtentName'), str(vdi, 'uuid'));
    t.equal(r?.get('AutomaticAllocation'), true);
    // HostResource is a DSP0207 path that names the Xen_DiskImage of the VDI.
    const path = parsePath(text(r, 'HostResource') ?? '');
    t.equal(normalizeNamespace(path?.namespace ?? ''), 'root/cimv2');
    t.equal(path?.className, 'Xen_DiskImage');
    const img = m.cimom.getInstance(m.ctx, path!.namespace!, path!.className, path!.keys.map((k) => ({ name: k.name, value: String(k.value) })));
    t.equal(img.get('Name'), str(vdi, 'uuid'));
  }
});

t.test('every property set is declared by the class, and Get by the instance’s own keys finds it', async (t) => {
  for (const cls of ['Xen_StoragePool', 'Xen_DiskImage', 'Xen_Disk', 'Xen_CDROMDrive', 'Xen_DiskSettingData']) {
    const all = m.enumerate(cls);
    t.ok(all.length > 0, cls);
    for (const inst of all) {
      t.same(undeclared(m.schema, inst), [], `${cls} declares every property`);
      t.equal(m.cimom.getInstance(m.ctx, 'root/cimv2', cls, inst.path.keys), inst);
    }
  }
});

t.test('keys that do not match (other VM, other SR, unknown uuid) are NOT_FOUND', async (t) => {
  const [disk] = m.enumerate('Xen_Disk');
  const [other] = m.all('VM').filter((v) => isGuestRecord(v) && str(v, 'uuid') !== disk!.get('SystemName'));
  const vbd = String(disk!.get('DeviceID')).split('/')[1];
  const wrongVm = `Xen:${str(other!, 'uuid')}/${vbd}`;
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_Disk', [{ name: 'DeviceID', value: wrongVm }]), CimError);
  const [img] = m.enumerate('Xen_DiskImage');
  const vdi = String(img!.get('Name'));
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'CIM_StorageExtent', [{ name: 'DeviceID', value: `Xen:00000000-0000-0000-0000-000000000000/${vdi}` }]), CimError);
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_StoragePool', [{ name: 'InstanceID', value: 'Xen:StoragePool/nope' }]), CimError);
  t.throws(() => m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_DiskSettingData', [{ name: 'InstanceID', value: `Xen:${str(other!, 'uuid')}/${vbd}` }]), CimError);
});

t.test('VM → disks and CD drives → settings; VM settings → every drive’s settings', async (t) => {
  const web = m.enumerate('Xen_ComputerSystem').find((v) => v.get('ElementName') === 'web-01')!;
  const devices = m.associators(web.path, { assocClass: 'CIM_SystemDevice' });
  const storage = devices.filter((d) => ['Xen_Disk', 'Xen_CDROMDrive'].includes(d.className));
  const vmRef = refWhere(m, 'VM', 'name_label', 'web-01')!;
  const vbds = m.all('VBD').filter((v) => str(v, 'VM') === vmRef);
  t.equal(storage.length, vbds.length, 'one device per VBD of web-01');
  t.same(storage.map((d) => d.className).sort(), ['Xen_CDROMDrive', 'Xen_Disk']);
  for (const d of storage) {
    const [rasd] = m.associators(d.path, { assocClass: 'CIM_SettingsDefineState' });
    t.equal(rasd?.className, 'Xen_DiskSettingData');
    t.equal(String(rasd?.get('InstanceID')).split('/')[1], String(d.get('DeviceID')).split('/')[1], 'same VBD');
  }
  const [vssd] = m.associators(web.path, { assocClass: 'CIM_SettingsDefineState', resultClass: 'CIM_VirtualSystemSettingData' });
  const parts = m.associators(vssd!.path, { assocClass: 'CIM_VirtualSystemSettingDataComponent', resultClass: 'CIM_StorageAllocationSettingData' });
  t.equal(parts.length, vbds.length);
});

t.test('pools: host → every pool, pool → its images, disks, drives and settings, and back', async (t) => {
  const host = m.enumerate('Xen_HostComputerSystem')[0]!;
  const hosted = m.associators(host.path, { assocClass: 'CIM_HostedResourcePool', resultClass: 'Xen_StoragePool' });
  t.equal(hosted.length, m.all('SR').length);
  const local = m.enumerate('Xen_StoragePool').find((p) => p.get('ElementName') === 'Local storage')!;
  const srRef = refWhere(m, 'SR', 'name_label', 'Local storage')!;
  const images = m.associators(local.path, { assocClass: 'CIM_ConcreteComponent' });
  t.same(new Set(images.map((i) => i.get('Name'))), new Set(m.all('VDI').filter((v) => str(v, 'SR') === srRef && isShownVdi(v)).map((v) => str(v, 'uuid'))));
  const allocated = m.associators(local.path, { assocClass: 'CIM_ElementAllocatedFromPool', resultClass: 'Xen_Disk' });
  const localDisks = guestVbds('Disk').filter((v) => str(m.get('VDI', str(v, 'VDI'))!, 'SR') === srRef);
  t.equal(allocated.length, localDisks.length);
  t.ok(localDisks.length >= 3);
  const rasds = m.associators(local.path, { assocClass: 'CIM_ResourceAllocationFromPool' });
  t.equal(rasds.length, localDisks.length);
  t.ok(rasds.every((r) => r.get('PoolID') === local.get('PoolID')));
  const [back] = m.associators(allocated[0]!.path, { assocClass: 'CIM_ElementAllocatedFromPool' });
  t.equal(back?.get('InstanceID'), local.get('InstanceID'));
  const fromHost = m.associators(host.path, { assocClass: 'CIM_SystemDevice', resultClass: 'Xen_DiskImage' });
  t.equal(fromHost.length, m.enumerate('Xen_DiskImage').length, 'the host holds every disk image');
});

t.test('profile registration: DSP1047 conforms at every storage pool; each pool has allocation capabilities', async (t) => {
  const [profile] = m.enumerate('Xen_RegisteredProfile', 'root/interop').filter((p) => p.get('RegisteredName') === 'Storage Resource Virtualization');
  t.ok(profile);
  const central = m.associators(profile!.path, { assocClass: 'CIM_ElementConformsToProfile' });
  t.same(new Set(central.map((c) => c.get('InstanceID'))), new Set(m.enumerate('Xen_StoragePool').map((p) => p.get('InstanceID'))));
  for (const pool of m.enumerate('Xen_StoragePool')) {
    const caps = m.associators(pool.path, { assocClass: 'CIM_ElementCapabilities' });
    t.equal(caps.length, 1, `${String(pool.get('ElementName'))} has capabilities`);
    t.equal(caps[0]?.get('ResourceType'), pool.get('ResourceType'));
    t.equal(caps[0]?.get('InstanceID'), `${String(pool.get('InstanceID'))}/Capabilities`);
  }
});

t.test('the model follows XenAPI: an ISO inserted into an empty drive, an SR without PBD', async (t) => {
  const cdRef = [...m.records.get('VBD')!].find(([, v]) => str(v, 'type') === 'CD' && isGuestRecord(m.get('VM', str(v, 'VM'))))![0];
  const isoRef = refWhere(m, 'VDI', 'name_label', 'debian-12.9.0-amd64-netinst.iso')!;
  const cd = m.get('VBD', cdRef)!;
  m.put('VBD', cdRef, { ...cd, VDI: isoRef, empty: false });
  const id = `Xen:${vmUuidOf(cd)}/${str(cd, 'uuid')}`;
  const rasd = m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_DiskSettingData', [{ name: 'InstanceID', value: id }]);
  const iso = m.get('VDI', isoRef)!;
  const isoSr = m.get('SR', str(iso, 'SR'))!;
  t.equal(rasd.get('PoolID'), str(isoSr, 'uuid'));
  t.equal(rasd.get('HostExtentName'), str(iso, 'uuid'));
  t.match(text(rasd, 'HostResource'), /Xen_DiskImage\..*DeviceID="Xen:[^"]+\/[^"]+"/);
  t.equal(rasd.get('AutomaticAllocation'), true);
  t.equal(rasd.get('VirtualQuantity'), int(iso, 'virtual_size'));
  const isoPool = m.enumerate('Xen_StoragePool').find((p) => p.get('PoolID') === str(isoSr, 'uuid'))!;
  t.ok(m.associators(isoPool.path, { assocClass: 'CIM_ElementAllocatedFromPool', resultClass: 'Xen_CDROMDrive' }).length === 1, 'the drive is now allocated from the ISO library');
  m.put('VBD', cdRef, cd);
  t.equal(m.cimom.getInstance(m.ctx, 'root/cimv2', 'Xen_DiskSettingData', [{ name: 'InstanceID', value: id }]).get('PoolID'), null, 'ejected again');

  // An SR that lost its PBD is still shown, on the pool master.
  const nfsRef = refWhere(m, 'SR', 'name_label', 'NFS VM storage')!;
  const nfs = m.get('SR', nfsRef)!;
  m.put('SR', nfsRef, { ...nfs, PBDs: [] });
  t.equal(srHost(m.model, m.model.get('SR', nfsRef)!), hostUuid());
  const img = m.enumerate('Xen_DiskImage').find((i) => String(i.get('DeviceID')).startsWith(`Xen:${str(nfs, 'uuid')}/`));
  t.equal(img?.get('SystemName'), hostUuid());
  m.put('SR', nfsRef, nfs);
});
