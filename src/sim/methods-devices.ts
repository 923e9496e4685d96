// The storage and network device messages: VDI.create/destroy/resize,
// VBD.create/destroy/plug/unplug/insert/eject and VIF.create/destroy/plug/unplug.
import type { Call, MethodDef, Runner } from './dispatch.js';
import {
  addVbd,
  addVif,
  checkVbdCreate,
  checkVifCreate,
  destroyVbd,
  destroyVif,
  ejectVbd,
  insertVbd,
  plugVbd,
  plugVif,
  VBD_MODES,
  VBD_TYPES,
  type VbdSpec,
  type VifSpec,
} from './devices.js';
import { CtorRecord, intParam, refParam } from './params.js';
import { addVdi, checkVdiCreate, checkVdiDestroy, removeVdi, resizeVdi, VDI_TYPES, type VdiSpec } from './storage.js';
import type { Store, Transaction } from './store.js';
import { encodeValue } from './xmlrpc-wire.js';

const VOID = encodeValue('');
const LOCKING_MODES = ['network_default', 'locked', 'unlocked', 'disabled'] as const;

const op = (arity: number, prepare: (call: Call) => Runner): MethodDef => ({ kind: 'session', arity: [arity], write: true, prepare });

/** A runner that checks (plan) and then applies the change in one transaction. */
const commit = (call: Call, plan: (store: Store) => (tx: Transaction) => void): Runner => () => {
  const apply = plan(call.ctx.store);
  call.ctx.store.transact(apply);
  return VOID;
};

/** A one-parameter message on `self`. */
const onSelf = (plan: (store: Store, ref: string) => (tx: Transaction) => void): MethodDef =>
  op(2, (call) => {
    const ref = refParam(call.params, 1, 'self');
    return commit(call, (store) => plan(store, ref));
  });

function decodeVdi(v: unknown): VdiSpec {
  const r = new CtorRecord(v, 'args');
  return {
    name_label: r.str('name_label'),
    name_description: r.str('name_description'),
    SR: r.str('SR'),
    virtual_size: r.int('virtual_size'),
    type: r.enumOf('type', VDI_TYPES),
    sharable: r.bool('sharable'),
    read_only: r.bool('read_only'),
    other_config: r.map('other_config'),
    xenstore_data: r.map('xenstore_data', {}),
    sm_config: r.map('sm_config', {}),
    tags: r.list('tags', []),
  };
}

function decodeVbd(v: unknown): VbdSpec {
  const r = new CtorRecord(v, 'args');
  const spec = {
    VM: r.str('VM'),
    VDI: r.str('VDI'),
    device: r.str('device', ''),
    userdevice: r.str('userdevice'),
    bootable: r.bool('bootable'),
    mode: r.enumOf('mode', VBD_MODES),
    type: r.enumOf('type', VBD_TYPES),
    unpluggable: r.bool('unpluggable', true),
    empty: r.bool('empty'),
    other_config: r.map('other_config'),
  };
  // Read for its type only: a new VBD always starts detached (xapi_vbd.create).
  r.bool('currently_attached', false);
  return { ...spec, device: '', qos_algorithm_type: r.str('qos_algorithm_type'), qos_algorithm_params: r.map('qos_algorithm_params') };
}

function decodeVif(v: unknown): VifSpec {
  const r = new CtorRecord(v, 'args');
  const spec = {
    device: r.str('device'),
    network: r.str('network'),
    VM: r.str('VM'),
    MAC: r.str('MAC'),
    MTU: r.int('MTU'),
    other_config: r.map('other_config'),
  };
  // Read for its type only: the simulator creates VIFs detached, to be plugged with VIF.plug.
  r.bool('currently_attached', false);
  return {
    ...spec,
    qos_algorithm_type: r.str('qos_algorithm_type'),
    qos_algorithm_params: r.map('qos_algorithm_params'),
    locking_mode: r.enumOf('locking_mode', LOCKING_MODES, 'network_default'),
    ipv4_allowed: r.list('ipv4_allowed', []),
    ipv6_allowed: r.list('ipv6_allowed', []),
  };
}

export function deviceMethods(): Map<string, MethodDef> {
  const m = new Map<string, MethodDef>();
  m.set('VDI.create', op(2, (call) => {
    const spec = decodeVdi(call.params[1]);
    return () => {
      const { store } = call.ctx;
      checkVdiCreate(store, [spec]);
      return encodeValue(store.transact((tx) => addVdi(store, tx, spec)));
    };
  }));
  m.set('VDI.destroy', onSelf((store, ref) => {
    checkVdiDestroy(store, ref);
    return (tx) => removeVdi(store, tx, ref);
  }));
  m.set('VDI.resize', op(3, (call) => {
    const ref = refParam(call.params, 1, 'vdi');
    const size = intParam(call.params, 2, 'size');
    return commit(call, (store) => resizeVdi(store, ref, size));
  }));

  m.set('VBD.create', op(2, (call) => {
    const spec = decodeVbd(call.params[1]);
    return () => {
      const { store } = call.ctx;
      const userdevice = checkVbdCreate(store, spec);
      return encodeValue(store.transact((tx) => addVbd(store, tx, spec, userdevice)));
    };
  }));
  m.set('VBD.destroy', onSelf(destroyVbd));
  m.set('VBD.plug', onSelf((store, ref) => plugVbd(store, ref, true)));
  m.set('VBD.unplug', onSelf((store, ref) => plugVbd(store, ref, false)));
  m.set('VBD.unplug_force', onSelf((store, ref) => plugVbd(store, ref, false)));
  m.set('VBD.insert', op(3, (call) => {
    const ref = refParam(call.params, 1, 'vbd');
    const vdi = refParam(call.params, 2, 'vdi');
    return commit(call, (store) => insertVbd(store, ref, vdi));
  }));
  m.set('VBD.eject', op(2, (call) => {
    const ref = refParam(call.params, 1, 'vbd');
    return commit(call, (store) => ejectVbd(store, ref));
  }));

  m.set('VIF.create', op(2, (call) => {
    const spec = decodeVif(call.params[1]);
    return () => {
      const { store } = call.ctx;
      const { mac, generated } = checkVifCreate(store, spec);
      return encodeValue(store.transact((tx) => addVif(store, tx, spec, mac, generated)));
    };
  }));
  m.set('VIF.destroy', onSelf(destroyVif));
  m.set('VIF.plug', onSelf((store, ref) => plugVif(store, ref, true)));
  m.set('VIF.unplug', onSelf((store, ref) => plugVif(store, ref, false)));
  m.set('VIF.unplug_force', onSelf((store, ref) => plugVif(store, ref, false)));
  return m;
}
