import t from 'tap';
import { loadSchemaDir } from '../../../src/cim/schema-registry.js';
const reg = loadSchemaDir('schema');
const x = reg.getClass('xen_computersystem');
t.same(x?.keys, ['CreationClassName', 'Name']);
console.log(reg.classNames(), x?.properties.map(p => `${p.name}:${p.classOrigin}:${p.declaredIn}:${p.qualifiers.map(q=>q.name).join('/')}`));
console.log(reg.subclassesOf('CIM_ManagedElement', {includeSelf: true}), reg.lifecycle('Xen_ComputerSystem', 'Name'), reg.valueMap('xen_computersystem','operationalstatus')?.get(0x8001));
