// CimError → WsmanFault, once, by the DSP0227 table (wsman-protocol.md §4.4).
import type { CimError, KeyProblem, ValueProblem } from '../cim/errors.js';
import { WsmanFault } from '../soap/faults.js';

export type OperationKind = 'get' | 'put' | 'create' | 'delete' | 'enumerate' | 'pull' | 'release' | 'invoke' | 'renew' | 'getstatus';

export function cimToFault(err: CimError, op: OperationKind): WsmanFault {
  const reason = err.message;
  switch (err.status) {
    case 'ACCESS_DENIED': return new WsmanFault('wsman:AccessDenied', { reason });
    case 'INVALID_NAMESPACE':
      return new WsmanFault('wsman:InvalidSelectors', { detail: 'InvalidValue', reason });
    case 'INVALID_CLASS': return new WsmanFault('wsa:DestinationUnreachable', { detail: 'InvalidResourceURI', reason });
    case 'NOT_FOUND': return new WsmanFault('wsa:DestinationUnreachable', { reason });
    case 'INVALID_PARAMETER':
      if (err.subject === 'keys') return new WsmanFault('wsman:InvalidSelectors', { detail: SELECTOR_DETAIL[err.keyProblem ?? 'invalid-value'], reason });
      if (op === 'put' || op === 'create') return new WsmanFault('wxf:InvalidRepresentation', { detail: err.valueProblem === 'missing' ? 'MissingValues' : 'InvalidValues', reason });
      return new WsmanFault('wsman:InvalidParameter', { detail: PARAMETER_DETAIL[err.valueProblem ?? 'invalid-value'], reason });
    case 'NOT_SUPPORTED':
      // A Put that would change a property clients may not write: the representation cannot be applied.
      if (err.valueProblem === 'read-only') return new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidValues', reason });
      return new WsmanFault('wsa:ActionNotSupported', { detail: 'ActionMismatch', reason });
    case 'METHOD_NOT_AVAILABLE':
    case 'METHOD_NOT_FOUND':
      return new WsmanFault('wsa:ActionNotSupported', { detail: 'ActionMismatch', reason });
    case 'ALREADY_EXISTS': return new WsmanFault('wsman:AlreadyExists', { reason });
    case 'NO_SUCH_PROPERTY':
    case 'TYPE_MISMATCH':
      return op === 'invoke'
        ? new WsmanFault('wsman:InvalidParameter', { detail: err.status === 'TYPE_MISMATCH' ? 'TypeMismatch' : 'InvalidValue', reason })
        : new WsmanFault('wxf:InvalidRepresentation', { detail: 'InvalidValues', reason });
    case 'QUERY_LANGUAGE_NOT_SUPPORTED': return new WsmanFault('wsen:FilterDialectRequestedUnavailable', { reason });
    case 'INVALID_QUERY': return new WsmanFault('wsen:CannotProcessFilter', { reason });
    case 'INVALID_ENUMERATION_CONTEXT':
    case 'PULL_HAS_BEEN_ABANDONED':
      return new WsmanFault('wsen:InvalidEnumerationContext', { reason });
    case 'FILTERED_ENUMERATION_NOT_SUPPORTED': return new WsmanFault('wsen:FilteringNotSupported', { reason });
    case 'SERVER_LIMITS_EXCEEDED': return new WsmanFault('wsman:QuotaLimit', { reason });
    case 'SERVER_IS_SHUTTING_DOWN': return new WsmanFault('wsa:EndpointUnavailable', { reason });
    default:
      if (err.reason === 'timeout') return new WsmanFault('wsman:TimedOut', { reason });
      if (err.reason === 'unavailable') return new WsmanFault('wsa:EndpointUnavailable', { detail: 'ResourceOffline', reason });
      return new WsmanFault('wsman:InternalError', { reason });
  }
}

const PARAMETER_DETAIL: Readonly<Record<ValueProblem, string>> = {
  'unknown-name': 'InvalidName',
  'type-mismatch': 'TypeMismatch',
  missing: 'MissingValues',
  'invalid-value': 'InvalidValue',
  'read-only': 'InvalidValue',
};

const SELECTOR_DETAIL: Readonly<Record<KeyProblem, string>> = {
  unexpected: 'UnexpectedSelectors',
  insufficient: 'InsufficientSelectors',
  // openwsman spells it "AmbigousSelectors"; DSP0226 has AmbiguousSelectors.
  ambiguous: 'AmbiguousSelectors',
  'invalid-value': 'InvalidValue',
  'type-mismatch': 'TypeMismatch',
};
