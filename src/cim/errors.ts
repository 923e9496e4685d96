// CIM status codes (DSP0200 / DSP0004) carried as typed errors from providers upward.

export const CimStatus = {
  FAILED: 1,
  ACCESS_DENIED: 2,
  INVALID_NAMESPACE: 3,
  INVALID_PARAMETER: 4,
  INVALID_CLASS: 5,
  NOT_FOUND: 6,
  NOT_SUPPORTED: 7,
  CLASS_HAS_CHILDREN: 8,
  CLASS_HAS_INSTANCES: 9,
  INVALID_SUPERCLASS: 10,
  ALREADY_EXISTS: 11,
  NO_SUCH_PROPERTY: 12,
  TYPE_MISMATCH: 13,
  QUERY_LANGUAGE_NOT_SUPPORTED: 14,
  INVALID_QUERY: 15,
  METHOD_NOT_AVAILABLE: 16,
  METHOD_NOT_FOUND: 17,
  NAMESPACE_NOT_EMPTY: 20,
  INVALID_ENUMERATION_CONTEXT: 21,
  INVALID_OPERATION_TIMEOUT: 22,
  PULL_HAS_BEEN_ABANDONED: 23,
  PULL_CANNOT_BE_ABANDONED: 24,
  FILTERED_ENUMERATION_NOT_SUPPORTED: 25,
  CONTINUATION_ON_ERROR_NOT_SUPPORTED: 26,
  SERVER_LIMITS_EXCEEDED: 27,
  SERVER_IS_SHUTTING_DOWN: 28,
} as const;

export type CimStatusName = keyof typeof CimStatus;

/** Which part of a request an error refers to, so the WS-Man layer can pick the fault. */
export type CimErrorSubject = 'keys' | 'namespace' | 'property' | 'parameter' | 'query' | 'backend';

/** What is wrong with the keys of an object path (→ the InvalidSelectors fault detail). */
export type KeyProblem = 'unexpected' | 'insufficient' | 'ambiguous' | 'invalid-value' | 'type-mismatch';

/** What is wrong with a property or parameter value (→ the fault detail). */
export type ValueProblem = 'read-only' | 'invalid-value' | 'type-mismatch' | 'unknown-name' | 'missing';

export interface CimErrorOptions {
  readonly subject?: CimErrorSubject;
  readonly keyProblem?: KeyProblem;
  readonly valueProblem?: ValueProblem;
  /** timeouts and unreachable back ends are told apart for the fault mapping */
  readonly reason?: 'timeout' | 'unavailable';
}

export class CimError extends Error {
  readonly subject: CimErrorSubject | undefined;
  readonly keyProblem: KeyProblem | undefined;
  readonly valueProblem: ValueProblem | undefined;
  readonly reason: CimErrorOptions['reason'];

  constructor(readonly status: CimStatusName, message: string, options: CimErrorOptions = {}) {
    super(message);
    this.name = 'CimError';
    this.subject = options.subject;
    this.keyProblem = options.keyProblem;
    this.valueProblem = options.valueProblem;
    this.reason = options.reason;
  }

  get code(): number {
    return CimStatus[this.status];
  }
}
