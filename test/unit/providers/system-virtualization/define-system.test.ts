// DefineSystem and DestroySystem of Xen_VirtualSystemManagementService through the CIM layer,
// against the simulator: each way of defining a VM, the undo of a definition that fails part
// way, and the return code or fault of every illegal request with the records unchanged.
import t from 'tap';
import type { CimValue, ObjectPathLike } from '../../../../src/cim/types.js';
import { map, str } from '../../../../src/xenapi/values.js';
import { call, disk, faultOf, GiB, guest, inst, isoUuid, memory, monitor, netUuid, nic, path, pm, processor, records, resulting, settings, setup, srUuid, state, systemPath, teardown, uuidOf, vbdsOf, vifsOf, vmByName, vmByUuid, vssdPath } from './vsms-harness.js';

t.before(setup);
t.teardown(teardown);

t.test('DefineSystem with no reference: VM.create with the RASDs, devices in order, the new system returned', async (t) => {
  const r = await call('DefineSystem', {
    SystemSettings: settings({ ElementName: 'unit-new', Description: 'made by DefineSystem', VirtualSystemType: 'DMTF:Xen:HVM', AutomaticStartupAction: 4, AutomaticRecoveryAction: 2, BootOrder: 'dc' }),
    ResourceSettings: [
      processor({ VirtualQuantity: 4, Reservation: 2, Weight: 512, Limit: 150 }),
      memory({ VirtualQuantity: 2048, Reservation: 1024 }),
      disk({ VirtualQuantity: 10, AllocationUnits: 'byte*2^30', PoolID: srUuid('NFS VM storage'), ElementName: 'unit-new root' }),
      inst('CIM_ResourceAllocationSettingData', { ResourceType: 16, HostResource: [`/root/cimv2:Xen_DiskImage.DeviceID="Xen:${srUuid('ISO library')}/${isoUuid()}"`] }),
      nic({ PoolID: netUuid('VLAN 100'), Address: '02AABBCCDDEE' }),
    ],
  });
  t.equal(r.returnValue, 0);
  const vm = vmByUuid(resulting(r));
  t.ok(vm, 'ResultingSystem names the new VM');
  if (!vm) return;
  t.equal(str(vm, 'name_label'), 'unit-new');
  t.equal(str(vm, 'name_description'), 'made by DefineSystem');
  t.equal(str(vm, 'power_state'), 'Halted');
  t.equal(str(vm, 'HVM_boot_policy'), 'BIOS order');
  t.equal(map(vm, 'HVM_boot_params')['order'], 'dc');
  t.equal(map(vm, 'other_config')['auto_poweron'], 'true');
  t.equal(str(vm, 'actions_after_crash'), 'destroy');
  t.same([str(vm, 'VCPUs_max'), str(vm, 'VCPUs_at_startup')], ['4', '2']);
  t.same(map(vm, 'VCPUs_params'), { weight: '512', cap: '150' });
  t.same([vm['memory_static_max'], vm['memory_dynamic_max'], vm['memory_dynamic_min']].map(Number), [2 * GiB, 2 * GiB, GiB], 'Limit follows VirtualQuantity; Reservation as given');
  const vbds = vbdsOf(vm).sort((a, b) => str(a, 'userdevice').localeCompare(str(b, 'userdevice')));
  t.same(vbds.map((v) => [str(v, 'userdevice'), str(v, 'type'), str(v, 'mode'), v['bootable']]), [['0', 'Disk', 'RW', true], ['1', 'CD', 'RO', false]]);
  const rootDisk = pm.records('VDI').get(str(vbds[0]!, 'VDI'))!;
  t.equal(Number(rootDisk['virtual_size']), 10 * GiB);
  t.equal(str(rootDisk, 'name_label'), 'unit-new root');
  t.equal(str(pm.records('SR').get(str(rootDisk, 'SR'))!, 'uuid'), srUuid('NFS VM storage'));
  t.equal(str(pm.records('VDI').get(str(vbds[1]!, 'VDI'))!, 'uuid'), isoUuid(), 'the CD holds the ISO named by HostResource');
  const vifs = vifsOf(vm);
  t.same(vifs.map((v) => [str(v, 'device'), str(v, 'MAC'), str(pm.records('network').get(str(v, 'network'))!, 'uuid')]), [['0', '02:aa:bb:cc:dd:ee', netUuid('VLAN 100')]]);
  // The CIM view of the same VM.
  const vssd = pm.get('Xen_VirtualSystemSettingData', { InstanceID: `Xen:${uuidOf(vm)}` });
  t.equal(vssd.get('AutomaticStartupAction'), 4);
  t.equal(pm.get('Xen_MemorySettingData', { InstanceID: `Xen:${uuidOf(vm)}/Memory` }).get('VirtualQuantity'), 2048);
});

t.test('DefineSystem defaults: PV, 1 vCPU, 1024 MiB, a disk in the default SR, a NIC on the management network', async (t) => {
  const r = await call('DefineSystem', {
    SystemSettings: settings({ ElementName: 'unit-pv', VirtualSystemType: 'DMTF:Xen:PV' }),
    ResourceSettings: [disk({ VirtualQuantity: 5 * GiB }), nic({})],
  });
  t.equal(r.returnValue, 0);
  const vm = vmByUuid(resulting(r))!;
  t.equal(str(vm, 'HVM_boot_policy'), '');
  t.equal(str(vm, 'domain_type'), 'pv');
  t.same([str(vm, 'VCPUs_max'), Number(vm['memory_static_max'])], ['1', GiB]);
  const vdi = pm.records('VDI').get(str(vbdsOf(vm)[0]!, 'VDI'))!;
  t.equal(str(pm.records('SR').get(str(vdi, 'SR'))!, 'name_label'), 'Local storage', 'the pool default SR');
  t.equal(str(pm.records('network').get(str(vifsOf(vm)[0]!, 'network'))!, 'name_label'), 'Pool-wide network associated with eth0');
  t.match(str(vifsOf(vm)[0]!, 'MAC'), /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/, 'xapi generated the MAC');
});

t.test('DefineSystem from a halted VM (ReferenceConfiguration): VM.clone with new disks, then the changes', async (t) => {
  const source = guest('build-agent');
  const before = vbdsOf(source).map((v) => str(v, 'VDI'));
  const r = await call('DefineSystem', {
    SystemSettings: settings({ ElementName: 'unit-clone', Description: 'a copy' }),
    ResourceSettings: [memory({ VirtualQuantity: 4096, Limit: 4096, Reservation: 4096 }), disk({ VirtualQuantity: GiB })],
    ReferenceConfiguration: vssdPath(uuidOf(source)),
  });
  t.equal(r.returnValue, 0);
  const vm = vmByUuid(resulting(r))!;
  t.equal(str(vm, 'name_label'), 'unit-clone');
  t.equal(str(vm, 'name_description'), 'a copy');
  t.equal(Number(vm['memory_static_max']), 4 * GiB);
  t.equal(str(vm, 'VCPUs_max'), str(source, 'VCPUs_max'), 'what no RASD changes is copied');
  const disks = vbdsOf(vm).filter((v) => str(v, 'type') === 'Disk');
  t.equal(disks.length, vbdsOf(source).filter((v) => str(v, 'type') === 'Disk').length + 1, "the source's disks plus the new one");
  t.notOk(disks.some((d) => before.includes(str(d, 'VDI'))), 'the copy has disks of its own');
});

t.test('DefineSystem from a template answers 4096 with a job while VM.provision runs, then the VM is complete', async (t) => {
  const r = await call('DefineSystem', {
    SystemSettings: settings({ ElementName: 'unit-debian', ReferenceTemplate: 'Debian Bookworm 12' }),
    ResourceSettings: [processor({ VirtualQuantity: 1 }), disk({ VirtualQuantity: 2 * GiB })],
  });
  // This harness's model is not fed by events, so the job is never seen to finish in time.
  t.equal(r.returnValue, 4096);
  const job = r.out.get('Job') as ObjectPathLike | undefined;
  t.equal(job?.className, 'Xen_ConcreteJob');
  const uuid = resulting(r);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await pm.reload();
  const vm = vmByUuid(uuid)!;
  t.equal(vm['is_a_template'], false, 'provisioned: no longer a template');
  t.equal(str(vm, 'VCPUs_max'), '1');
  const disks = vbdsOf(vm).filter((v) => str(v, 'type') === 'Disk').map((v) => [str(v, 'userdevice'), Number(pm.records('VDI').get(str(v, 'VDI'))?.['virtual_size'])]).sort();
  t.same(disks, [['0', 32 * GiB], ['1', 2 * GiB]], "the template's disk at 0 and the RASD's disk after it");
  const task = records('task').find((x) => `Xen:${str(x, 'uuid')}` === job?.keys[0]?.value);
  t.equal(task && str(task, 'status'), 'success');
});

t.test('DefineSystem undoes everything when a step fails after the VM was created', async (t) => {
  const before = state();
  pm.sim.inject({ method: 'VIF.create', error: ['INTERNAL_ERROR', 'injected'] });
  const r = await call('DefineSystem', {
    SystemSettings: settings({ ElementName: 'unit-undo' }),
    ResourceSettings: [disk({ VirtualQuantity: GiB }), disk({ VirtualQuantity: GiB }), nic({})],
  });
  t.equal(r.returnValue, 2, 'Failed');
  t.equal(vmByName('unit-undo'), undefined, 'no VM is left');
  t.equal(state(), before, 'nor disks, drives or interfaces');

  pm.sim.inject({ method: 'VBD.create', error: ['DEVICE_ALREADY_EXISTS', '1'] });
  const clone = await call('DefineSystem', { SystemSettings: settings({ ElementName: 'unit-undo-2' }), ResourceSettings: [disk({ VirtualQuantity: GiB })], ReferenceConfiguration: vssdPath(uuidOf(guest('build-agent'))) });
  t.equal(clone.returnValue, 4, 'a value xapi refuses is an invalid parameter');
  t.equal(state(), before, "a clone is destroyed with the disks it copied");

  pm.sim.inject({ method: 'Async.VM.provision', error: ['SR_BACKEND_FAILURE_44', '', 'There is insufficient space', ''] });
  const late = await call('DefineSystem', { SystemSettings: settings({ ElementName: 'unit-undo-3', ReferenceTemplate: 'CentOS 7' }), ResourceSettings: [nic({})] });
  t.equal(late.returnValue, 4096);
  await new Promise((resolve) => setTimeout(resolve, 200));
  await pm.reload(); // the model sees the task fail: the undo runs
  await new Promise((resolve) => setTimeout(resolve, 200));
  await pm.reload();
  t.equal(vmByName('unit-undo-3'), undefined, 'a provision that fails after the answer is undone too');
  t.equal(state(), before);
});

t.test('DefineSystem: every illegal request answers its code (or fault) and changes nothing', async (t) => {
  const before = state();
  const running = uuidOf(guest('web-01'));
  const cases: [string, Record<string, CimValue>, number][] = [
    ['no ElementName', { SystemSettings: settings({}) }, 4],
    ['empty ElementName', { SystemSettings: settings({ ElementName: ' ' }) }, 4],
    ['unknown VirtualSystemType', { SystemSettings: settings({ ElementName: 'x', VirtualSystemType: 'DMTF:KVM' }) }, 4],
    ['AutomaticStartupAction 3', { SystemSettings: settings({ ElementName: 'x', AutomaticStartupAction: 3 }) }, 4],
    ['bad BootOrder', { SystemSettings: settings({ ElementName: 'x', BootOrder: 'cc' }) }, 4],
    ['unknown ResourceType', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [inst('CIM_ResourceAllocationSettingData', { ResourceType: 6 })] }, 4],
    ['no ResourceType on a generic RASD', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [inst('CIM_ResourceAllocationSettingData', { VirtualQuantity: 1 })] }, 4],
    ['class and ResourceType disagree', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [processor({ ResourceType: 4 })] }, 4],
    ['two processor settings', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [processor({ VirtualQuantity: 1 }), processor({ VirtualQuantity: 2 })] }, 4],
    ['more vCPUs than the host has', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [processor({ VirtualQuantity: 64 })] }, 4],
    ['Reservation above VirtualQuantity', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [processor({ VirtualQuantity: 2, Reservation: 3 })] }, 4],
    ['memory out of order', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [memory({ VirtualQuantity: 1024, Reservation: 2048 })] }, 4],
    ['memory units that are not bytes', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [memory({ VirtualQuantity: 1, AllocationUnits: 'percent' })] }, 4],
    ['a disk without a size', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [disk({})] }, 4],
    ['a disk in an unknown pool', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [disk({ VirtualQuantity: GiB, PoolID: 'no-such-sr' })] }, 4],
    ['a disk in the ISO library', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [disk({ VirtualQuantity: GiB, PoolID: srUuid('ISO library') })] }, 4],
    ['two devices at one position', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [disk({ VirtualQuantity: GiB, AddressOnParent: '1' }), disk({ VirtualQuantity: GiB, AddressOnParent: '1' })] }, 4],
    ['a CD holding a disk image', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [disk({ ResourceType: 16, HostExtentName: str(pm.records('VDI').get(str(vbdsOf(guest('build-agent')).find((v) => str(v, 'type') === 'Disk')!, 'VDI'))!, 'uuid') })] }, 4],
    ['a NIC on an unknown network', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [nic({ PoolID: 'nowhere' })] }, 4],
    ['a bad MAC', { SystemSettings: settings({ ElementName: 'x' }), ResourceSettings: [nic({ Address: 'not-a-mac' })] }, 4],
    ['a reference to nothing', { SystemSettings: settings({ ElementName: 'x' }), ReferenceConfiguration: vssdPath('00000000-0000-0000-0000-000000000000') }, 4],
    ['an unknown template', { SystemSettings: settings({ ElementName: 'x', ReferenceTemplate: 'No Such OS' }) }, 4],
    ['a running VM to copy', { SystemSettings: settings({ ElementName: 'x' }), ReferenceConfiguration: vssdPath(running) }, 5],
    ['both a reference and a template', { SystemSettings: settings({ ElementName: 'x', ReferenceTemplate: 'CentOS 7' }), ReferenceConfiguration: vssdPath(uuidOf(guest('build-agent'))) }, 6],
  ];
  for (const [name, params, code] of cases) t.equal((await call('DefineSystem', params)).returnValue, code, name);
  const missing = await faultOf('DefineSystem', { ResourceSettings: [] });
  t.equal(missing?.status, 'INVALID_PARAMETER', 'no SystemSettings: a malformed request');
  t.equal(missing?.valueProblem, 'missing');
  const denied = await faultOf('DefineSystem', { SystemSettings: settings({ ElementName: 'x' }) }, monitor);
  t.equal(denied?.status, 'ACCESS_DENIED', 'a read-only user is denied by xapi');
  await pm.reload();
  t.equal(state(), before, 'the simulator is unchanged');
});

t.test('DestroySystem: halted or suspended only; the VM goes with the disks only it uses, ISO images stay', async (t) => {
  const defined = await call('DefineSystem', {
    SystemSettings: settings({ ElementName: 'unit-doomed' }),
    ResourceSettings: [disk({ VirtualQuantity: GiB }), inst('Xen_DiskSettingData', { ResourceType: 16, HostExtentName: isoUuid() })],
  });
  const uuid = resulting(defined);
  const vdis = vbdsOf(vmByUuid(uuid)!).map((v) => str(v, 'VDI'));
  const before = state();
  t.equal((await call('DestroySystem', { AffectedSystem: systemPath(uuidOf(guest('web-01'))) })).returnValue, 5, 'a running VM');
  t.equal((await call('DestroySystem', { AffectedSystem: systemPath(uuidOf(guest('legacy-app'))) })).returnValue, 5, 'a paused VM');
  t.equal((await call('DestroySystem', { AffectedSystem: systemPath('00000000-0000-0000-0000-000000000000') })).returnValue, 4, 'no such VM');
  t.equal((await call('DestroySystem', { AffectedSystem: path('Xen_HostComputerSystem', { CreationClassName: 'Xen_HostComputerSystem', Name: uuid }) })).returnValue, 4, 'not a VM reference');
  t.equal((await faultOf('DestroySystem', {}))?.valueProblem, 'missing');
  t.equal((await faultOf('DestroySystem', { AffectedSystem: systemPath(uuid) }, monitor))?.status, 'ACCESS_DENIED');
  t.equal(state(), before, 'refused requests change nothing');
  t.equal((await call('DestroySystem', { AffectedSystem: systemPath(uuid) })).returnValue, 0);
  t.equal(vmByUuid(uuid), undefined);
  t.notOk(pm.records('VDI').has(vdis[0]!), 'its own disk is destroyed');
  t.ok(records('VDI').some((v) => str(v, 'uuid') === isoUuid()), 'the ISO image stays');
  const suspended = guest('win2019-test');
  t.equal((await call('DestroySystem', { AffectedSystem: systemPath(uuidOf(suspended)) })).returnValue, 0, 'a suspended VM can be destroyed');
  t.equal(vmByUuid(uuidOf(suspended)), undefined);
});

t.test('the capabilities list the methods', async (t) => {
  const [caps] = pm.enumerate('Xen_VirtualSystemManagementCapabilities');
  t.same(caps?.get('SynchronousMethodsSupported'), [2, 3, 5, 6, 7, 10]);
  t.same(caps?.get('AsynchronousMethodsSupported'), [2]);
});
