// Decoding call parameters and constructor records as xapi's generated server does
// (gen_server.ml): positional parameters are unmarshalled before anything else runs, so a
// wrong type fails the call even in its Async form; constructors (VM.create, VBD.create, …)
// take one struct whose fields are looked up by name, where a field without a datamodel
// default is required and a missing one fails with Dispatcher_FieldNotFound, while unknown
// fields are ignored.
import { fieldTypeError, XenFailure } from './errors.js';
import type { StrMap } from './values.js';

const INT = /^-?\d+$/;

/** An int (64-bit in xapi): a decimal string, or an <int>/<i4>/<i8> the client sent as a number. */
export function asInt(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && INT.test(v) && Number.isSafeInteger(Number(v))) return Number(v);
  throw fieldTypeError(name);
}

export function asString(v: unknown, name: string): string {
  if (typeof v !== 'string') throw fieldTypeError(name);
  return v;
}

export function asBool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw fieldTypeError(name);
  return v;
}

export function asFloat(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw fieldTypeError(name);
}

export function asStrMap(v: unknown, name: string): StrMap {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) throw fieldTypeError(name);
  const out: StrMap = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') throw fieldTypeError(name);
    out[k] = x;
  }
  return out;
}

export function asStrList(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw fieldTypeError(name);
  return [...(v as string[])];
}

/** An enum value; xapi's enums are case-sensitive on the wire. */
export function asEnum<T extends string>(v: unknown, name: string, values: readonly T[]): T {
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw fieldTypeError(name);
  return v as T;
}

export const intParam = (params: readonly unknown[], i: number, name: string): number => asInt(params[i], name);
export const refParam = (params: readonly unknown[], i: number, name: string): string => asString(params[i], name);

/** The error xapi sends for a constructor record without a required field. */
export function fieldNotFound(field: string): XenFailure {
  return new XenFailure('INTERNAL_ERROR', [`Server_helpers.Dispatcher_FieldNotFound("${field}")`]);
}

/** A constructor struct: fields are read in datamodel order, so the first missing one is reported. */
export class CtorRecord {
  private readonly fields: Readonly<Record<string, unknown>>;

  constructor(v: unknown, paramName = 'record') {
    if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Date) throw fieldTypeError(paramName);
    this.fields = v as Record<string, unknown>;
  }

  private get(name: string): unknown {
    if (!Object.hasOwn(this.fields, name)) throw fieldNotFound(name);
    return this.fields[name];
  }

  private opt<T>(name: string, fallback: T, read: (v: unknown) => T): T {
    return Object.hasOwn(this.fields, name) ? read(this.fields[name]) : fallback;
  }

  str(name: string, fallback?: string): string {
    return fallback === undefined ? asString(this.get(name), name) : this.opt(name, fallback, (v) => asString(v, name));
  }

  int(name: string, fallback?: number): number {
    return fallback === undefined ? asInt(this.get(name), name) : this.opt(name, fallback, (v) => asInt(v, name));
  }

  bool(name: string, fallback?: boolean): boolean {
    return fallback === undefined ? asBool(this.get(name), name) : this.opt(name, fallback, (v) => asBool(v, name));
  }

  float(name: string, fallback?: number): number {
    return fallback === undefined ? asFloat(this.get(name), name) : this.opt(name, fallback, (v) => asFloat(v, name));
  }

  map(name: string, fallback?: StrMap): StrMap {
    return fallback === undefined ? asStrMap(this.get(name), name) : this.opt(name, fallback, (v) => asStrMap(v, name));
  }

  list(name: string, fallback?: readonly string[]): string[] {
    return fallback === undefined ? asStrList(this.get(name), name) : this.opt(name, [...fallback], (v) => asStrList(v, name));
  }

  enumOf<T extends string>(name: string, values: readonly T[], fallback?: T): T {
    return fallback === undefined ? asEnum(this.get(name), name, values) : this.opt(name, fallback, (v) => asEnum(v, name, values));
  }
}
