import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, rpcClient, vbdCreateRecord, vdiCreateRecord, vifCreateRecord, type Rec } from '../../helpers/sim-client.js';

const GiB = 1024 ** 3;
interface Batch {
  events: { class: string; operation: string; ref: string }[];
  token: string;
}

t.test('VDI, VBD and VIF messages', async (t) => {
  const sim = await startSimulator({ taskDurationMs: 0 });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const m = await login(rpc, 'monitor', 'monitor');
  const one = async (cls: string, name: string): Promise<string> => (await rpc.ok<string[]>(`${cls}.get_by_name_label`, s, name))[0] ?? '';
  const rec = (cls: string, ref: unknown): Promise<Rec> => rpc.ok<Rec>(`${cls}.get_record`, s, ref);
  const count = async (cls: string): Promise<number> => (await rpc.ok<string[]>(`${cls}.get_all`, s)).length;
  const token = async (): Promise<string> => (await rpc.ok<Batch>('event.from', s, ['*'], '', 0)).token;
  const local = await one('SR', 'Local storage');
  const nfs = await one('SR', 'NFS VM storage');
  const iso = await one('SR', 'ISO library');
  const tools = await one('SR', 'XenServer Tools');
  const dvd = await one('SR', 'DVD drives');
  const halted = await one('VM', 'build-agent');
  const running = await one('VM', 'web-01');
  const pvRunning = await one('VM', 'db-01');
  const suspended = await one('VM', 'win2019-test');
  const eth1 = await one('network', 'Pool-wide network associated with eth1');

  t.test('VDI.create on a thick SR takes space; ISO, DVD and tools SRs cannot hold new disks', async (t) => {
    const sr = await rec('SR', local);
    const vdi = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local, { name_label: 'scratch' }));
    const r = await rec('VDI', vdi);
    t.same([r['name_label'], r['SR'], r['virtual_size'], r['physical_utilisation'], r['type'], r['read_only']], ['scratch', local, String(8 * GiB), String(8 * GiB), 'user', false]);
    t.same(r['VBDs'], []);
    const after = await rec('SR', local);
    t.ok((after['VDIs'] as string[]).includes(vdi));
    t.equal(Number(after['physical_utilisation']), Number(sr['physical_utilisation']) + 8 * GiB);
    t.equal(Number(after['virtual_allocation']), Number(sr['virtual_allocation']) + 8 * GiB);
    const thin = await rec('VDI', await rpc.ok<string>('VDI.create', s, vdiCreateRecord(nfs)));
    t.equal(thin['physical_utilisation'], '0', 'thin provisioning');
    const vdis = await count('VDI');
    for (const bad of [iso, dvd, tools]) t.same(await rpc.fail('VDI.create', s, vdiCreateRecord(bad)), ['SR_OPERATION_NOT_SUPPORTED', bad]);
    t.same(await rpc.fail('VDI.create', s, vdiCreateRecord('OpaqueRef:gone')), ['HANDLE_INVALID', 'SR', 'OpaqueRef:gone']);
    t.same(await rpc.fail('VDI.create', s, vdiCreateRecord(local, { virtual_size: String(4096 * GiB) })), ['SR_BACKEND_FAILURE_44', '', 'There is insufficient space', '']);
    t.same(await rpc.fail('VDI.create', s, vdiCreateRecord(local, { type: 'photo' })), ['FIELD_TYPE_ERROR', 'type']);
    const missing = vdiCreateRecord(local);
    delete missing['sharable'];
    t.same(await rpc.fail('VDI.create', s, missing), ['INTERNAL_ERROR', 'Server_helpers.Dispatcher_FieldNotFound("sharable")']);
    t.same(await rpc.fail('VDI.create', m, vdiCreateRecord(local)), ['RBAC_PERMISSION_DENIED', 'vdi.create', 'No permission in user session']);
    t.equal(await count('VDI'), vdis, 'no VDI added by a refused call');
  });

  t.test('VBD.create: autodetect, device conflicts and the constructor rules', async (t) => {
    const vdi = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local));
    const from = await token();
    const vbd = await rpc.ok<string>('VBD.create', s, vbdCreateRecord(halted, vdi));
    const r = await rec('VBD', vbd);
    t.same([r['userdevice'], r['device'], r['currently_attached'], r['unpluggable'], r['mode']], ['1', '', false, true, 'RW'], 'autodetect takes the first free number');
    t.same(r['allowed_operations'], ['attach']);
    t.ok((await rpc.ok<string[]>('VM.get_VBDs', s, halted)).includes(vbd));
    t.same(await rpc.ok('VDI.get_VBDs', s, vdi), [vbd]);
    const b = await rpc.ok<Batch>('event.from', s, ['vm', 'vbd', 'vdi'], from, 1);
    t.same(b.events.map((e) => `${e.class}/${e.operation}`).sort(), ['vbd/add', 'vdi/mod', 'vm/mod'], 'one batch');
    const other = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local));
    const vbds = await count('VBD');
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, other, { userdevice: '0' })), ['DEVICE_ALREADY_EXISTS', '0']);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, other, { userdevice: 'xvda' })), ['DEVICE_ALREADY_EXISTS', 'xvda'], 'names and numbers clash');
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, other, { userdevice: 'disk7' })), ['INVALID_DEVICE', 'disk7']);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, other, { type: 'CD' })), ['VBD_CDS_MUST_BE_READONLY']);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, 'OpaqueRef:NULL', { empty: true })), ['VBD_NOT_REMOVABLE_MEDIA', 'in constructor']);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, other, { type: 'CD', mode: 'RO' })), ['VDI_IS_NOT_ISO', other, 'user']);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, 'OpaqueRef:gone')), ['HANDLE_INVALID', 'VDI', 'OpaqueRef:gone']);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord('OpaqueRef:gone', other)), ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
    const ro = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local, { read_only: true }));
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, ro)), ['VDI_READONLY', ro]);
    t.same(await rpc.fail('VBD.create', s, vbdCreateRecord(halted, other, { mode: 'rw' })), ['FIELD_TYPE_ERROR', 'mode']);
    const noQos = vbdCreateRecord(halted, other);
    delete noQos['qos_algorithm_params'];
    t.same(await rpc.fail('VBD.create', s, noQos), ['INTERNAL_ERROR', 'Server_helpers.Dispatcher_FieldNotFound("qos_algorithm_params")']);
    t.equal(await count('VBD'), vbds, 'nothing added');
    const isoVdi = (await rpc.ok<string[]>('SR.get_VDIs', s, iso))[0] ?? '';
    const cd = await rpc.ok<string>('VBD.create', s, vbdCreateRecord(halted, isoVdi, { type: 'CD', mode: 'RO', userdevice: '2' }));
    t.equal((await rec('VBD', cd))['VDI'], isoVdi);
    const empty = await rpc.ok<string>('VBD.create', s, vbdCreateRecord(halted, 'OpaqueRef:NULL', { type: 'CD', mode: 'RO', empty: true, userdevice: 'hde' }));
    t.equal((await rec('VBD', empty))['empty'], true);
  });

  t.test('VBD.destroy only when detached; the VDI stays', async (t) => {
    const attached = ((await rec('VM', running))['VBDs'] as string[])[0] ?? '';
    const a = await rec('VBD', attached);
    const vmUuid = (await rec('VM', running))['uuid'];
    t.same(await rpc.fail('VBD.destroy', s, attached), ['OPERATION_NOT_ALLOWED', `VBD '${String(a['uuid'])}' still attached to '${String(vmUuid)}'`]);
    t.equal((await rec('VBD', attached))['VM'], running, 'still there');
    const vdi = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local));
    const vbd = await rpc.ok<string>('VBD.create', s, vbdCreateRecord(halted, vdi));
    await rpc.ok('VBD.destroy', s, vbd);
    t.notOk((await rpc.ok<string[]>('VM.get_VBDs', s, halted)).includes(vbd));
    t.same(await rpc.ok('VDI.get_VBDs', s, vdi), []);
    t.same(await rpc.fail('VBD.destroy', s, vbd), ['HANDLE_INVALID', 'VBD', vbd]);
  });

  t.test('VBD.plug and unplug on a running VM', async (t) => {
    const vdi = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local));
    const vbd = await rpc.ok<string>('VBD.create', s, vbdCreateRecord(pvRunning, vdi, { userdevice: '4' }));
    t.same(await rpc.fail('VBD.unplug', s, vbd), ['DEVICE_ALREADY_DETACHED', vbd]);
    await rpc.ok('VBD.plug', s, vbd);
    const r = await rec('VBD', vbd);
    t.same([r['currently_attached'], r['device']], [true, 'xvde']);
    t.same(await rpc.fail('VBD.plug', s, vbd), ['DEVICE_ALREADY_ATTACHED', vbd]);
    t.same(await rpc.fail('VDI.destroy', s, vdi), ['VDI_IN_USE', vdi, 'destroy']);
    t.same(await rpc.fail('VDI.resize', s, vdi, String(16 * GiB)), ['VDI_IN_USE', vdi, 'resize']);
    await rpc.ok('VBD.unplug', s, vbd);
    t.equal((await rec('VBD', vbd))['currently_attached'], false);
    const fixed = ((await rec('VM', pvRunning))['VBDs'] as string[])[0] ?? '';
    t.same(await rpc.fail('VBD.unplug', s, fixed), ['VBD_NOT_UNPLUGGABLE', fixed]);
    const haltedDisk = ((await rec('VM', halted))['VBDs'] as string[]).at(-1) ?? '';
    t.same(await rpc.fail('VBD.plug', s, haltedDisk), ['VM_BAD_POWER_STATE', halted, 'running', 'halted']);
    const hvmCd = ((await rec('VM', running))['VBDs'] as string[])[1] ?? '';
    t.same(await rpc.fail('VBD.unplug', s, hvmCd), ['OPERATION_NOT_ALLOWED', 'HVM CDROMs cannot be hotplugged/unplugged, only inserted or ejected']);
    t.same(await rpc.fail('VBD.plug', m, vbd), ['RBAC_PERMISSION_DENIED', 'vbd.plug', 'No permission in user session']);
  });

  t.test('CD insert and eject', async (t) => {
    const cd = ((await rec('VM', running))['VBDs'] as string[])[1] ?? '';
    const isoVdi = (await rpc.ok<string[]>('SR.get_VDIs', s, iso))[0] ?? '';
    t.same(await rpc.fail('VBD.eject', s, cd), ['VBD_IS_EMPTY', cd]);
    await rpc.ok('VBD.insert', s, cd, isoVdi);
    t.same([(await rec('VBD', cd))['empty'], (await rec('VBD', cd))['VDI']], [false, isoVdi]);
    t.ok((await rpc.ok<string[]>('VDI.get_VBDs', s, isoVdi)).includes(cd));
    t.same(await rpc.fail('VBD.insert', s, cd, isoVdi), ['VBD_NOT_EMPTY', cd]);
    await rpc.ok('VBD.eject', s, cd);
    t.equal((await rec('VBD', cd))['VDI'], 'OpaqueRef:NULL');
    const disk = ((await rec('VM', running))['VBDs'] as string[])[0] ?? '';
    t.same(await rpc.fail('VBD.insert', s, disk, isoVdi), ['VBD_NOT_REMOVABLE_MEDIA', disk]);
    const suspendedCd = ((await rec('VM', suspended))['VBDs'] as string[])[1] ?? '';
    t.same(await rpc.fail('VBD.insert', s, suspendedCd, isoVdi), ['VM_BAD_POWER_STATE', suspended, 'halted, running', 'suspended']);
  });

  t.test('VDI.destroy takes its detached VBDs along; VDI.resize grows only', async (t) => {
    const vdi = await rpc.ok<string>('VDI.create', s, vdiCreateRecord(local));
    const vbd = await rpc.ok<string>('VBD.create', s, vbdCreateRecord(halted, vdi));
    await rpc.ok('VDI.resize', s, vdi, String(10 * GiB));
    t.equal(await rpc.ok('VDI.get_virtual_size', s, vdi), String(10 * GiB));
    t.same(await rpc.fail('VDI.resize', s, vdi, String(GiB)), ['SR_BACKEND_FAILURE_79', '', 'VDI Invalid size', 'shrinking is not supported']);
    const used = Number(await rpc.ok('SR.get_physical_utilisation', s, local));
    await rpc.ok('VDI.destroy', s, vdi);
    t.same(await rpc.fail('VBD.get_record', s, vbd), ['HANDLE_INVALID', 'VBD', vbd]);
    t.notOk((await rpc.ok<string[]>('VM.get_VBDs', s, halted)).includes(vbd));
    t.notOk((await rpc.ok<string[]>('SR.get_VDIs', s, local)).includes(vdi));
    t.equal(Number(await rpc.ok('SR.get_physical_utilisation', s, local)), used - 10 * GiB);
    const toolsIso = (await rpc.ok<string[]>('SR.get_VDIs', s, tools))[0];
    t.same(await rpc.fail('VDI.destroy', s, toolsIso), ['SR_OPERATION_NOT_SUPPORTED', tools]);
  });

  t.test('VIF.create derives the MAC from the mac_seed; devices are unique', async (t) => {
    const vif = await rpc.ok<string>('VIF.create', s, vifCreateRecord(halted, eth1, { device: '1' }));
    const r = await rec('VIF', vif);
    t.match(r['MAC'], /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    t.same([r['MAC_autogenerated'], r['currently_attached'], r['MTU'], r['locking_mode']], [true, false, '1500', 'network_default']);
    t.ok((await rpc.ok<string[]>('network.get_VIFs', s, eth1)).includes(vif));
    t.ok((await rpc.ok<string[]>('VM.get_VIFs', s, halted)).includes(vif));
    const vifs = await count('VIF');
    t.same(await rpc.fail('VIF.create', s, vifCreateRecord(halted, eth1, { device: '1' })), ['DEVICE_ALREADY_EXISTS', '1']);
    t.same(await rpc.fail('VIF.create', s, vifCreateRecord(halted, eth1, { device: 'eth2' })), ['INVALID_DEVICE', 'eth2']);
    t.same(await rpc.fail('VIF.create', s, vifCreateRecord(halted, eth1, { device: '2', MAC: 'zz:00:00:00:00:00' })), ['MAC_INVALID', 'zz:00:00:00:00:00']);
    t.same(await rpc.fail('VIF.create', s, vifCreateRecord(halted, 'OpaqueRef:gone', { device: '2' })), ['HANDLE_INVALID', 'network', 'OpaqueRef:gone']);
    t.same(await rpc.fail('VIF.create', s, vifCreateRecord(halted, eth1, { device: '2', MTU: 'big' })), ['FIELD_TYPE_ERROR', 'MTU']);
    t.same(await rpc.fail('VIF.create', m, vifCreateRecord(halted, eth1, { device: '2' })), ['RBAC_PERMISSION_DENIED', 'vif.create', 'No permission in user session']);
    t.equal(await count('VIF'), vifs);
    const fixed = await rpc.ok<string>('VIF.create', s, vifCreateRecord(halted, eth1, { device: '2', MAC: '02:00:00:00:00:02' }));
    t.same([(await rec('VIF', fixed))['MAC'], (await rec('VIF', fixed))['MAC_autogenerated']], ['02:00:00:00:00:02', false]);
  });

  t.test('VIF plug, unplug and destroy', async (t) => {
    const vif = await rpc.ok<string>('VIF.create', s, vifCreateRecord(running, eth1, { device: '3' }));
    await rpc.ok('VIF.plug', s, vif);
    t.equal((await rec('VIF', vif))['currently_attached'], true);
    t.same(await rpc.fail('VIF.plug', s, vif), ['DEVICE_ALREADY_ATTACHED', vif]);
    t.same(await rpc.fail('VIF.destroy', s, vif), ['OPERATION_NOT_ALLOWED', 'VIF currently attached to a running VM']);
    await rpc.ok('VIF.unplug', s, vif);
    t.same(await rpc.fail('VIF.unplug', s, vif), ['DEVICE_ALREADY_DETACHED', vif]);
    await rpc.ok('VIF.destroy', s, vif);
    t.notOk((await rpc.ok<string[]>('network.get_VIFs', s, eth1)).includes(vif));
    t.notOk((await rpc.ok<string[]>('VM.get_VIFs', s, running)).includes(vif));
    const haltedVif = ((await rec('VM', halted))['VIFs'] as string[])[0];
    t.same(await rpc.fail('VIF.plug', s, haltedVif), ['VM_BAD_POWER_STATE', halted, 'running', 'halted']);
    await rpc.ok('VIF.destroy', s, haltedVif);
  });
});
