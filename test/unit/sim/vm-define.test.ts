import t from 'tap';
import { startSimulator } from '../../../src/sim/simulator.js';
import { login, rpcClient, vmCreateRecord, type Rec } from '../../helpers/sim-client.js';

type Records = Record<string, Rec>;
interface Batch {
  events: { class: string; operation: string; ref: string; snapshot?: Rec }[];
  token: string;
}

t.test('VM.create, VM.destroy, VM.clone, VM.copy and VM.provision', async (t) => {
  const sim = await startSimulator({ taskDurationMs: 0 });
  t.teardown(() => sim.close());
  const rpc = rpcClient(sim.url);
  const s = await login(rpc);
  const m = await login(rpc, 'monitor', 'monitor');
  const vmByName = async (name: string): Promise<string> => (await rpc.ok<string[]>('VM.get_by_name_label', s, name))[0] ?? '';
  const rec = (cls: string, ref: unknown): Promise<Rec> => rpc.ok<Rec>(`${cls}.get_record`, s, ref);
  const count = async (cls: string): Promise<number> => (await rpc.ok<string[]>(`${cls}.get_all`, s)).length;
  const srByName = async (name: string): Promise<string> => (await rpc.ok<string[]>('SR.get_by_name_label', s, name))[0] ?? '';
  const token = async (): Promise<string> => (await rpc.ok<Batch>('event.from', s, ['*'], '', 0)).token;

  t.test('VM.create makes a Halted VM with metrics, a mac_seed and defaults, in one event batch', async (t) => {
    const from = await token();
    const ref = await rpc.ok<string>('VM.create', s, vmCreateRecord({ name_label: 'created-1' }));
    t.match(ref, /^OpaqueRef:[0-9a-f-]{36}$/);
    const r = await rec('VM', ref);
    t.equal(r['name_label'], 'created-1');
    t.equal(r['power_state'], 'Halted');
    t.equal(r['domid'], '-1');
    t.equal(r['domain_type'], 'hvm', 'derived from HVM_boot_policy');
    t.equal(r['memory_target'], '0', 'default');
    t.equal(r['HVM_shadow_multiplier'], 1);
    t.equal(r['generation_id'], '0:0');
    t.equal(r['actions_after_softreboot'], 'soft_reboot');
    t.match((r['other_config'] as Rec)['mac_seed'], /^[0-9a-f-]{36}$/);
    t.ok(Number(r['memory_overhead']) > 0, 'overhead computed');
    t.ok((r['allowed_operations'] as string[]).includes('start'));
    t.ok((r['allowed_operations'] as string[]).includes('destroy'));
    const metrics = await rec('VM_metrics', r['metrics']);
    t.equal(metrics['memory_actual'], '0');
    const b = await rpc.ok<Batch>('event.from', s, ['vm', 'vm_metrics'], from, 1);
    t.same(b.events.map((e) => `${e.class}/${e.operation}`).sort(), ['vm/add', 'vm_metrics/add']);
    const pv = await rec('VM', await rpc.ok<string>('VM.create', s, vmCreateRecord({ HVM_boot_policy: '', domain_type: 'unspecified' })));
    t.equal(pv['domain_type'], 'pv');
    const vendor = await rec('VM', await rpc.ok<string>('VM.create', s, vmCreateRecord({ has_vendor_device: true, tags: ['a'] })));
    t.same([vendor['hardware_platform_version'], vendor['tags']], ['2', ['a']], 'the vendor device needs platform version 2');
  });

  t.test('VM.create refuses incomplete and mistyped records, changing nothing', async (t) => {
    const before = await count('VM');
    const incomplete = vmCreateRecord();
    delete incomplete['memory_static_max'];
    delete incomplete['recommendations'];
    t.same(await rpc.fail('VM.create', s, incomplete), ['INTERNAL_ERROR', 'Server_helpers.Dispatcher_FieldNotFound("memory_static_max")'], 'the first missing field in datamodel order');
    t.same(await rpc.fail('VM.create', s, vmCreateRecord({ VCPUs_max: 'two' })), ['FIELD_TYPE_ERROR', 'VCPUs_max']);
    t.same(await rpc.fail('VM.create', s, vmCreateRecord({ is_a_template: 'no' })), ['FIELD_TYPE_ERROR', 'is_a_template']);
    t.same(await rpc.fail('VM.create', s, vmCreateRecord({ actions_after_crash: 'explode' })), ['FIELD_TYPE_ERROR', 'actions_after_crash']);
    t.same(await rpc.fail('VM.create', s, vmCreateRecord({ platform: { acpi: 1 } })), ['FIELD_TYPE_ERROR', 'platform']);
    t.same(await rpc.fail('VM.create', s, vmCreateRecord({ HVM_shadow_multiplier: 'x' })), ['FIELD_TYPE_ERROR', 'HVM_shadow_multiplier']);
    t.same(await rpc.fail('VM.create', s, vmCreateRecord({ tags: 'web' })), ['FIELD_TYPE_ERROR', 'tags']);
    t.same(await rpc.fail('VM.create', s, 'not a struct'), ['FIELD_TYPE_ERROR', 'args']);
    t.same(await rpc.fail('VM.create', s), ['MESSAGE_PARAMETER_COUNT_MISMATCH', 'VM.create', '2', '1']);
    t.same(await rpc.fail('VM.create', m, vmCreateRecord()), ['RBAC_PERMISSION_DENIED', 'vm.create', 'No permission in user session']);
    t.equal(await count('VM'), before, 'no VM was added');
    const extra = await rpc.ok<string>('VM.create', s, vmCreateRecord({ no_such_field: 'x' }));
    t.ok(extra, 'unknown fields are ignored');
  });

  t.test('VM.start validates what VM.create accepted', async (t) => {
    const bad = async (over: Rec): Promise<string> => rpc.ok<string>('VM.create', s, vmCreateRecord(over));
    const tooMany = await bad({ VCPUs_max: '32', VCPUs_at_startup: '32' });
    t.same(await rpc.fail('VM.start', s, tooMany, false, false), ['HOST_NOT_ENOUGH_PCPUS', '32', '16']);
    const inverted = await bad({ VCPUs_max: '1', VCPUs_at_startup: '2' });
    t.same(await rpc.fail('VM.start', s, inverted, false, false), ['VALUE_NOT_SUPPORTED', 'VCPUs-at-startup', '2', 'value greater than VCPUs-max']);
    const memory = await bad({ memory_dynamic_min: String(4 * 1024 ** 3) });
    t.same(await rpc.fail('VM.start', s, memory, false, false), ['MEMORY_CONSTRAINT_VIOLATION']);
    t.equal((await rec('VM', memory))['power_state'], 'Halted');
    const good = await bad({});
    await rpc.ok('VM.start', s, good, false, false);
    const r = await rec('VM', good);
    t.equal(r['power_state'], 'Running');
    t.equal(r['memory_target'], r['memory_dynamic_min'], 'boots at dynamic_min');
    await rpc.ok('VM.hard_shutdown', s, good);
  });

  t.test('VM.destroy removes VBDs, VIFs and metrics but keeps the VDIs', async (t) => {
    const running = await vmByName('web-01');
    t.same(await rpc.fail('VM.destroy', s, running), ['VM_BAD_POWER_STATE', running, 'halted, suspended', 'running']);
    const template = Object.entries(await rpc.ok<Records>('VM.get_all_records', s)).find(([, r]) => r['is_default_template'] === true)?.[0] ?? '';
    t.same(await rpc.fail('VM.destroy', s, template), ['VM_IS_TEMPLATE', template, 'destroy']);
    t.same(await rpc.fail('VM.destroy', s, 'OpaqueRef:gone'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
    const vm = await vmByName('build-agent');
    t.same(await rpc.fail('VM.destroy', m, vm), ['RBAC_PERMISSION_DENIED', 'vm.destroy', 'No permission in user session']);
    const r = await rec('VM', vm);
    const vbds = r['VBDs'] as string[];
    const vifs = r['VIFs'] as string[];
    const disk = (await rec('VBD', vbds[0]))['VDI'] as string;
    const net = (await rec('VIF', vifs[0]))['network'] as string;
    const from = await token();
    t.equal(await rpc.ok('VM.destroy', s, vm), '');
    t.same(await rpc.fail('VM.get_record', s, vm), ['HANDLE_INVALID', 'VM', vm]);
    for (const v of vbds) t.same(await rpc.fail('VBD.get_record', s, v), ['HANDLE_INVALID', 'VBD', v]);
    for (const v of vifs) t.same(await rpc.fail('VIF.get_record', s, v), ['HANDLE_INVALID', 'VIF', v]);
    t.same(await rpc.fail('VM_metrics.get_record', s, r['metrics']), ['HANDLE_INVALID', 'VM_metrics', r['metrics']]);
    const vdi = await rec('VDI', disk);
    t.same(vdi['VBDs'], [], 'the disk survives, unlinked');
    t.notOk((await rpc.ok<string[]>('network.get_VIFs', s, net)).some((v) => vifs.includes(v)));
    const b = await rpc.ok<Batch>('event.from', s, ['*'], from, 1);
    t.ok(b.events.some((e) => e.class === 'vm' && e.operation === 'del' && e.ref === vm));
    t.ok(b.events.some((e) => e.class === 'vdi' && e.operation === 'mod' && e.ref === disk));
  });

  t.test('VM.destroy of a suspended VM drops its suspend image', async (t) => {
    const vm = await vmByName('win2019-test');
    const image = (await rec('VM', vm))['suspend_VDI'];
    await rpc.ok('VM.destroy', s, vm);
    t.same(await rpc.fail('VDI.get_record', s, image), ['HANDLE_INVALID', 'VDI', image]);
  });

  t.test('VM.clone copies a halted VM: new disks, same CD, new MACs', async (t) => {
    const src = await vmByName('web-base template');
    const srcRec = await rec('VM', src);
    const vdisBefore = await count('VDI');
    const clone = await rpc.ok<string>('VM.clone', s, src, 'web-clone');
    const c = await rec('VM', clone);
    t.equal(c['name_label'], 'web-clone');
    t.equal(c['is_a_template'], true, 'a clone of a template is a template');
    t.equal(c['is_default_template'], false);
    t.equal((c['other_config'] as Rec)['base_template_name'], 'Debian Bookworm 12', 'an existing base_template_name is kept');
    t.not((c['other_config'] as Rec)['mac_seed'], (srcRec['other_config'] as Rec)['mac_seed']);
    t.not(c['metrics'], srcRec['metrics']);
    t.equal((c['VBDs'] as string[]).length, (srcRec['VBDs'] as string[]).length);
    t.equal(await count('VDI'), vdisBefore + 1, 'one disk cloned (the CD is not)');
    const srcDisk = await rec('VBD', (srcRec['VBDs'] as string[])[0]);
    const newDisk = await rec('VBD', (c['VBDs'] as string[])[0]);
    t.not(newDisk['VDI'], srcDisk['VDI']);
    t.equal(newDisk['userdevice'], srcDisk['userdevice']);
    const newVdi = await rec('VDI', newDisk['VDI']);
    t.equal(newVdi['SR'], (await rec('VDI', srcDisk['VDI']))['SR']);
    t.same(newVdi['VBDs'], [(c['VBDs'] as string[])[0]]);
    t.ok((await rpc.ok<string[]>('SR.get_VDIs', s, newVdi['SR'])).includes(newDisk['VDI'] as string));
    const srcVif = await rec('VIF', (srcRec['VIFs'] as string[])[0]);
    const newVif = await rec('VIF', (c['VIFs'] as string[])[0]);
    t.equal(newVif['network'], srcVif['network']);
    t.not(newVif['MAC'], srcVif['MAC']);
    t.ok((await rpc.ok<string[]>('network.get_VIFs', s, newVif['network'])).includes((c['VIFs'] as string[])[0] as string));
    t.same(await rpc.fail('VM.clone', s, await vmByName('web-01'), 'x'), ['VM_BAD_POWER_STATE', await vmByName('web-01'), 'halted', 'running']);
    t.same(await rpc.fail('VM.clone', s, 'OpaqueRef:gone', 'x'), ['HANDLE_INVALID', 'VM', 'OpaqueRef:gone']);
    const created = await rpc.ok<string>('VM.create', s, vmCreateRecord());
    const twin = await rec('VM', await rpc.ok<string>('VM.clone', s, created, 'twin'));
    t.match(twin['generation_id'], /^\d+:\d+$/);
    t.not(twin['generation_id'], '0:0', 'a clone gets a fresh generation id');
    t.equal(twin['is_a_template'], false);
  });

  t.test('VM.copy puts full disks on the chosen SR, refuses ISO SRs', async (t) => {
    const src = await vmByName('web-base template');
    const nfs = await srByName('NFS VM storage');
    const iso = await srByName('ISO library');
    const vms = await count('VM');
    t.same(await rpc.fail('VM.copy', s, src, 'x', iso), ['OPERATION_NOT_ALLOWED', "Cannot copy a VM's disks to an ISO SR"]);
    t.equal(await count('VM'), vms);
    const used = Number(await rpc.ok('SR.get_physical_utilisation', s, nfs));
    const copy = await rpc.ok<string>('VM.copy', s, src, 'web-copy', nfs);
    const disk = await rec('VBD', ((await rec('VM', copy))['VBDs'] as string[])[0]);
    const vdi = await rec('VDI', disk['VDI']);
    t.equal(vdi['SR'], nfs);
    t.ok(Number(await rpc.ok('SR.get_physical_utilisation', s, nfs)) > used, 'the copy takes space');
    const anywhere = await rpc.ok<string>('VM.copy', s, src, 'web-copy-2', 'OpaqueRef:NULL');
    const d2 = await rec('VBD', ((await rec('VM', anywhere))['VBDs'] as string[])[0]);
    t.not((await rec('VDI', d2['VDI']))['SR'], nfs, 'an invalid SR keeps each disk on its own SR');
  });

  t.test('VM.provision turns a template clone into a VM with the provisioned disks', async (t) => {
    const template = await vmByName('Debian Bookworm 12');
    const vm = await rpc.ok<string>('VM.clone', s, template, 'debian-new');
    const r = await rec('VM', vm);
    t.equal(r['is_a_template'], true);
    t.same(r['VBDs'], [], 'default templates have no disks of their own');
    t.equal((r['other_config'] as Rec)['base_template_name'], 'Debian Bookworm 12');
    t.notOk('default_template' in (r['other_config'] as Rec), 'a clone is no default template');
    t.equal(r['is_default_template'], false);
    const db = await vmByName('db-01');
    t.same(await rpc.fail('VM.provision', s, db), ['VM_BAD_POWER_STATE', db, 'halted', 'running']);
    const disks = (r['other_config'] as Rec)['disks'] as string;
    t.same(await rpc.fail('VM.provision', s, vm), ['UUID_INVALID', 'sr', ''], 'sr="" must be filled in by the client, as xe vm-install does');
    t.equal((await rec('VM', vm))['is_a_template'], true, 'nothing changed');
    const local = await rpc.ok<string>('SR.get_uuid', s, await srByName('Local storage'));
    await rpc.ok('VM.remove_from_other_config', s, vm, 'disks');
    await rpc.ok('VM.add_to_other_config', s, vm, 'disks', disks.replace('sr=""', `sr="${local}"`));
    await rpc.ok('VM.provision', s, vm);
    const p = await rec('VM', vm);
    t.equal(p['is_a_template'], false);
    t.notOk('disks' in (p['other_config'] as Rec), 'the provisioning request is consumed');
    t.ok((p['allowed_operations'] as string[]).includes('start'));
    const vbd = await rec('VBD', (p['VBDs'] as string[])[0]);
    t.same([vbd['userdevice'], vbd['bootable'], vbd['mode'], vbd['type'], vbd['unpluggable']], ['0', true, 'RW', 'Disk', false]);
    const vdi = await rec('VDI', vbd['VDI']);
    t.same([vdi['name_label'], vdi['name_description'], vdi['virtual_size'], vdi['type']], ['0', 'Created by template provisioner', '34359738368', 'system']);
    t.same(await rpc.fail('VM.provision', s, vm), ['ONLY_PROVISION_TEMPLATE']);
    const broken = await rpc.ok<string>('VM.clone', s, template, 'broken');
    await rpc.ok('VM.remove_from_other_config', s, broken, 'disks');
    await rpc.ok('VM.add_to_other_config', s, broken, 'disks', '<provision><disk device="0"/></provision>');
    t.same(await rpc.fail('VM.provision', s, broken), ['INTERNAL_ERROR', 'Xapi_templates.Parse_failure']);
    await rpc.ok('VM.remove_from_other_config', s, broken, 'disks');
    await rpc.ok('VM.add_to_other_config', s, broken, 'disks', '<provision/>');
    await rpc.ok('VM.provision', s, broken);
    const diskless = await rec('VM', broken);
    t.same([diskless['is_a_template'], diskless['VBDs']], [false, []], 'nothing to create, still a VM now');
  });
});
