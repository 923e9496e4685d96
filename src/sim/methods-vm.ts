// The VM messages that define, copy, destroy and reconfigure VMs: create, clone, copy,
// provision, destroy, the memory and vCPU setters, the map fields (VCPUs_params,
// HVM_boot_params, platform, xenstore_data) and the plain RW fields.
import { XenFailure } from './errors.js';
import type { Call, MethodDef, Runner } from './dispatch.js';
import { allowedVbdDevices, allowedVifDevices } from './devices.js';
import { must, refreshVmOperations, vmForOperation } from './objects.js';
import { asBool, asEnum, asInt, asStrMap, asString, intParam, refParam } from './params.js';
import type { VmOperation } from './power.js';
import type { VmRecord } from './records-vm.js';
import type { Transaction } from './store.js';
import { cloneVm, provisionVm } from './vm-clone.js';
import { createVm, decodeVmRecord, destroyVm, ON_CRASH, ON_NORMAL_EXIT } from './vm-define.js';
import { setDynamicRange, setMemory, setMemoryLimits, setStaticRange, setVcpusAtStartup, setVcpusLive, setVcpusMax } from './vm-resources.js';
import type { StrMap, XenValue } from './values.js';
import { encodeValue } from './xmlrpc-wire.js';

const VOID = encodeValue('');

type WriteDef = Extract<MethodDef, { write: true }>;
const op = (arity: number, prepare: (call: Call) => Runner): WriteDef => ({ kind: 'session', arity: [arity], write: true, prepare });
/** An operation on the VM in params[1] that an Async call lists in its current_operations while it runs. */
const vmOp = (arity: number, operation: VmOperation, prepare: (call: Call) => Runner): WriteDef => ({
  ...op(arity, prepare),
  vmOperation: (params) => ({ vm: String(params[1]), op: operation }),
});
const read = (arity: number, handler: (call: Call) => string): MethodDef => ({ kind: 'session', arity: [arity], write: false, handler });

/** A runner that checks (plan) and then applies the change in one transaction. */
const commit = (call: Call, plan: () => (tx: Transaction) => void): Runner => () => {
  const apply = plan();
  call.ctx.store.transact(apply);
  return VOID;
};

/** A runner that checks, applies and answers the new object's ref. */
const create = (call: Call, plan: () => (tx: Transaction) => string): Runner => () => {
  const apply = plan();
  return encodeValue(call.ctx.store.transact(apply));
};

/** Sets one VM field; `check` may refuse the change first. */
function setVmField(call: Call, ref: string, patch: Partial<VmRecord>, check?: (vm: VmRecord) => void): Runner {
  return commit(call, () => {
    const vm = must(call.ctx.store, 'VM', ref);
    check?.(vm);
    return (tx) => tx.update('VM', ref, patch);
  });
}

type MapField = 'VCPUs_params' | 'HVM_boot_params' | 'platform' | 'xenstore_data';
const MAP_FIELDS: readonly MapField[] = ['VCPUs_params', 'HVM_boot_params', 'platform', 'xenstore_data'];
type StringField = 'PV_bootloader' | 'PV_kernel' | 'PV_ramdisk' | 'PV_args' | 'PV_bootloader_args' | 'PV_legacy_args' | 'recommendations';
const STRING_FIELDS: readonly StringField[] = ['PV_bootloader', 'PV_kernel', 'PV_ramdisk', 'PV_args', 'PV_bootloader_args', 'PV_legacy_args', 'recommendations'];

function mapMethods(m: Map<string, MethodDef>, field: MapField): void {
  const current = (call: Call, ref: string): StrMap => ({ ...(must(call.ctx.store, 'VM', ref)[field] as StrMap) });
  m.set(`VM.set_${field}`, op(3, (call) => {
    const ref = refParam(call.params, 1, 'self');
    const value = asStrMap(call.params[2], 'value');
    return setVmField(call, ref, { [field]: value });
  }));
  m.set(`VM.add_to_${field}`, op(4, (call) => {
    const ref = refParam(call.params, 1, 'self');
    const key = asString(call.params[2], 'key');
    const value = asString(call.params[3], 'value');
    return commit(call, () => {
      const map = current(call, ref);
      if (Object.hasOwn(map, key)) throw new XenFailure('MAP_DUPLICATE_KEY', ['VM', field, ref, key]);
      return (tx) => tx.update('VM', ref, { [field]: { ...map, [key]: value } });
    });
  }));
  m.set(`VM.remove_from_${field}`, op(3, (call) => {
    const ref = refParam(call.params, 1, 'self');
    const key = asString(call.params[2], 'key');
    return commit(call, () => {
      const map = current(call, ref);
      delete map[key];
      return (tx) => tx.update('VM', ref, { [field]: map });
    });
  }));
}

function memoryMethods(m: Map<string, MethodDef>): void {
  m.set('VM.set_memory_limits', op(6, (call) => {
    const { params, ctx } = call;
    const ref = refParam(params, 1, 'self');
    const c = {
      static_min: intParam(params, 2, 'static_min'),
      static_max: intParam(params, 3, 'static_max'),
      dynamic_min: intParam(params, 4, 'dynamic_min'),
      dynamic_max: intParam(params, 5, 'dynamic_max'),
    };
    return commit(call, () => setMemoryLimits(ctx.world, ref, c));
  }));
  m.set('VM.set_memory', op(3, (call) => {
    const ref = refParam(call.params, 1, 'self');
    const value = intParam(call.params, 2, 'value');
    return commit(call, () => setMemory(call.ctx.world, ref, value));
  }));
  const range = (name: string, apply: typeof setStaticRange): void => {
    m.set(name, op(4, (call) => {
      const ref = refParam(call.params, 1, 'self');
      const min = intParam(call.params, 2, 'min');
      const max = intParam(call.params, 3, 'max');
      return commit(call, () => apply(call.ctx.world, ref, min, max));
    }));
  };
  range('VM.set_memory_static_range', setStaticRange);
  range('VM.set_memory_dynamic_range', setDynamicRange);
  // The single-bound setters are range changes with the other bound kept (message_forwarding.ml).
  const bound = (name: string, apply: typeof setStaticRange, pick: (vm: VmRecord, v: number) => [number, number]): void => {
    m.set(name, op(3, (call) => {
      const ref = refParam(call.params, 1, 'self');
      const value = intParam(call.params, 2, 'value');
      return commit(call, () => apply(call.ctx.world, ref, ...pick(must(call.ctx.store, 'VM', ref), value)));
    }));
  };
  bound('VM.set_memory_static_min', setStaticRange, (vm, v) => [v, Number(vm.memory_static_max)]);
  bound('VM.set_memory_static_max', setStaticRange, (vm, v) => [Number(vm.memory_static_min), v]);
  bound('VM.set_memory_dynamic_min', setDynamicRange, (vm, v) => [v, Number(vm.memory_dynamic_max)]);
  bound('VM.set_memory_dynamic_max', setDynamicRange, (vm, v) => [Number(vm.memory_dynamic_min), v]);
}

function vcpuMethods(m: Map<string, MethodDef>): void {
  const vcpus = (name: string, param: string, apply: typeof setVcpusMax): void => {
    m.set(name, op(3, (call) => {
      const ref = refParam(call.params, 1, 'self');
      const value = intParam(call.params, 2, param);
      return commit(call, () => apply(call.ctx.world, ref, value));
    }));
  };
  vcpus('VM.set_VCPUs_max', 'value', setVcpusMax);
  vcpus('VM.set_VCPUs_at_startup', 'value', setVcpusAtStartup);
  vcpus('VM.set_VCPUs_number_live', 'nvcpu', setVcpusLive);
}

function fieldMethods(m: Map<string, MethodDef>): void {
  for (const field of STRING_FIELDS) {
    m.set(`VM.set_${field}`, op(3, (call) => setVmField(call, refParam(call.params, 1, 'self'), { [field]: asString(call.params[2], 'value') })));
  }
  // Setting the boot policy also sets domain_type ("" means PV), as current xapi does.
  m.set('VM.set_HVM_boot_policy', op(3, (call) => {
    const value = asString(call.params[2], 'value');
    return setVmField(call, refParam(call.params, 1, 'self'), { HVM_boot_policy: value, domain_type: value === '' ? 'pv' : 'hvm' });
  }));
  const action = (field: 'actions_after_shutdown' | 'actions_after_reboot' | 'actions_after_crash', values: readonly string[]): void => {
    m.set(`VM.set_${field}`, op(3, (call) => {
      const value = asEnum(call.params[2], 'value', values);
      return setVmField(call, refParam(call.params, 1, 'self'), { [field]: value });
    }));
  };
  action('actions_after_shutdown', ON_NORMAL_EXIT);
  action('actions_after_reboot', ON_NORMAL_EXIT);
  action('actions_after_crash', ON_CRASH);
  m.set('VM.set_user_version', op(3, (call) => setVmField(call, refParam(call.params, 1, 'self'), { user_version: String(asInt(call.params[2], 'value')) })));
  m.set('VM.set_affinity', op(3, (call) => setVmField(call, refParam(call.params, 1, 'self'), { affinity: asString(call.params[2], 'value') })));
  m.set('VM.set_is_a_template', op(3, (call) => {
    const ref = refParam(call.params, 1, 'self');
    const value = asBool(call.params[2], 'value');
    return commit(call, () => {
      const vm = value ? vmForOperation(call.ctx.store, ref, 'make_into_template') : must(call.ctx.store, 'VM', ref);
      return (tx) => {
        tx.update('VM', ref, { is_a_template: value });
        refreshVmOperations(tx, ref, vm);
      };
    });
  }));
}

export function vmMethods(): Map<string, MethodDef> {
  const m = new Map<string, MethodDef>();
  m.set('VM.create', op(2, (call) => {
    const fields = decodeVmRecord(call.params[1]);
    return () => encodeValue(call.ctx.store.transact((tx) => createVm(tx, fields)));
  }));
  m.set('VM.destroy', vmOp(2, 'destroy', (call) => {
    const ref = refParam(call.params, 1, 'self');
    return commit(call, () => destroyVm(call.ctx.world, ref));
  }));
  m.set('VM.clone', vmOp(3, 'clone', (call) => {
    const ref = refParam(call.params, 1, 'vm');
    const name = asString(call.params[2], 'new_name');
    return create(call, () => cloneVm(call.ctx.world, ref, name));
  }));
  m.set('VM.copy', vmOp(4, 'copy', (call) => {
    const ref = refParam(call.params, 1, 'vm');
    const name = asString(call.params[2], 'new_name');
    const sr = refParam(call.params, 3, 'sr');
    return create(call, () => cloneVm(call.ctx.world, ref, name, sr));
  }));
  m.set('VM.provision', vmOp(2, 'provision', (call) => {
    const ref = refParam(call.params, 1, 'vm');
    return commit(call, () => provisionVm(call.ctx.world, ref));
  }));
  memoryMethods(m);
  vcpuMethods(m);
  for (const field of MAP_FIELDS) mapMethods(m, field);
  fieldMethods(m);
  const devices = (name: string, list: typeof allowedVifDevices): void => {
    m.set(name, read(2, ({ ctx: { store }, params }) => {
      const ref = refParam(params, 1, 'vm');
      return encodeValue(list(store, must(store, 'VM', ref)) as XenValue);
    }));
  };
  devices('VM.get_allowed_VBD_devices', (store, vm) => allowedVbdDevices(store, vm));
  devices('VM.get_allowed_VIF_devices', allowedVifDevices);
  return m;
}
