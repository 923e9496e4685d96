// Errors from XenAPI: API failures (Status "Failure") and transport failures, kept apart.

/** A XenAPI failure: ErrorDescription [code, ...params]. */
export class XenApiError extends Error {
  constructor(readonly code: string, readonly params: readonly string[], readonly method: string) {
    super(`${method}: ${code}${params.length ? ` [${params.join(', ')}]` : ''}`);
    this.name = 'XenApiError';
  }
}

/** The call did not reach xapi or got no usable answer (connection, timeout, HTTP, bad XML). */
export class XenTransportError extends Error {
  constructor(message: string, readonly method: string, readonly timedOut = false) {
    super(`${method}: ${message}`);
    this.name = 'XenTransportError';
  }
}
