// Keeps the model current: one full load, then event.from with the token, forever.
// Metrics classes change without events in xapi, so they are polled. On any failure (a cut
// connection, no answer in time, SESSION_INVALID, a bad token, a restarted or demoted xapi)
// the last good data stays, marked stale, and the loop reloads in full after a backoff that
// doubles up to a bound; a reload that fails is retried the same way. A session renewed under
// a call also means a reload: after an xapi restart the old token names nothing.
import { XmlRpcDouble } from './client.js';
import { XenApiError, XenTransportError } from './errors.js';
import { XEN_CLASSES, xenClassOf, type Change, type XenClass, type XenModel } from './model.js';
import { describeFeedFailure } from './model-health.js';
import type { XenSession } from './session.js';
import type { XenRecord, XenStruct, XenValue } from './values.js';

export interface EventFeedOptions {
  /** seconds event.from may block waiting for a change */
  readonly eventTimeoutS: number;
  /** how often VM_metrics and host_metrics are re-read; 0 turns polling off */
  readonly metricsIntervalMs: number;
  readonly backoffMinMs: number;
  readonly backoffMaxMs: number;
  readonly onError?: (err: unknown) => void;
  /**
   * Told when XenAPI itself refuses the first load begun in the background (start with
   * keepTrying): the service credentials are wrong, and asking again would only repeat them.
   * The feed stops.
   */
  readonly onRefused?: (err: unknown) => void;
  /** told when the model is current again after a failure */
  readonly onRecovered?: (downMs: number) => void;
}

const SUBSCRIBED = XEN_CLASSES.map((c) => c.toLowerCase());
const METRICS: readonly XenClass[] = ['VM_metrics', 'host_metrics'];
/** Longest wait for an event.from answer beyond the time it may block. */
const EVENT_SLACK_MAX_MS = 15_000;

/** The session was renewed while the feed was using it: what it read may predate a restart. */
class SessionRenewed extends Error {
  constructor() {
    super('the XenAPI session was renewed (xapi restarted or moved)');
  }
}

export class EventFeed {
  private token = '';
  private stopped = false;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private reloads = 0;

  constructor(private readonly session: XenSession, private readonly model: XenModel, private readonly options: EventFeedOptions) {}

  /** Full reloads after the first load (each failure costs at least one). */
  get reloadCount(): number {
    return this.reloads;
  }

  /**
   * Loads everything once, then keeps following changes in the background. With `keepTrying`,
   * a first load that fails for want of XenAPI (no connection, no answer, not XenAPI answering)
   * is tried again in the background with the usual backoff, the model staying 'loading'
   * meanwhile: a host that reboots as the gateway starts delays its data, not the service. A
   * refusal from XenAPI itself (the service credentials are wrong) still fails the start.
   */
  async start(opts: { readonly keepTrying?: boolean } = {}): Promise<void> {
    let loaded = true;
    try {
      await this.load();
    } catch (err) {
      if (opts.keepTrying !== true || !(err instanceof XenTransportError)) throw err;
      this.model.markStale(describeFeedFailure(err));
      this.options.onError?.(err);
      loaded = false;
    }
    this.loop = this.follow(loaded ? 0 : Date.now());
    if (this.options.metricsIntervalMs > 0) {
      this.metricsTimer = setInterval(() => void this.pollMetrics(), this.options.metricsIntervalMs);
      this.metricsTimer.unref();
    }
  }

  /**
   * Read-your-writes: resolves once the model has caught up with everything XenAPI had
   * done when this was called (event.inject gives a token to wait for), or after `ms`.
   */
  async barrier(ms = 5000): Promise<void> {
    const pool = this.model.all('pool').keys().next().value;
    if (pool === undefined) return;
    const token = String(await this.session.call('event.inject', ['pool', pool], { signal: this.abort.signal }));
    await this.model.until(() => this.token >= token && this.token.length === token.length, ms);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.metricsTimer) clearInterval(this.metricsTimer);
    await this.loop;
  }

  /**
   * A full load. The token comes first, from a one-class event.from (tokens are global in
   * xapi); then each class is read with get_all_records, so no single answer has to hold the
   * whole pool. Changes made meanwhile arrive again through the token and are re-applied.
   * If the session is renewed after the token was fetched, the token may come from before an
   * xapi restart: the load fails and is tried again.
   */
  private async load(): Promise<void> {
    const first = await this.session.call('event.from', [['pool'], '', new XmlRpcDouble(0)], { signal: this.abort.signal });
    const { token } = decodeEventBatch(first);
    // The token is good for the session that fetched it (a renewal during that call is fine).
    const logins = this.session.logins;
    const snapshot = new Map<XenClass, Map<string, XenRecord>>();
    await Promise.all(
      XEN_CLASSES.map(async (cls) => {
        const all = await this.session.call(`${cls}.get_all_records`, [], { signal: this.abort.signal });
        snapshot.set(cls, new Map(Object.entries(asStruct(all)).map(([ref, r]) => [ref, asStruct(r)])));
      }),
    );
    if (this.session.logins !== logins) throw new SessionRenewed();
    this.model.replace(snapshot);
    this.token = token;
    this.model.markLive();
  }

  /** `downSince`: when XenAPI was lost before following began (a first load that failed), else 0. */
  private async follow(downSince: number): Promise<void> {
    let backoff = this.options.backoffMinMs;
    let reload = downSince > 0;
    if (reload) {
      await sleep(jitter(backoff), this.abort.signal);
      backoff = Math.min(backoff * 2, this.options.backoffMaxMs);
    }
    // event.from may block eventTimeoutS; its answer is due within one ordinary deadline more.
    const slack = Math.min(this.session.client.options.timeoutMs, EVENT_SLACK_MAX_MS);
    while (!this.stopped) {
      try {
        if (reload) {
          const down = this.model.staleSince || downSince;
          if (this.model.state !== 'loading') this.reloads++;
          await this.load();
          reload = false;
          downSince = 0;
          backoff = this.options.backoffMinMs;
          if (down > 0) this.options.onRecovered?.(Date.now() - down);
        }
        const logins = this.session.logins;
        const result = await this.session.call('event.from', [SUBSCRIBED, this.token, new XmlRpcDouble(this.options.eventTimeoutS)], {
          timeoutMs: this.options.eventTimeoutS * 1000 + slack,
          signal: this.abort.signal,
        });
        if (this.session.logins !== logins) throw new SessionRenewed();
        const { events, token } = decodeEventBatch(result);
        // The token first: listeners woken by apply() (barrier) compare against it.
        this.token = token;
        this.model.apply(events);
        this.model.markLive();
      } catch (err) {
        if (this.stopped) return;
        if (this.model.state === 'loading' && err instanceof XenApiError) {
          this.stopped = true;
          this.model.markStale(describeFeedFailure(err));
          this.options.onRefused?.(err);
          return;
        }
        this.model.markStale(err instanceof SessionRenewed ? 'XenAPI session renewed: reloading' : describeFeedFailure(err));
        this.options.onError?.(err);
        // Any failure may have lost events (a restarted xapi resets tokens): reload in full.
        reload = true;
        await sleep(jitter(backoff), this.abort.signal);
        backoff = Math.min(backoff * 2, this.options.backoffMaxMs);
      }
    }
  }

  private async pollMetrics(): Promise<void> {
    // A slow xapi must not pile polls up; a failed poll is simply tried at the next tick.
    if (this.polling) return;
    this.polling = true;
    try {
      const snapshot = new Map<XenClass, Map<string, XenRecord>>();
      for (const cls of METRICS) {
        const all = await this.session.call(`${cls}.get_all_records`, [], { signal: this.abort.signal });
        snapshot.set(cls, new Map(Object.entries(asStruct(all)).map(([ref, r]) => [ref, asStruct(r)])));
      }
      if (!this.stopped) this.model.replace(snapshot);
    } catch (err) {
      if (!this.stopped) this.options.onError?.(err);
    } finally {
      this.polling = false;
    }
  }
}

/** event.from's answer → model changes (coalesced per object, in arrival order) and the next token. */
export function decodeEventBatch(value: XenValue): { events: Change[]; token: string } {
  const v = asStruct(value);
  const raw = Array.isArray(v['events']) ? (v['events'] as readonly XenValue[]) : [];
  const events: Change[] = [];
  for (const e of raw) {
    const ev = asStruct(e);
    const cls = xenClassOf(String(ev['class'] ?? ''));
    if (!cls) continue;
    const ref = String(ev['ref'] ?? '');
    const op = String(ev['operation'] ?? '');
    const snap = ev['snapshot'];
    if (op === 'del') events.push({ cls, ref, record: undefined });
    else if (snap !== undefined) events.push({ cls, ref, record: asStruct(snap) });
  }
  return { events, token: String(v['token'] ?? '') };
}

function asStruct(v: XenValue | undefined): XenStruct {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) ? (v as XenStruct) : {};
}

/** ±20 %, so gateways restarted together do not hammer a recovering xapi in step. */
function jitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // The listener goes with the wait: one per backoff would pile up on the feed's long-lived signal.
    const wake = (): void => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal.removeEventListener('abort', wake);
      resolve();
    }, ms);
    signal.addEventListener('abort', wake, { once: true });
  });
}
