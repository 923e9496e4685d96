// A CIM object manager over the embedded simulator's default fixture, without HTTP: the
// simulator's records are read once over XenAPI into a XenModel, then the simulator is closed.
// Tests compare the CIM view with those same records, and may change the model directly.
import { Cimom } from '../../../src/cim/cimom.js';
import type { CimInstance } from '../../../src/cim/instance.js';
import type { OperationContext } from '../../../src/cim/operation-context.js';
import { defaultSchemaDir, loadSchemaDir, type SchemaRegistry } from '../../../src/cim/schema-registry.js';
import type { ObjectPathLike } from '../../../src/cim/types.js';
import { testServices } from '../../helpers/provider-services.js';
import { createProviders } from '../../../src/providers/catalog.js';
import { CIMV2, INTEROP } from '../../../src/providers/instances.js';
import { startSimulator } from '../../../src/sim/simulator.js';
import { XEN_CLASSES, XenModel, type XenClass } from '../../../src/xenapi/model.js';
import { str, type XenRecord } from '../../../src/xenapi/values.js';
import { allRecords, xenSession } from '../../helpers/xenapi.js';

export interface SimModel {
  readonly model: XenModel;
  readonly schema: SchemaRegistry;
  readonly cimom: Cimom;
  readonly ctx: OperationContext;
  /** the simulator's records as loaded, by class and ref */
  readonly records: ReadonlyMap<XenClass, ReadonlyMap<string, XenRecord>>;
  /** records of a class, as loaded */
  all(cls: XenClass): XenRecord[];
  /** the loaded record behind a ref */
  get(cls: XenClass, ref: string): XenRecord | undefined;
  enumerate(className: string, namespace?: string): CimInstance[];
  associators(source: ObjectPathLike, opts?: { assocClass?: string; resultClass?: string; role?: string; resultRole?: string }): CimInstance[];
  references(source: ObjectPathLike, opts?: { resultClass?: string; role?: string }): CimInstance[];
  /** replaces one record in the model (a copy with `fields` changed, or a new record) */
  put(cls: XenClass, ref: string, record: XenRecord): void;
}

export const TEST_CONTEXT: OperationContext = {
  principal: { user: 'tap', authType: 'basic', remoteAddress: '127.0.0.1' },
  locale: undefined,
  requestId: 'tap',
  signal: new AbortController().signal,
};

export async function loadSimModel(vms = 5): Promise<SimModel> {
  const sim = await startSimulator({ vms });
  const records = new Map<XenClass, Map<string, XenRecord>>();
  try {
    const x = await xenSession(sim.url);
    try {
      for (const cls of XEN_CLASSES) records.set(cls, await allRecords(x.session, cls));
    } finally {
      await x.close();
    }
  } finally {
    await sim.close();
  }
  const model = new XenModel();
  model.replace(records);
  const schema = loadSchemaDir(defaultSchemaDir());
  const services = testServices(model, sim.url);
  const cimom = new Cimom(schema, createProviders(model, services), [CIMV2, INTEROP]);
  const ctx = TEST_CONTEXT;
  const drain = (cursor: ReturnType<Cimom['openEnumeration']>): CimInstance[] => {
    const out: CimInstance[] = [];
    for (let i = cimom.next(ctx, cursor); i !== undefined; i = cimom.next(ctx, cursor)) out.push(i);
    return out;
  };
  return {
    model,
    schema,
    cimom,
    ctx,
    records,
    all: (cls) => [...(records.get(cls)?.values() ?? [])],
    get: (cls, ref) => records.get(cls)?.get(ref),
    enumerate: (className, namespace = CIMV2) => drain(cimom.openEnumeration(ctx, { namespace, className, polymorphism: 'IncludeSubClassProperties' })),
    // The ResultClass check is repeated here: Cimom.openLinks applies it per association row
    // but follow() returns the links of every row sharing the source end (reported to the lead).
    associators: (source, opts = {}) =>
      drain(cimom.openAssociators(ctx, source, opts)).filter((i) => opts.resultClass === undefined || schema.isA(i.className, opts.resultClass)),
    references: (source, opts = {}) => drain(cimom.openReferences(ctx, source, opts)),
    put: (cls, ref, record) => model.apply([{ cls, ref, record }]),
  };
}

/** The ref of the loaded record of `cls` whose field equals value. */
export function refWhere(m: SimModel, cls: XenClass, field: string, value: string): string | undefined {
  for (const [ref, r] of m.records.get(cls) ?? []) if (str(r, field) === value) return ref;
  return undefined;
}

/** Guests as the gateway shows them: not templates, snapshots or the control domain. */
export function isGuestRecord(vm: XenRecord | undefined): boolean {
  return vm !== undefined && vm['is_a_template'] !== true && vm['is_a_snapshot'] !== true && vm['is_control_domain'] !== true;
}

/** Every property an instance carries is declared by its class (the encoder drops the others). */
export function undeclared(schema: SchemaRegistry, inst: CimInstance): string[] {
  const cls = schema.getClass(inst.className);
  return [...inst.properties.keys()].filter((p) => cls?.property(p) === undefined);
}

/** A property's value as text (arrays joined with commas), for comparisons with XenAPI fields. */
export function text(inst: CimInstance | undefined, name: string): string | undefined {
  const v = inst?.get(name);
  if (v === undefined || v === null) return undefined;
  return Array.isArray(v) ? v.map(String).join(',') : String(v);
}
