// The value model of XenAPI records as the simulator holds them. Each JS type maps to one
// XML-RPC encoding (see xmlrpc-wire.ts), so the encoder needs no per-class schema:
//   string  → bare <value>text</value> (strings, refs, enums, uuids and 64-bit ints, as xapi does)
//   number  → <double>              boolean → <boolean>
//   DateTime → <dateTime.iso8601>   Int32 → <i4> (only event.from's valid_ref_counts)
//   array   → <array> (sets)        plain object → <struct> (maps and records)

/** A datetime already in xapi's wire form, e.g. `20250319T04:16:24Z`. */
export class DateTime {
  constructor(readonly iso: string) {}

  static fromMillis(ms: number): DateTime {
    const d = new Date(ms);
    const p2 = (n: number): string => (n < 10 ? '0' : '') + n;
    return new DateTime(
      `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}T` +
        `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}Z`,
    );
  }
}

/** An int sent as `<i4>`; xapi does this only for event.from's valid_ref_counts. */
export class Int32 {
  constructor(readonly value: number) {}
}

export type XenValue = string | number | boolean | DateTime | Int32 | readonly XenValue[] | XenStruct;

export interface XenStruct {
  readonly [key: string]: XenValue;
}

/** A mutable record held in the store: wire field name → value. */
export type XenRecord = { [field: string]: XenValue };

export type StrMap = { [key: string]: string };

export const NULL_REF = 'OpaqueRef:NULL';

/** xapi's "never": the epoch, in wire form. */
export const NEVER = new DateTime('19700101T00:00:00Z');
