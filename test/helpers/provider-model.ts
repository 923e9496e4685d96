// The providers over a model loaded from the simulator through real XML-RPC, with the CIM
// object manager in front: what provider tests enumerate, get and walk. `reload()` re-reads
// every class (after the test changed something through XenAPI); `patch()` changes records in
// the model only, for values the simulator has no call for (VCPUs_params, odd byte counts).
import { Cimom } from '../../src/cim/cimom.js';
import type { CimInstance } from '../../src/cim/instance.js';
import { ObjectPath } from '../../src/cim/object-path.js';
import type { OperationContext } from '../../src/cim/operation-context.js';
import { defaultSchemaDir, loadSchemaDir } from '../../src/cim/schema-registry.js';
import type { ObjectPathLike } from '../../src/cim/types.js';
import { testServices } from './provider-services.js';
import { createProviders } from '../../src/providers/catalog.js';
import { CIMV2, INTEROP } from '../../src/providers/instances.js';
import type { ProfileFactory } from '../../src/providers/profile.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';
import { XEN_CLASSES, XenModel, type XenClass } from '../../src/xenapi/model.js';
import type { XenSession } from '../../src/xenapi/session.js';
import type { XenRecord } from '../../src/xenapi/values.js';
import { allRecords, xenSession } from './xenapi.js';

export const CTX: OperationContext = {
  principal: { user: 'root', authType: 'basic', remoteAddress: '127.0.0.1' },
  locale: undefined,
  requestId: 'test',
  signal: new AbortController().signal,
};

const schema = loadSchemaDir(defaultSchemaDir());

export interface ProviderModel {
  readonly sim: Simulator;
  readonly session: XenSession;
  readonly model: XenModel;
  readonly cimom: Cimom;
  /** the records of the last (re)load, as the simulator sent them */
  records(cls: XenClass): Map<string, XenRecord>;
  reload(): Promise<void>;
  patch(cls: XenClass, ref: string, fields: Record<string, unknown>): void;
  enumerate(className: string, namespace?: string): CimInstance[];
  get(className: string, keys: Readonly<Record<string, string>>, namespace?: string): CimInstance;
  associators(source: ObjectPathLike, opts?: { assocClass?: string; resultClass?: string; role?: string; resultRole?: string }): CimInstance[];
  references(source: ObjectPathLike, opts?: { resultClass?: string; role?: string }): CimInstance[];
  close(): Promise<void>;
}

export async function providerModel(opts: { sim?: SimulatorOptions; factories?: readonly ProfileFactory[] } = {}): Promise<ProviderModel> {
  const sim = await startSimulator(opts.sim ?? {});
  const x = await xenSession(sim.url);
  const model = new XenModel();
  let loaded = new Map<XenClass, Map<string, XenRecord>>();
  const reload = async (): Promise<void> => {
    const next = new Map<XenClass, Map<string, XenRecord>>();
    for (const cls of XEN_CLASSES) next.set(cls, await allRecords(x.session, cls));
    loaded = next;
    model.replace(next);
  };
  await reload();
  const services = testServices(model, sim.url);
  const cimom = new Cimom(schema, createProviders(model, services, opts.factories), [CIMV2, INTEROP]);
  const drain = (cursor: ReturnType<Cimom['openEnumeration']>): CimInstance[] => {
    const out: CimInstance[] = [];
    for (let i = cimom.next(CTX, cursor); i; i = cimom.next(CTX, cursor)) out.push(i);
    return out;
  };
  return {
    sim,
    session: x.session,
    model,
    cimom,
    records: (cls) => loaded.get(cls) ?? new Map(),
    reload,
    patch: (cls, ref, fields) => {
      const old = model.get(cls, ref);
      if (!old) throw new Error(`no ${cls} ${ref}`);
      model.apply([{ cls, ref, record: { ...old, ...fields } as XenRecord }]);
    },
    enumerate: (className, namespace = CIMV2) => drain(cimom.openEnumeration(CTX, { namespace, className, polymorphism: 'IncludeSubClassProperties' })),
    get: (className, keys, namespace = CIMV2) => cimom.getInstance(CTX, namespace, className, Object.entries(keys).map(([name, value]) => ({ name, value }))),
    associators: (source, o = {}) => drain(cimom.openAssociators(CTX, source, o)),
    references: (source, o = {}) => drain(cimom.openReferences(CTX, source, o)),
    close: async () => {
      services.close();
      await x.close();
      await sim.close();
    },
  };
}

/** An object path to hand to associators/references. */
export function pathOf(className: string, keys: Readonly<Record<string, string>>, namespace = CIMV2): ObjectPath {
  return new ObjectPath(namespace, className, Object.entries(keys).map(([name, value]) => ({ name, value })));
}

/** A property's value as a plain JS value (arrays copied). */
export function val(inst: CimInstance | undefined, name: string): unknown {
  const v = inst?.get(name);
  return Array.isArray(v) ? [...(v as unknown[])] : v;
}
