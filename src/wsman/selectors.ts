// DSP0227 §7.3: selectors ⇄ CIM key bindings, typed by the class's key properties.
import { CimError } from '../cim/errors.js';
import type { KeyBinding, ObjectPath } from '../cim/object-path.js';
import type { ClassView } from '../cim/schema-view.js';
import { isIntegerType, type CimKeyValue, type CimType } from '../cim/types.js';
import type { Selector } from '../soap/headers.js';
import type { XmlElement } from '../soap/xml.js';

/** Turns a nested EPR (a reference key's value) into the path it names. */
export type EprReader = (epr: XmlElement) => ObjectPath;

export function selectorsToKeys(cls: ClassView, selectors: readonly Selector[], readEpr?: EprReader): KeyBinding[] {
  return selectors.map((s) => {
    const prop = cls.property(s.name);
    if (!prop || !cls.keys.some((k) => k.toLowerCase() === s.name.toLowerCase())) {
      throw new CimError('INVALID_PARAMETER', `${s.name} is not a key of ${cls.name}.`, { subject: 'keys', keyProblem: 'unexpected' });
    }
    return { name: prop.name, value: typedKey(prop.type, s, readEpr) };
  });
}

/** A selector's text as a value of a property of type `type` (also for filters on non-key properties). */
export function typedKey(type: CimType, s: Selector, readEpr?: EprReader): CimKeyValue {
  const text = s.value.trim();
  const mismatch = (): never => {
    throw new CimError('INVALID_PARAMETER', `The selector ${s.name} must be of type ${type}.`, { subject: 'keys', keyProblem: 'type-mismatch' });
  };
  if (type === 'reference') return s.epr && readEpr ? readEpr(s.epr) : mismatch();
  if (s.epr) return mismatch();
  if (type === 'boolean') return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : mismatch();
  if (isIntegerType(type)) return /^[-+]?\d{1,20}$/.test(text) ? BigInt(text) : mismatch();
  // String keys keep their exact text (DSP0227: selector values are not trimmed for strings).
  return s.value;
}
