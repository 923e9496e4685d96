import t from 'tap';
import { classSpec, SpecProvider } from '../../../src/providers/class-spec.js';
import { XenModel } from '../../../src/xenapi/model.js';
import { str, type XenRecord } from '../../../src/xenapi/values.js';

// A one-class provider over a bare model, counting how often it looks at its records.
function setup(): { model: XenModel; provider: SpecProvider; looks: () => number; builds: () => number } {
  const model = new XenModel();
  let looks = 0;
  let builds = 0;
  const spec = classSpec<XenRecord>({
    className: 'CIM_ComputerSystem',
    namespace: 'root/cimv2',
    dependsOn: ['VM'],
    ids: function* () {
      for (const r of model.all('VM').values()) yield str(r, 'uuid');
    },
    source: (uuid) => {
      looks += 1;
      return model.byUuid('VM', uuid);
    },
    keys: (uuid) => [{ name: 'Name', value: uuid }],
    idFromKeys: (k) => k.get('name'),
    properties: (_uuid, vm) => {
      builds += 1;
      return { ElementName: str(vm, 'name_label') };
    },
  });
  const provider = new SpecProvider('test', model, [spec]);
  model.apply([{ cls: 'VM', ref: 'OpaqueRef:1', record: { uuid: 'u1', name_label: 'one' } }]);
  return { model, provider, looks: () => looks, builds: () => builds };
}

t.test('while the model stands still, an instance is found by its id alone', async (t) => {
  const { provider, looks, builds } = setup();
  const a = provider.instanceById(undefined, 'CIM_ComputerSystem', 'u1');
  const b = provider.instanceById(undefined, 'cim_computersystem', 'u1');
  t.equal(a?.get('ElementName'), 'one');
  t.equal(a, b, 'the same instance');
  t.equal(looks(), 1, 'the records were looked at once');
  t.equal(builds(), 1);
  t.equal(provider.instanceById(undefined, 'CIM_ComputerSystem', 'nope'), undefined);
  t.equal(provider.instanceById(undefined, 'Xen_Other', 'u1'), undefined);
});

t.test('any change to the model makes it look again; only a changed record is rebuilt', async (t) => {
  const { model, provider, looks, builds } = setup();
  const a = provider.instanceById(undefined, 'CIM_ComputerSystem', 'u1');
  // Another class changed: the records are looked at again, the instance is still the same.
  model.apply([{ cls: 'host', ref: 'OpaqueRef:h', record: { uuid: 'h1' } }]);
  t.equal(provider.instanceById(undefined, 'CIM_ComputerSystem', 'u1'), a);
  t.equal(looks(), 2);
  t.equal(builds(), 1);
  // The VM itself changed: a new instance shows it.
  model.apply([{ cls: 'VM', ref: 'OpaqueRef:1', record: { uuid: 'u1', name_label: 'renamed' } }]);
  const c = provider.instanceById(undefined, 'CIM_ComputerSystem', 'u1');
  t.equal(c?.get('ElementName'), 'renamed');
  t.equal(builds(), 2);
  // Gone: gone at once, not served from what was known.
  model.apply([{ cls: 'VM', ref: 'OpaqueRef:1', record: undefined }]);
  t.equal(provider.instanceById(undefined, 'CIM_ComputerSystem', 'u1'), undefined);
});

t.test('ids by a string property: ignoring case, in id order, as the model is now', async (t) => {
  const { model, provider } = setup();
  model.apply([
    { cls: 'VM', ref: 'OpaqueRef:2', record: { uuid: 'u2', name_label: 'Web' } },
    { cls: 'VM', ref: 'OpaqueRef:3', record: { uuid: 'u3', name_label: 'web' } },
  ]);
  t.same(provider.idsWhere(undefined, 'CIM_ComputerSystem', 'ElementName', 'WEB'), ['u2', 'u3']);
  t.same(provider.idsWhere(undefined, 'CIM_ComputerSystem', 'elementname', 'one'), ['u1']);
  t.same(provider.idsWhere(undefined, 'CIM_ComputerSystem', 'ElementName', 'none'), []);
  t.same(provider.idsWhere(undefined, 'CIM_ComputerSystem', 'Caption', 'x'), [], 'a property no instance has');
  t.equal(provider.idsWhere(undefined, 'Xen_Other', 'ElementName', 'one'), undefined, 'a class it does not serve');
  model.apply([{ cls: 'VM', ref: 'OpaqueRef:3', record: { uuid: 'u3', name_label: 'db' } }]);
  t.same(provider.idsWhere(undefined, 'CIM_ComputerSystem', 'ElementName', 'web'), ['u2'], 'after a rename');
  t.same(provider.idsWhere(undefined, 'CIM_ComputerSystem', 'ElementName', 'DB'), ['u3']);
});

t.test('a volatile class is asked for its extra dependencies on every read, within one generation', async (t) => {
  const model = new XenModel();
  let tick = 0;
  let builds = 0;
  const spec = classSpec<XenRecord>({
    className: 'Xen_ConcreteJob',
    namespace: 'root/cimv2',
    dependsOn: ['task'],
    volatile: true,
    ids: () => ['t1'],
    source: () => model.byUuid('task', 't1'),
    extraDeps: () => [tick],
    keys: (id) => [{ name: 'InstanceID', value: id }],
    idFromKeys: (k) => k.get('instanceid'),
    properties: () => {
      builds += 1;
      return { ElapsedTime: null, Description: `tick ${tick}` };
    },
  });
  const provider = new SpecProvider('test', model, [spec]);
  model.apply([{ cls: 'task', ref: 'OpaqueRef:t', record: { uuid: 't1' } }]);
  const a = provider.instanceById(undefined, 'Xen_ConcreteJob', 't1');
  t.equal(provider.instanceById(undefined, 'Xen_ConcreteJob', 't1'), a, 'the same dependencies: the same instance');
  tick = 1;
  const b = provider.instanceById(undefined, 'Xen_ConcreteJob', 't1');
  t.equal(b?.get('Description'), 'tick 1', 'a changed dependency rebuilds it though the model stood still');
  t.equal(builds, 2);
});
