// XenAPI failures → CIM errors, once, for every provider that writes. xapi's code and
// parameters stay in the message so an operator can see what xapi said.
import { CimError } from '../cim/errors.js';
import { XenApiError, XenTransportError } from '../xenapi/errors.js';

const NOT_FOUND = new Set(['HANDLE_INVALID', 'UUID_INVALID']);
const DENIED = new Set(['RBAC_PERMISSION_DENIED', 'SESSION_INVALID', 'SESSION_AUTHENTICATION_FAILED', 'SESSION_AUTHORIZATION_FAILED', 'PERMISSION_DENIED']);
const BAD_VALUE = new Set([
  'MEMORY_CONSTRAINT_VIOLATION', 'MEMORY_CONSTRAINT_VIOLATION_ORDER', 'MEMORY_CONSTRAINT_VIOLATION_MAXPIN', 'VALUE_NOT_SUPPORTED',
  'FIELD_TYPE_ERROR', 'INVALID_VALUE', 'DEVICE_ALREADY_EXISTS', 'MAP_DUPLICATE_KEY', 'VCPU_MAX_TOO_LARGE', 'VM_TOO_MANY_VCPUS',
  // The value is fine but cannot be applied in the object's state (e.g. static memory of a running VM).
  'VM_BAD_POWER_STATE', 'OPERATION_NOT_ALLOWED', 'VM_IS_TEMPLATE', 'VM_IS_SNAPSHOT',
]);

export function describeXenError(err: XenApiError): string {
  return `XenAPI ${err.code}${err.params.length ? ` [${err.params.join(', ')}]` : ''}`;
}

export function xenToCim(err: unknown, what: string): CimError {
  if (err instanceof CimError) return err;
  if (err instanceof XenApiError) {
    const text = `${what}: ${describeXenError(err)}`;
    if (DENIED.has(err.code)) return new CimError('ACCESS_DENIED', text);
    if (NOT_FOUND.has(err.code)) return new CimError('NOT_FOUND', text);
    if (BAD_VALUE.has(err.code)) return new CimError('INVALID_PARAMETER', text, { subject: 'property', valueProblem: 'invalid-value' });
    return new CimError('FAILED', text);
  }
  if (err instanceof XenTransportError) {
    return new CimError('FAILED', `${what}: the XenAPI back end did not answer (${err.message})`, { reason: err.timedOut ? 'timeout' : 'unavailable' });
  }
  return new CimError('FAILED', `${what}: ${err instanceof Error ? err.message : String(err)}`);
}
