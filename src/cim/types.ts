// CIM data types and values (DSP0004). Pure data: no I/O, no imports from other layers.

export const CIM_TYPES = [
  'boolean', 'string', 'char16', 'datetime',
  'uint8', 'sint8', 'uint16', 'sint16', 'uint32', 'sint32', 'uint64', 'sint64',
  'real32', 'real64', 'reference',
] as const;
export type CimType = (typeof CIM_TYPES)[number];

export function isCimType(s: string): s is CimType {
  return (CIM_TYPES as readonly string[]).includes(s);
}

export function isIntegerType(t: CimType): boolean {
  return t.startsWith('uint') || t.startsWith('sint');
}

/** A CIM datetime: either a point in time or an interval (DSP0004 5.2.4). */
export class CimDateTime {
  private constructor(
    readonly kind: 'timestamp' | 'interval',
    /** timestamp: milliseconds since the epoch (UTC); interval: milliseconds */
    readonly millis: number,
    /** timestamp only: UTC offset in minutes */
    readonly offsetMinutes = 0,
  ) {}

  static timestamp(date: Date, offsetMinutes = 0): CimDateTime {
    return new CimDateTime('timestamp', date.getTime(), offsetMinutes);
  }

  static interval(millis: number): CimDateTime {
    return new CimDateTime('interval', Math.max(0, Math.round(millis)));
  }

  /** xs:dateTime for timestamps, xs:duration for intervals (DSP0230 cim:Datetime / cim:Interval). */
  toXsd(): string {
    if (this.kind === 'interval') {
      let ms = this.millis;
      const days = Math.floor(ms / 86_400_000); ms -= days * 86_400_000;
      const h = Math.floor(ms / 3_600_000); ms -= h * 3_600_000;
      const m = Math.floor(ms / 60_000); ms -= m * 60_000;
      const s = ms / 1000;
      return `P${days}DT${h}H${m}M${Number.isInteger(s) ? s : s.toFixed(3)}S`;
    }
    const local = new Date(this.millis + this.offsetMinutes * 60_000);
    const base = local.toISOString().replace(/Z$/, '');
    if (this.offsetMinutes === 0) return `${base}Z`;
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    const abs = Math.abs(this.offsetMinutes);
    return `${base}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
}

/** Key value inside an object path: scalars or a nested path (reference keys). */
export type CimKeyValue = string | number | bigint | boolean | ObjectPathLike;

/** Structural view of an ObjectPath, to keep types.ts free of cycles. */
export interface ObjectPathLike {
  readonly namespace: string;
  readonly className: string;
  readonly keys: ReadonlyArray<{ readonly name: string; readonly value: CimKeyValue }>;
}

export interface InstanceLike {
  readonly className: string;
  readonly properties: ReadonlyMap<string, CimValue>;
}

export type CimScalar = string | number | bigint | boolean | CimDateTime | ObjectPathLike | InstanceLike;
export type CimValue = CimScalar | readonly CimScalar[] | null;
