// What the WS-Man handlers need from the rest of the gateway, injected by app.ts.
import type { Cimom } from '../cim/cimom.js';
import type { EnumerationContexts } from './enumeration-contexts.js';
import type { RequestMemo } from './request-memo.js';

export interface ProductInfo {
  readonly vendor: string;
  readonly version: string;
  /** extra version details shown only to authenticated callers (e.g. the XenAPI back end) */
  readonly details?: () => string;
  /** security profiles offered, for Identify */
  readonly securityProfiles: readonly string[];
}

export interface WsmanLimits {
  /** used when a request carries no MaxEnvelopeSize */
  readonly defaultMaxEnvelopeSize: number;
  /** the largest MaxElements honoured */
  readonly maxElementsCap: number;
  /** the longest OperationTimeout honoured (longer ones are capped) */
  readonly maxOperationTimeoutMs: number;
}

export interface WsmanDeps {
  readonly cimom: Cimom;
  /** the stale-data policy: why reads cannot be served from the model now, or undefined when they can */
  readonly availability?: { unavailableReason(): string | undefined };
  readonly contexts: EnumerationContexts;
  readonly product: ProductInfo;
  readonly limits: WsmanLimits;
  /** decoded requests remembered by their text (polling managers repeat theirs); none without it */
  readonly requestMemo?: RequestMemo;
}

/** Per-request facts from the transport that shape the response. */
export interface TransportInfo {
  /** bytes per character of the response encoding, to measure against MaxEnvelopeSize */
  readonly bytesPerChar: 1 | 2;
}
