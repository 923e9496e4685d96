// Errors from XenAPI: API failures (Status "Failure") and transport failures, kept apart.

/** A XenAPI failure: ErrorDescription [code, ...params]. */
export class XenApiError extends Error {
  constructor(readonly code: string, readonly params: readonly string[], readonly method: string) {
    super(`${method}: ${code}${params.length ? ` [${params.join(', ')}]` : ''}`);
    this.name = 'XenApiError';
  }
}

/**
 * Why a call got no usable answer: no answer within the deadline, the connection refused, the
 * connection lost or never made (reset, unreachable, DNS), an answer that is not XenAPI's
 * (HTTP status, XML-RPC fault, unparsable body), or a TLS certificate that is not trusted.
 */
export type TransportFailure = 'timeout' | 'refused' | 'connection' | 'protocol' | 'untrusted' | 'unknown-host' | 'not-tls';

/** The call did not reach xapi or got no usable answer (connection, timeout, HTTP, bad XML). */
export class XenTransportError extends Error {
  constructor(message: string, readonly method: string, readonly kind: TransportFailure = 'connection') {
    super(`${method}: ${message}`);
    this.name = 'XenTransportError';
  }

  get timedOut(): boolean {
    return this.kind === 'timeout';
  }
}
