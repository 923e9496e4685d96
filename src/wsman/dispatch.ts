// One request through the WS-Man layer: decode the envelope, route by operation, encode the
// reply. Every failure leaves as a SOAP fault; nothing here knows about HTTP.
import { CimError } from '../cim/errors.js';
import type { OperationContext, Principal } from '../cim/operation-context.js';
import { decodeEnvelope, type Envelope } from '../soap/decode-envelope.js';
import { encodeEnvelope, encodeEnvelopeText } from '../soap/encode-envelope.js';
import { encodeFault } from '../soap/encode-fault.js';
import { messageIdOf } from '../soap/headers.js';
import { WsmanFault } from '../soap/faults.js';
import type { XmlLimits } from '../soap/xml.js';
import type { XmlText } from '../soap/xml-writer.js';
import { envelopeBudget, replyOctets } from './batch.js';
import { cimToFault, type OperationKind } from './cim-to-fault.js';
import { decodeRequest } from './decode-request.js';
import type { TransportInfo, WsmanDeps } from './deps.js';
import { handleEnumerate } from './handlers/enumerate.js';
import { handleGet } from './handlers/get.js';
import { handleIdentify } from './handlers/identify.js';
import { handleInvoke } from './handlers/invoke.js';
import { handlePut } from './handlers/put.js';
import { handleGetStatus, handleRenew } from './handlers/renew.js';
import { handlePull } from './handlers/pull.js';
import { handleRelease } from './handlers/release.js';
import type { WsmanRequest } from './request.js';
import type { WsmanResponse } from './response.js';

export type WsmanOutcome =
  | { readonly kind: 'reply'; readonly xml: XmlText; readonly status: number; readonly fault?: WsmanFault; readonly cause?: unknown; readonly soap11?: boolean }
  /** the request needs credentials it did not bring (anything but Identify) */
  | { readonly kind: 'unauthenticated' };

export interface DispatchInput {
  readonly xml: string;
  /** undefined when the caller sent no credentials */
  readonly principal: Principal | undefined;
  readonly transport: TransportInfo;
  readonly xmlLimits: XmlLimits;
}

const NEVER = new AbortController().signal;
/** Requests dispatched so far: each one's id within this process (a random UUID per request cost more than its use). */
let requests = 0;

export async function dispatchWsman(input: DispatchInput, deps: WsmanDeps): Promise<WsmanOutcome> {
  let env: Envelope | undefined;
  let req: WsmanRequest;
  try {
    // The envelope is kept for a fault's RelatesTo when the request is refused while decoded.
    const decode = (xml: string, limits: XmlLimits): WsmanRequest => decodeRequest((env = decodeEnvelope(xml, limits)), { maxElementsCap: deps.limits.maxElementsCap });
    // Only callers who logged in are remembered: anyone else could fill the memo, or keep it standing aside.
    req = deps.requestMemo && input.principal ? deps.requestMemo.decode(input.xml, input.xmlLimits, decode) : decode(input.xml, input.xmlLimits);
  } catch (err) {
    // Nothing is served before authentication, not even the details of a fault.
    if (!input.principal) return { kind: 'unauthenticated' };
    return faultOutcome(err, env ? messageIdOf(env.headers) : undefined, 'get');
  }
  if (req.kind === 'identify') {
    return reply(handleIdentify(deps.product, input.principal !== undefined), req.messageId);
  }
  if (!input.principal) return { kind: 'unauthenticated' };
  // Reads come from the model: beyond the stale-data bound they are refused (README "When XenAPI fails").
  if (req.kind === 'get' || req.kind === 'enumerate' || req.kind === 'pull') {
    const offline = deps.availability?.unavailableReason();
    if (offline !== undefined) return faultOutcome(new WsmanFault('wsa:EndpointUnavailable', { detail: 'ResourceOffline', reason: offline }), req.messageId, req.kind);
  }
  // An absurd OperationTimeout is capped, never left to overflow a timer. Only operations that
  // wait for XenAPI can outlast it; reads and context operations answer from memory at once.
  const waits = req.kind === 'invoke' || req.kind === 'put';
  const timeout = !waits || req.headers.operationTimeoutMs === undefined ? undefined : Math.max(1, Math.min(req.headers.operationTimeoutMs, deps.limits.maxOperationTimeoutMs));
  const ctx: OperationContext = {
    principal: input.principal,
    locale: req.headers.locale,
    requestId: `r${++requests}`,
    signal: timeout !== undefined ? AbortSignal.timeout(timeout) : NEVER,
  };
  try {
    // DSP0226 R6.2-4 holds for every request: refuse a too-small MaxEnvelopeSize before acting.
    const max = envelopeBudget(req.headers, deps);
    const work = route(req, ctx, deps, input.transport);
    const out = reply(timeout === undefined ? await work : await withDeadline(work, timeout), req.messageId);
    // Enumerate and Pull fill their batches to the limit; any other answer is checked whole,
    // against the client's MaxEnvelopeSize or, without one, the service's default.
    if (req.kind !== 'enumerate' && req.kind !== 'pull' && out.kind === 'reply' && !surelyWithin(out.xml, max)) {
      const bytes = replyOctets(out.xml, input.transport);
      if (bytes > max) {
        const whose = req.headers.maxEnvelopeSize !== undefined ? 'the MaxEnvelopeSize' : "this service's limit (no MaxEnvelopeSize was given)";
        throw new WsmanFault('wsman:EncodingLimit', { detail: 'MaxEnvelopeSize', reason: `The answer (${bytes} octets) is larger than ${whose} of ${max}.` });
      }
    }
    return out;
  } catch (err) {
    return faultOutcome(err, req.messageId, req.kind);
  }
}

async function route(req: Exclude<WsmanRequest, { kind: 'identify' }>, ctx: OperationContext, deps: WsmanDeps, transport: TransportInfo): Promise<WsmanResponse> {
  switch (req.kind) {
    case 'put': return handlePut(req, ctx, deps);
    case 'renew': return handleRenew(req, ctx, deps);
    case 'getstatus': return handleGetStatus(req, ctx, deps);
    case 'invoke': return handleInvoke(req, ctx, deps);
    case 'get': return handleGet(req, ctx, deps);
    case 'enumerate': return handleEnumerate(req, ctx, deps, transport);
    case 'pull': return handlePull(req, ctx, deps, transport);
    case 'release': return handleRelease(req, ctx, deps);
    default: return assertNever(req);
  }
}

/** The answer to an unauthenticated Identify (DSP0226 R5.3-2's /wsman-anon, MS-WSMV's WSMANIDENTIFY). */
export function anonymousIdentify(deps: WsmanDeps): string {
  return encodeEnvelope({ ...handleIdentify(deps.product, false), relatesTo: undefined });
}

function reply(res: WsmanResponse, relatesTo: string | undefined): WsmanOutcome {
  return { kind: 'reply', status: 200, xml: encodeEnvelopeText(res, relatesTo) };
}

export function faultOutcome(err: unknown, relatesTo: string | undefined, op: OperationKind): WsmanOutcome {
  const fault = toFault(err, op);
  return { kind: 'reply', status: fault.httpStatus, xml: encodeFault(fault, relatesTo), fault, cause: err, ...(fault.soap11 ? { soap11: true } : {}) };
}

function toFault(err: unknown, op: OperationKind): WsmanFault {
  if (err instanceof WsmanFault) return err;
  if (err instanceof CimError) return cimToFault(err, op);
  return new WsmanFault('wsman:InternalError', { reason: 'The service met an internal error; the request was not completed.' });
}

/** Without measuring: no UTF-16 code unit takes more than 3 octets in UTF-8 (or 2 in UTF-16). */
function surelyWithin(xml: XmlText, max: number): boolean {
  let units = 0;
  if (typeof xml === 'string') units = xml.length;
  else for (const piece of xml) units += piece.length;
  return (units + 64) * 3 <= max;
}

/** DSP0226 R6.1: an operation that outlasts its OperationTimeout is answered wsman:TimedOut. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new WsmanFault('wsman:TimedOut', { reason: `The operation did not complete within its OperationTimeout of ${ms} ms; it may still complete.` })), ms);
  });
  work.catch(() => undefined); // a late failure after the timeout has nowhere to go
  return Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
}

function assertNever(x: never): never {
  throw new Error(`unhandled request ${JSON.stringify(x)}`);
}
