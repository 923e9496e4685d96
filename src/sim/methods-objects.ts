// The messages xapi generates for every class: get_all_records, get_all, get_record,
// get_by_uuid, get_by_name_label, get_<field>, and the setters of the common RW fields.
import { handleInvalid, stringParam, uuidInvalid, XenFailure } from './errors.js';
import type { Call, MethodDef, Runner } from './dispatch.js';
import { fieldsOf, XEN_CLASSES, type XenClass } from './records.js';
import type { StrMap, XenValue } from './values.js';
import { Body, encodeValue, escapeXml } from './xmlrpc-wire.js';

type Handler = (call: Call) => string | Body;

const read = (arity: number, handler: Handler): MethodDef => ({ kind: 'session', arity: [arity], write: false, handler });
const write = (arity: number, prepare: (call: Call) => Runner): MethodDef => ({ kind: 'session', arity: [arity], write: true, prepare });

function entryOf(call: Call, cls: XenClass) {
  const ref = call.params[1];
  const e = typeof ref === 'string' ? call.ctx.store.entry(cls, ref) : undefined;
  if (e === undefined) throw handleInvalid(cls, String(ref));
  return e;
}

function isStrMap(v: unknown): v is StrMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');
}

function isStrList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

export function objectMethods(): Map<string, MethodDef> {
  const m = new Map<string, MethodDef>();
  for (const cls of XEN_CLASSES) {
    const fields = fieldsOf(cls);
    const has = (f: string): boolean => fields.includes(f);

    m.set(`${cls}.get_all_records`, read(1, ({ ctx: { store } }) => {
      const body = new Body().text('<value><struct>');
      for (const e of store.entriesOf(cls)) {
        body.text('<member><name>' + escapeXml(e.ref) + '</name>').bytes(store.encoded(e)).text('</member>');
      }
      return body.text('</struct></value>');
    }));
    m.set(`${cls}.get_all`, read(1, ({ ctx: { store } }) => {
      let s = '<value><array><data>';
      for (const e of store.entriesOf(cls)) s += encodeValue(e.ref);
      return s + '</data></array></value>';
    }));
    m.set(`${cls}.get_record`, read(2, (call) => {
      const e = entryOf(call, cls);
      return new Body().bytes(call.ctx.store.encoded(e));
    }));
    m.set(`${cls}.get_by_uuid`, read(2, (call) => {
      const uuid = stringParam(call.params, 1, 'uuid');
      const ref = call.ctx.store.refByUuid(cls, uuid);
      if (ref === undefined) throw uuidInvalid(cls, uuid);
      return encodeValue(ref);
    }));
    for (const field of fields) {
      m.set(`${cls}.get_${field}`, read(2, (call) => encodeValue(entryOf(call, cls).rec[field] as XenValue)));
    }
    const set = (field: string, value: XenValue, call: Call): string => {
      const e = entryOf(call, cls);
      call.ctx.store.transact((tx) => tx.update(cls, e.ref, { [field]: value }));
      return encodeValue('');
    };
    if (has('name_label')) {
      m.set(`${cls}.get_by_name_label`, read(2, ({ ctx: { store }, params }) => {
        const label = stringParam(params, 1, 'label');
        const refs: string[] = [];
        for (const e of store.entriesOf(cls)) if (e.rec['name_label'] === label) refs.push(e.ref);
        return encodeValue(refs);
      }));
      for (const field of ['name_label', 'name_description']) {
        m.set(`${cls}.set_${field}`, write(3, (call) => {
          const value = stringParam(call.params, 2, 'value');
          return () => set(field, value, call);
        }));
      }
    }
    if (has('other_config')) {
      m.set(`${cls}.set_other_config`, write(3, (call) => {
        const value = call.params[2];
        if (!isStrMap(value)) throw new XenFailure('FIELD_TYPE_ERROR', ['value']);
        return () => set('other_config', { ...value }, call);
      }));
      m.set(`${cls}.add_to_other_config`, write(4, (call) => {
        const key = stringParam(call.params, 2, 'key');
        const value = stringParam(call.params, 3, 'value');
        return () => {
          const e = entryOf(call, cls);
          const current = e.rec['other_config'] as StrMap;
          if (Object.hasOwn(current, key)) throw new XenFailure('MAP_DUPLICATE_KEY', [cls, 'other_config', e.ref, key]);
          return set('other_config', { ...current, [key]: value }, call);
        };
      }));
      m.set(`${cls}.remove_from_other_config`, write(3, (call) => {
        const key = stringParam(call.params, 2, 'key');
        return () => {
          const next: StrMap = { ...(entryOf(call, cls).rec['other_config'] as StrMap) };
          delete next[key];
          return set('other_config', next, call);
        };
      }));
    }
    if (has('tags')) {
      m.set(`${cls}.set_tags`, write(3, (call) => {
        const value = call.params[2];
        if (!isStrList(value)) throw new XenFailure('FIELD_TYPE_ERROR', ['value']);
        return () => set('tags', [...value], call);
      }));
      m.set(`${cls}.add_tags`, write(3, (call) => {
        const tag = stringParam(call.params, 2, 'value');
        return () => {
          const tags = entryOf(call, cls).rec['tags'] as readonly string[];
          return set('tags', tags.includes(tag) ? tags : [...tags, tag], call);
        };
      }));
      m.set(`${cls}.remove_tags`, write(3, (call) => {
        const tag = stringParam(call.params, 2, 'value');
        return () => {
          const tags = entryOf(call, cls).rec['tags'] as readonly string[];
          return set('tags', tags.filter((t) => t !== tag), call);
        };
      }));
    }
  }
  return m;
}
