// Whether the model may serve reads, and what /health says about it. The model is live while
// the event feed follows XenAPI; when the feed loses XenAPI the model keeps the last data it
// had, marked stale. Reads keep being served from it for `staleServeMs` after the loss, then
// they are refused (the WS-Man layer answers wsa:EndpointUnavailable with `unavailableReason()`)
// until the feed has reloaded. Nothing here calls XenAPI.
import { XenApiError, XenTransportError } from './errors.js';
import type { ModelState } from './model.js';

/** Default for how long reads are served from stale data: 5 minutes. */
export const DEFAULT_STALE_SERVE_MS = 300_000;

/** What ModelHealth reads from the model (XenModel has it). */
export interface ModelStatusView {
  readonly state: ModelState;
  readonly generation: number;
  readonly lastSync: number;
  readonly staleSince: number;
  readonly lastFailure: string | undefined;
}

export interface ModelHealthOptions {
  /** how long after losing XenAPI reads are still served from the last-known data (0: not at all) */
  readonly staleServeMs: number;
  readonly now?: () => number;
}

/** What reads get: current data, last-known data, or a refusal. */
export type ReadsPolicy = 'live' | 'last-known' | 'refused';

/** The body of GET /health. */
export interface HealthReport {
  readonly status: 'ok' | 'degraded';
  readonly model: ModelState;
  readonly reads: ReadsPolicy;
  readonly generation: number;
  /** when the model was last confirmed current (ISO 8601), null before the first load */
  readonly lastSync: string | null;
  /** when XenAPI was lost (ISO 8601), null while live */
  readonly staleSince: string | null;
  /** why the service is degraded, null when it is not */
  readonly reason: string | null;
}

export class ModelHealth {
  private readonly now: () => number;

  constructor(readonly model: ModelStatusView, readonly options: ModelHealthOptions) {
    if (!(Number.isFinite(options.staleServeMs) && options.staleServeMs >= 0)) throw new RangeError(`staleServeMs must be >= 0, got ${options.staleServeMs}`);
    this.now = options.now ?? Date.now;
  }

  /** Whether reads may be answered from the model now. */
  isServable(): boolean {
    return this.reads() !== 'refused';
  }

  reads(): ReadsPolicy {
    const m = this.model;
    if (m.state === 'live') return 'live';
    if (m.state === 'loading') return 'refused';
    return this.now() - m.staleSince < this.options.staleServeMs ? 'last-known' : 'refused';
  }

  /** Why reads are refused (for the fault's reason text), or undefined when they are served. */
  unavailableReason(): string | undefined {
    const m = this.model;
    if (m.state === 'loading') return 'The data of the XenAPI back end has not been loaded yet.';
    if (this.reads() !== 'refused') return undefined;
    const bound = this.options.staleServeMs;
    const stale = bound === 0 ? 'and stale data is not served' : `and its last-known data is served for ${formatSeconds(bound)} only`;
    return `The XenAPI back end has not answered since ${iso(m.staleSince)} (${m.lastFailure ?? 'unknown failure'}), ${stale}; last synchronised ${iso(m.lastSync)}.`;
  }

  /** The readiness report: ok (HTTP 200) only while the model is live. */
  report(): HealthReport {
    const m = this.model;
    const live = m.state === 'live';
    let reason: string | null = null;
    if (m.state === 'loading') reason = `XenAPI data not loaded yet${m.lastFailure ? ` (${m.lastFailure})` : ''}`;
    else if (m.state === 'stale') reason = `XenAPI unreachable since ${iso(m.staleSince)} (${m.lastFailure ?? 'unknown failure'}); last sync ${iso(m.lastSync)}`;
    return {
      status: live ? 'ok' : 'degraded',
      model: m.state,
      reads: this.reads(),
      generation: m.generation,
      lastSync: m.lastSync ? iso(m.lastSync) : null,
      staleSince: m.state === 'stale' ? iso(m.staleSince) : null,
      reason,
    };
  }
}

/**
 * A failure of the event feed in words fit for an unauthenticated health report: the kind of
 * failure and xapi's error code, never host names, addresses or the messages behind them.
 */
export function describeFeedFailure(err: unknown): string {
  if (err instanceof XenTransportError) {
    switch (err.kind) {
      case 'timeout': return `no answer to ${err.method} in time`;
      case 'refused': return 'connection refused';
      case 'protocol': return `unusable answer to ${err.method}`;
      case 'untrusted': return 'TLS certificate not trusted (a self-signed one needs --xapi-insecure-tls)';
      case 'unknown-host': return 'host name not found (check --xapi-url)';
      case 'not-tls': return 'the server does not speak TLS (does --xapi-url need http:// instead of https://?)';
      default: return 'connection lost';
    }
  }
  if (err instanceof XenApiError) return `XenAPI ${err.code} from ${err.method}`;
  return 'internal error';
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}
