// API failures as xapi reports them: a code and string parameters, sent as
// {Status: "Failure", ErrorDescription: [code, ...params]} and never as an XML-RPC fault.

export class XenFailure extends Error {
  constructor(
    readonly code: string,
    readonly params: readonly string[] = [],
  ) {
    super(`${code} [${params.join(', ')}]`);
    this.name = 'XenFailure';
  }
}

export const handleInvalid = (cls: string, ref: string): XenFailure => new XenFailure('HANDLE_INVALID', [cls, ref]);
export const uuidInvalid = (cls: string, uuid: string): XenFailure => new XenFailure('UUID_INVALID', [cls, uuid]);
export const sessionInvalid = (ref: string): XenFailure => new XenFailure('SESSION_INVALID', [ref]);
export const fieldTypeError = (field: string): XenFailure => new XenFailure('FIELD_TYPE_ERROR', [field]);

/** Reads a string parameter; xapi rejects other types while unmarshalling. */
export function stringParam(params: readonly unknown[], index: number, name: string): string {
  const v = params[index];
  if (typeof v !== 'string') throw fieldTypeError(name);
  return v;
}

export function boolParam(params: readonly unknown[], index: number, name: string): boolean {
  const v = params[index];
  if (typeof v !== 'boolean') throw fieldTypeError(name);
  return v;
}
