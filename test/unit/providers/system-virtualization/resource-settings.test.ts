// AddResourceSettings, ModifyResourceSettings, ModifySystemSettings and RemoveResourceSettings
// of Xen_VirtualSystemManagementService through the CIM layer, against the simulator: each
// change in the simulator's own records, and the return code or fault of every illegal request
// with the records unchanged.
import t from 'tap';
import type { CimValue, InstanceLike, ObjectPathLike } from '../../../../src/cim/types.js';
import { map, refs, str, type XenRecord } from '../../../../src/xenapi/values.js';
import { call, disk, faultOf, GiB, guest, inst, isoUuid, memory, MiB, monitor, netUuid, nic, path, pm, processor, records, refOf, resulting, settings, setup, srUuid, state, systemPath, teardown, uuidOf, vbdsOf, vifsOf, vmByUuid, vssdPath } from './vsms-harness.js';

t.before(setup);
t.teardown(teardown);

t.test('AddResourceSettings: disks, CD drives and NICs; processors and memory are not added', async (t) => {
  const vm = guest('build-agent');
  const r = await call('AddResourceSettings', {
    AffectedConfiguration: vssdPath(uuidOf(vm)),
    ResourceSettings: [disk({ VirtualQuantity: 512, AllocationUnits: 'MB', AddressOnParent: '5' }), nic({ Connection: ['VLAN 100'] })],
  });
  t.equal(r.returnValue, 0);
  const paths = r.out.get('ResultingResourceSettings') as ObjectPathLike[];
  t.same(paths.map((p) => p.className), ['Xen_DiskSettingData', 'Xen_NetworkPortSettingData']);
  const after = guest('build-agent');
  const added = vbdsOf(after).find((v) => str(v, 'userdevice') === '5')!;
  t.equal(paths[0]?.keys[0]?.value, `Xen:${uuidOf(vm)}/${uuidOf(added)}`);
  t.equal(Number(pm.records('VDI').get(str(added, 'VDI'))?.['virtual_size']), 512 * MiB);
  t.equal(added['bootable'], false, 'not the boot disk');
  const vif = vifsOf(after).find((v) => `Xen:${uuidOf(vm)}/${uuidOf(v)}` === paths[1]?.keys[0]?.value)!;
  t.equal(str(pm.records('network').get(str(vif, 'network'))!, 'name_label'), 'VLAN 100');
  t.equal(pm.get('Xen_DiskSettingData', { InstanceID: String(paths[0]?.keys[0]?.value) }).get('VirtualQuantity'), 512 * MiB, 'the new setting is served');

  const running = guest('web-01');
  const hot = await call('AddResourceSettings', { AffectedConfiguration: vssdPath(uuidOf(running)), ResourceSettings: [disk({ VirtualQuantity: GiB })] });
  t.equal(hot.returnValue, 0);
  const hotVbd = vbdsOf(guest('web-01')).find((v) => !vbdsOf(running).some((o) => uuidOf(o) === uuidOf(v)))!;
  t.equal(hotVbd['currently_attached'], true, 'plugged into the running VM');

  const before = state();
  const cases: [string, Record<string, CimValue>, number][] = [
    ['a processor', { AffectedConfiguration: vssdPath(uuidOf(vm)), ResourceSettings: [processor({ VirtualQuantity: 2 })] }, 6],
    ['memory', { AffectedConfiguration: vssdPath(uuidOf(vm)), ResourceSettings: [memory({ VirtualQuantity: 2 })] }, 6],
    ['a paused VM', { AffectedConfiguration: vssdPath(uuidOf(guest('legacy-app'))), ResourceSettings: [nic({})] }, 5],
    ['a position that is taken', { AffectedConfiguration: vssdPath(uuidOf(vm)), ResourceSettings: [disk({ VirtualQuantity: GiB, AddressOnParent: '0' })] }, 4],
    ['an unknown VM', { AffectedConfiguration: vssdPath('nobody'), ResourceSettings: [nic({})] }, 4],
    ['a reference of the wrong class', { AffectedConfiguration: systemPath(uuidOf(vm)), ResourceSettings: [nic({})] }, 4],
  ];
  for (const [name, params, code] of cases) t.equal((await call('AddResourceSettings', params)).returnValue, code, name);
  t.equal((await faultOf('AddResourceSettings', { AffectedConfiguration: vssdPath(uuidOf(vm)) }))?.valueProblem, 'missing', 'no ResourceSettings');
  t.equal((await faultOf('AddResourceSettings', { AffectedConfiguration: vssdPath(uuidOf(vm)), ResourceSettings: [nic({})] }, monitor))?.status, 'ACCESS_DENIED');
  await pm.reload();
  t.equal(state(), before);
});

t.test('ModifyResourceSettings: processor, memory and disk size through XenAPI; what cannot change answers its code', async (t) => {
  const vm = guest('build-agent');
  const id = uuidOf(vm);
  const rootVbd = vbdsOf(vm).find((v) => str(v, 'userdevice') === '0')!;
  const rootVdi = pm.records('VDI').get(str(rootVbd, 'VDI'))!;
  const size = Number(rootVdi['virtual_size']);
  const r = await call('ModifyResourceSettings', {
    ResourceSettings: [
      processor({ InstanceID: `Xen:${id}/Processor`, VirtualQuantity: 6, Weight: 100, Limit: 0 }),
      memory({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 12288 }),
      disk({ InstanceID: `Xen:${id}/${uuidOf(rootVbd)}`, VirtualQuantity: size + GiB, ElementName: 'grown' }),
    ],
  });
  t.equal(r.returnValue, 0);
  t.same((r.out.get('ResultingResourceSettings') as ObjectPathLike[]).map((p) => p.keys[0]?.value), [`Xen:${id}/Processor`, `Xen:${id}/Memory`, `Xen:${id}/${uuidOf(rootVbd)}`]);
  const after = guest('build-agent');
  t.same([str(after, 'VCPUs_max'), str(after, 'VCPUs_at_startup')], ['6', '6'], 'all vCPUs at start-up moved with VCPUs_max');
  t.equal(map(after, 'VCPUs_params')['weight'], '100');
  t.equal(Number(after['memory_static_max']), 12 * GiB);
  t.equal(Number(after['memory_dynamic_max']), 12 * GiB, 'a fixed-size VM grows as a whole');
  const grown = pm.records('VDI').get(str(rootVbd, 'VDI'))!;
  t.equal(Number(grown['virtual_size']), size + GiB);
  t.equal(str(grown, 'name_label'), 'grown');

  // An amount in a unit other than the one shown is taken as it is, not rounded to the current value.
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [memory({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 1536 })] })).returnValue, 0);
  t.equal(Number(guest('build-agent')['memory_static_max']), 1536 * MiB);
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [memory({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 2, AllocationUnits: 'byte*2^30' })] })).returnValue, 0);
  t.equal(Number(guest('build-agent')['memory_static_max']), 2 * GiB, '2 GiB asked of a 1.5 GiB VM is 2 GiB');
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [memory({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 12288 })] })).returnValue, 0);
  const half = Number(grown['virtual_size']) + GiB / 2;
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ InstanceID: `Xen:${id}/${uuidOf(rootVbd)}`, VirtualQuantity: half })] })).returnValue, 0);
  const wholeGiB = Math.ceil(half / GiB);
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ InstanceID: `Xen:${id}/${uuidOf(rootVbd)}`, VirtualQuantity: wholeGiB, AllocationUnits: 'byte*2^30' })] })).returnValue, 0);
  t.equal(Number(pm.records('VDI').get(str(rootVbd, 'VDI'))!['virtual_size']), wholeGiB * GiB, 'a disk grown to a whole number of GiB from half a GiB less');

  const web = guest('web-01');
  const webMem = Number(web['memory_static_max']) / MiB;
  const live = await call('ModifyResourceSettings', { ResourceSettings: [memory({ InstanceID: `Xen:${uuidOf(web)}/Memory`, Reservation: webMem / 2, Limit: webMem })] });
  t.equal(live.returnValue, 0, 'the dynamic range of a running VM');
  t.equal(Number(guest('web-01')['memory_dynamic_min']), (webMem / 2) * MiB);

  const before = state();
  const webDisk = vbdsOf(web).find((v) => str(v, 'type') === 'Disk')!;
  const vif = vifsOf(after)[0]!;
  const cases: [string, InstanceLike[], number][] = [
    ['vCPUs of a running VM', [processor({ InstanceID: `Xen:${uuidOf(web)}/Processor`, VirtualQuantity: 3 })], 5],
    ['static memory of a running VM', [memory({ InstanceID: `Xen:${uuidOf(web)}/Memory`, VirtualQuantity: webMem * 2 })], 5],
    ['growing an attached disk', [disk({ InstanceID: `Xen:${uuidOf(web)}/${uuidOf(webDisk)}`, VirtualQuantity: Number(pm.records('VDI').get(str(webDisk, 'VDI'))?.['virtual_size']) * 2 })], 5],
    ['shrinking a disk', [disk({ InstanceID: `Xen:${id}/${uuidOf(rootVbd)}`, VirtualQuantity: GiB })], 4],
    ['memory out of order', [memory({ InstanceID: `Xen:${id}/Memory`, Reservation: 1, Limit: 2, StaticMinimum: 3 })], 4],
    ['an unknown setting', [memory({ InstanceID: 'Xen:nobody/Memory', VirtualQuantity: 1 })], 4],
    ['no InstanceID', [memory({ VirtualQuantity: 1024 })], 4],
    ['a disk class naming the memory', [disk({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 1 })], 4],
    ['settings of two VMs', [memory({ InstanceID: `Xen:${id}/Memory` }), memory({ InstanceID: `Xen:${uuidOf(web)}/Memory` })], 6],
    ['a new MAC', [nic({ InstanceID: `Xen:${id}/${uuidOf(vif)}`, Address: '02:00:00:00:00:01' })], 1],
    ['another network', [nic({ InstanceID: `Xen:${id}/${uuidOf(vif)}`, PoolID: netUuid('VLAN 100') })], 1],
    ['another storage pool', [disk({ InstanceID: `Xen:${id}/${uuidOf(rootVbd)}`, PoolID: srUuid('NFS VM storage') })], 1],
  ];
  for (const [name, list, code] of cases) t.equal((await call('ModifyResourceSettings', { ResourceSettings: list })).returnValue, code, name);
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [nic({ InstanceID: `Xen:${id}/${uuidOf(vif)}`, Address: str(vif, 'MAC').replace(/:/g, '').toUpperCase() })] })).returnValue, 0, 'the same MAC in CIM form is no change');
  t.equal((await faultOf('ModifyResourceSettings', {}))?.valueProblem, 'missing');
  t.equal((await faultOf('ModifyResourceSettings', { ResourceSettings: [memory({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 2048 })] }, monitor))?.status, 'ACCESS_DENIED');
  await pm.reload();
  t.equal(state(), before);

  // A failure part way undoes the changes already made.
  pm.sim.inject({ method: 'VM.set_memory_limits', error: ['MEMORY_CONSTRAINT_VIOLATION', 'injected'] });
  const undone = await call('ModifyResourceSettings', { ResourceSettings: [processor({ InstanceID: `Xen:${id}/Processor`, VirtualQuantity: 2 }), memory({ InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 4096 })] });
  t.equal(undone.returnValue, 4);
  t.equal(str(guest('build-agent'), 'VCPUs_max'), '6', 'the vCPU change was undone');
  t.equal(state(), before);
});

t.test('Modify*Settings with the instances as served changes nothing, so it needs no rights', async (t) => {
  const before = state();
  for (const name of ['build-agent', 'web-01', 'db-01']) {
    const vm = guest(name);
    const id = uuidOf(vm);
    const rasds = [
      pm.get('Xen_ProcessorSettingData', { InstanceID: `Xen:${id}/Processor` }),
      pm.get('Xen_MemorySettingData', { InstanceID: `Xen:${id}/Memory` }),
      ...vbdsOf(vm).map((v) => pm.get('Xen_DiskSettingData', { InstanceID: `Xen:${id}/${uuidOf(v)}` })),
      ...vifsOf(vm).map((v) => pm.get('Xen_NetworkPortSettingData', { InstanceID: `Xen:${id}/${uuidOf(v)}` })),
    ];
    t.equal((await call('ModifyResourceSettings', { ResourceSettings: rasds }, monitor)).returnValue, 0, `${name}: every RASD sent back as it is`);
    const vssd = pm.get('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${id}` });
    t.equal((await call('ModifySystemSettings', { SystemSettings: vssd }, monitor)).returnValue, 0, `${name}: its settings sent back as they are`);
  }
  t.equal(state(), before);
  const id = uuidOf(guest('build-agent'));
  const generic = await call('ModifyResourceSettings', { ResourceSettings: [inst('CIM_ResourceAllocationSettingData', { InstanceID: `Xen:${id}/Memory`, VirtualQuantity: 8192 })] });
  t.equal(generic.returnValue, 0, 'a generic RASD without ResourceType takes its kind from the InstanceID');
  t.equal(Number(guest('build-agent')['memory_static_max']), 8 * GiB);
  const web = guest('web-01');
  const webDisk = vbdsOf(web).find((v) => str(v, 'type') === 'Disk')!;
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ InstanceID: `Xen:${uuidOf(web)}/${uuidOf(webDisk)}`, Access: 1 })] })).returnValue, 5, 'Access of a running VM\'s disk');
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ InstanceID: `Xen:${uuidOf(web)}/${uuidOf(webDisk)}`, Access: 2 })] })).returnValue, 4, 'Access 2 (Writeable only)');
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ InstanceID: `Xen:${uuidOf(web)}/${uuidOf(webDisk)}`, AddressOnParent: '9' })] })).returnValue, 1, 'another position');
});

t.test('ModifyResourceSettings changes the medium of a CD drive', async (t) => {
  const vm = guest('build-agent');
  const cd = vbdsOf(vm).find((v) => str(v, 'type') === 'CD')!;
  const id = `Xen:${uuidOf(vm)}/${uuidOf(cd)}`;
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ ResourceType: 16, InstanceID: id, HostExtentName: isoUuid() })] })).returnValue, 0);
  t.equal(str(pm.records('VDI').get(str(pm.records('VBD').get(refOf('VBD', uuidOf(cd)))!, 'VDI'))!, 'uuid'), isoUuid(), 'inserted');
  const other = uuidOf(records('VDI').find((v) => str(v, 'name_label') === 'Windows_Server_2019_x64.iso')!);
  const swap = await call('ModifyResourceSettings', { ResourceSettings: [inst('CIM_ResourceAllocationSettingData', { ResourceType: 16, InstanceID: id, HostResource: [`/root/cimv2:Xen_DiskImage.DeviceID="Xen:${srUuid('ISO library')}/${other}"`] })] });
  t.equal(swap.returnValue, 0);
  t.equal(str(pm.records('VDI').get(str(pm.records('VBD').get(refOf('VBD', uuidOf(cd)))!, 'VDI'))!, 'uuid'), other, 'another ISO replaces the first');
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ ResourceType: 16, InstanceID: id, HostExtentName: '' })] })).returnValue, 0);
  t.equal(pm.records('VBD').get(refOf('VBD', uuidOf(cd)))?.['empty'], true, 'ejected');
  const diskImage = str(pm.records('VDI').get(str(vbdsOf(vm).find((v) => str(v, 'type') === 'Disk')!, 'VDI'))!, 'uuid');
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ ResourceType: 16, InstanceID: id, HostExtentName: diskImage })] })).returnValue, 4, 'a disk image is no CD');
  t.equal((await call('ModifyResourceSettings', { ResourceSettings: [disk({ ResourceType: 31, InstanceID: id })] })).returnValue, 4, 'a CD drive is not a disk');
});

t.test('ModifySystemSettings: names, start-up and crash actions, boot order; type only while halted', async (t) => {
  const vm = guest('build-agent');
  const id = `Xen:${uuidOf(vm)}`;
  const r = await call('ModifySystemSettings', {
    SystemSettings: settings({ InstanceID: id, ElementName: 'build-agent-2', Description: 'renamed', AutomaticStartupAction: 4, AutomaticRecoveryAction: 2, BootOrder: 'ncd', Tags: ['ci'] }),
  });
  t.equal(r.returnValue, 0);
  const after = vmByUuid(uuidOf(vm))!;
  t.same([str(after, 'name_label'), str(after, 'name_description'), map(after, 'other_config')['auto_poweron'], str(after, 'actions_after_crash'), map(after, 'HVM_boot_params')['order']], ['build-agent-2', 'renamed', 'true', 'destroy', 'ncd']);
  t.same(refs(after, 'tags'), ['ci']);
  t.equal((await call('ModifySystemSettings', { SystemSettings: settings({ InstanceID: id, ElementName: 'build-agent' }) })).returnValue, 0);
  t.equal((await call('ModifySystemSettings', { SystemSettings: settings({ InstanceID: id, VirtualSystemType: 'DMTF:Xen:PV' }) })).returnValue, 0, 'to PV while halted');
  const pv = vmByUuid(uuidOf(vm))!;
  t.same([str(pv, 'HVM_boot_policy'), str(pv, 'PV_bootloader')], ['', 'pygrub'], 'a PV guest that can boot: through pygrub');
  t.equal((await call('ModifySystemSettings', { SystemSettings: settings({ InstanceID: id, VirtualSystemType: 'DMTF:Xen:HVM' }) })).returnValue, 0, 'and back');
  t.equal(str(vmByUuid(uuidOf(vm))!, 'HVM_boot_policy'), 'BIOS order');

  const before = state();
  const web = guest('web-01');
  const cases: [string, InstanceLike, number][] = [
    ['a new type for a running VM', settings({ InstanceID: `Xen:${uuidOf(web)}`, VirtualSystemType: 'DMTF:Xen:PV' }), 5],
    ['an empty name', settings({ InstanceID: id, ElementName: '' }), 4],
    ['AutomaticRecoveryAction 4', settings({ InstanceID: id, AutomaticRecoveryAction: 4 }), 4],
    ['AutomaticShutdownAction 2', settings({ InstanceID: id, AutomaticShutdownAction: 2 }), 4],
    ['no InstanceID', settings({ ElementName: 'x' }), 4],
    ['an unknown VM', settings({ InstanceID: 'Xen:nobody', ElementName: 'x' }), 4],
    ['ReferenceTemplate', settings({ InstanceID: id, ReferenceTemplate: 'CentOS 7' }), 4],
    ['Notes (they show the Description)', settings({ InstanceID: id, Notes: ['xx'] }), 4],
    ['another VirtualSystemIdentifier', settings({ InstanceID: id, VirtualSystemIdentifier: 'mine' }), 4],
  ];
  for (const [name, s, code] of cases) t.equal((await call('ModifySystemSettings', { SystemSettings: s })).returnValue, code, name);
  t.equal((await faultOf('ModifySystemSettings', { SystemSettings: settings({ InstanceID: id, ElementName: 'nope' }) }, monitor))?.status, 'ACCESS_DENIED');
  await pm.reload();
  t.equal(state(), before);
});

t.test('RemoveResourceSettings: a disk with the image only it used, a NIC; processors, memory and mixed VMs refused', async (t) => {
  const defined = await call('DefineSystem', { SystemSettings: settings({ ElementName: 'unit-remove' }), ResourceSettings: [disk({ VirtualQuantity: GiB }), nic({}), nic({})] });
  const uuid = resulting(defined);
  const vm = vmByUuid(uuid)!;
  const vbd = vbdsOf(vm)[0]!;
  const [vif] = vifsOf(vm);
  const vdiRef = str(vbd, 'VDI');
  const ref = (x: XenRecord, cls: string) => path(cls, { InstanceID: `Xen:${uuid}/${uuidOf(x)}` });
  const before = state();
  const web = guest('web-01');
  const cases: [string, ObjectPathLike[], number][] = [
    ['the processor', [path('Xen_ProcessorSettingData', { InstanceID: `Xen:${uuid}/Processor` })], 6],
    ['the memory', [path('CIM_ResourceAllocationSettingData', { InstanceID: `Xen:${uuid}/Memory` })], 6],
    ['settings of two VMs', [ref(vbd, 'Xen_DiskSettingData'), path('Xen_MemorySettingData', { InstanceID: `Xen:${uuidOf(web)}/Memory` })], 6],
    ['a setting that does not exist', [path('Xen_DiskSettingData', { InstanceID: `Xen:${uuid}/nothing` })], 4],
    ['a class that does not fit', [ref(vbd, 'Xen_NetworkPortSettingData')], 4],
    ['the same setting twice', [ref(vbd, 'Xen_DiskSettingData'), ref(vbd, 'Xen_DiskSettingData')], 4],
    ['the boot disk of a running VM', [path('Xen_DiskSettingData', { InstanceID: `Xen:${uuidOf(web)}/${uuidOf(vbdsOf(web).find((v) => str(v, 'userdevice') === '0')!)}` })], 5],
    ['a NIC of a paused VM', [path('Xen_NetworkPortSettingData', { InstanceID: `Xen:${uuidOf(guest('legacy-app'))}/${uuidOf(vifsOf(guest('legacy-app'))[0]!)}` })], 5],
  ];
  for (const [name, list, code] of cases) t.equal((await call('RemoveResourceSettings', { ResourceSettings: list })).returnValue, code, name);
  t.equal((await faultOf('RemoveResourceSettings', { ResourceSettings: [ref(vbd, 'Xen_DiskSettingData')] }, monitor))?.status, 'ACCESS_DENIED');
  t.equal((await faultOf('RemoveResourceSettings', {}))?.valueProblem, 'missing');
  await pm.reload();
  t.equal(state(), before);

  const r = await call('RemoveResourceSettings', { ResourceSettings: [ref(vbd, 'Xen_DiskSettingData'), ref(vif!, 'CIM_ResourceAllocationSettingData')] });
  t.equal(r.returnValue, 0);
  const after = vmByUuid(uuid)!;
  t.same([vbdsOf(after).length, vifsOf(after).length], [0, 1]);
  t.notOk(pm.records('VDI').has(vdiRef), 'the image only it used is destroyed');

  // The data disk hot-added to the running web-01 above is unplugged, then removed.
  const webNow = guest('web-01');
  const hot = vbdsOf(webNow).find((v) => str(v, 'type') === 'Disk' && v['unpluggable'] === true && v['currently_attached'] === true)!;
  t.ok(hot, 'web-01 has a hot-pluggable data disk');
  const live = await call('RemoveResourceSettings', { ResourceSettings: [path('Xen_DiskSettingData', { InstanceID: `Xen:${uuidOf(webNow)}/${uuidOf(hot)}` })] });
  t.equal(live.returnValue, 0);
  t.notOk(vbdsOf(guest('web-01')).some((v) => uuidOf(v) === uuidOf(hot)), 'removed from the running VM');
  t.equal(str(guest('web-01'), 'power_state'), 'Running');
});
