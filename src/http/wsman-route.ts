// POST /wsman: authenticate, decode the body's charset, hand the text to the WS-Man layer,
// and send its reply in the request's encoding. Faults leave with HTTP 500, missing or
// wrong credentials with 401 and an empty body.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Transform, type Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../cim/operation-context.js';
import { WsmanFault } from '../soap/faults.js';
import type { XmlLimits } from '../soap/xml.js';
import type { XmlText } from '../soap/xml-writer.js';
import type { WsmanDeps } from '../wsman/deps.js';
import { anonymousIdentify, dispatchWsman, faultOutcome } from '../wsman/dispatch.js';
import { parseBasic, WWW_AUTHENTICATE, type Authenticator, type BasicCredentials } from './auth.js';
import { decodeBody, encodeReply, parseContentType, type Encoding } from './charset.js';
import { bareStatus } from './client-errors.js';
import { lingerUntilBodyEnds, type LingerLimits } from './lingering-close.js';
import type { Admission, LoginThrottle } from './login-throttle.js';

export interface WsmanRouteOptions {
  readonly deps: WsmanDeps;
  readonly authenticator: Authenticator;
  readonly xmlLimits: XmlLimits;
  /** largest body accepted from a caller without credentials (only Identify is served to them) */
  readonly anonymousBodyLimit: number;
  readonly paths: readonly string[];
  /** how long the body may take to arrive once the headers have; then the connection is closed */
  readonly bodyTimeoutMs: number;
  /** how much of a body is still read after an answer given before it (then the connection is cut) */
  readonly linger?: LingerLimits;
  /** slows and then refuses addresses that keep failing to log in */
  readonly throttle: LoginThrottle;
  /** plain HTTP front end that refuses Basic credentials (they would cross the network in clear) */
  readonly refuseBasic: boolean;
  /** where HTTPS is served ("port 5986"), for the refusal's text; undefined when it is not */
  readonly httpsWhere?: () => string | undefined;
}

const SOAP_TYPES = new Set(['application/soap+xml', 'text/xml']);
const awaitingBody = new WeakSet<Socket>();
/**
 * The last remembered login on each connection, with the Authorization header that proved it: a
 * client that polls over a kept-alive connection sends the same header every time, and while its
 * login is still remembered the header is not decoded and hashed again. The header stays in
 * memory (never logged) only as long as the connection; a different header on the same
 * connection (a proxy's shared connection) is checked in full.
 */
const connectionLogins = new WeakMap<Socket, { readonly header: string; readonly principal: Principal }>();
const timeoutHandled = new WeakSet<FastifyInstance>();
const continueHandled = new WeakSet<FastifyInstance>();

/** MS-WSMV's WSMANIDENTIFY: unauthenticated header. */
function identifyUnauthenticated(header: string | string[] | undefined): boolean {
  return header !== undefined && String(header).trim().toLowerCase() === 'unauthenticated';
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function registerWsmanRoute(app: FastifyInstance, opts: WsmanRouteOptions): void {
  // A socket that times out while its request's body is awaited is told so (408) before it is
  // closed; any other (an idle keep-alive connection) is just closed, as Node does.
  if (!timeoutHandled.has(app)) {
    timeoutHandled.add(app);
    app.server.on('timeout', (socket: Socket) => {
      if (awaitingBody.delete(socket) && socket.writable) socket.write(bareStatus(408));
      socket.destroy();
    });
  }
  // Expect: 100-continue (wsmancli sends a request without credentials first, then again with
  // them): a body that would be refused unread is not asked for; the 401 goes out instead of
  // 100 Continue, and the connection is closed so that a body sent anyway is not read as a request.
  if (!continueHandled.has(app)) {
    continueHandled.add(app);
    app.server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const length = Number(req.headers['content-length'] ?? 0);
      if (req.method === 'POST' && opts.paths.includes(path) && req.headers.authorization === undefined && !opts.refuseBasic && length > opts.anonymousBodyLimit && !identifyUnauthenticated(req.headers['wsmanidentify'])) {
        res.writeHead(401, { 'WWW-Authenticate': WWW_AUTHENTICATE, 'Content-Length': '0', Connection: 'close' });
        res.end();
        return;
      }
      // What Node does when no one listens for checkContinue.
      res.writeContinue();
      app.server.emit('request', req, res);
    });
  }
  // Declared up front: a property added to requests later changes their shape and slows every
  // request Fastify handles (V8 hidden classes).
  if (!app.hasRequestDecorator('principal')) app.decorateRequest('principal', undefined);
  const basicRefused = (): WsmanFault => {
    const where = opts.httpsWhere?.();
    return new WsmanFault('wsman:AccessDenied', { reason: `Basic authentication over plain HTTP is refused by this service; use HTTPS${where ? ` (${where})` : ''}.` });
  };
  const sendFault = (reply: FastifyReply, fault: WsmanFault): FastifyReply => {
    answeredEarly(reply, opts.linger);
    const out = faultOutcome(fault, undefined, 'get');
    return out.kind === 'reply' ? send(reply, out.status, out.xml, 'utf-8') : reply;
  };
  // A listener that refuses Basic does not ask for it either: a 401 challenge would invite the
  // password in clear, only to refuse it.
  const unauthorized = (reply: FastifyReply): FastifyReply => {
    answeredEarly(reply, opts.linger);
    return opts.refuseBasic
      ? sendFault(reply, basicRefused())
      : reply.code(401).header('WWW-Authenticate', WWW_AUTHENTICATE).header('Content-Length', '0').send();
  };

  const locked = (req: FastifyRequest, reply: FastifyReply, retryAfterS: number): void => {
    req.log.warn({ remote: req.ip }, 'login refused: too many failed logins from this address');
    answeredEarly(reply, opts.linger);
    void reply.code(401).header('WWW-Authenticate', WWW_AUTHENTICATE).header('Retry-After', String(retryAfterS)).header('Content-Length', '0').send();
  };

  /**
   * A login XenAPI has to check, in its turn among the address's and after the throttle's
   * delay; undefined once an answer is sent.
   */
  const login = async (req: FastifyRequest, reply: FastifyReply, creds: BasicCredentials, proven: boolean): Promise<Principal | undefined> => {
    // Credentials xapi accepted lately (a poller whose remembered login expired) are checked
    // at once, outside the address's turns and lock; the outcome counts as any other's.
    const admission: Admission = proven ? { kind: 'go', delayMs: 0, done: (outcome) => opts.throttle.settle(req.ip, creds.user, outcome) } : await opts.throttle.admit(req.ip, creds.user);
    if (admission.kind === 'locked') {
      locked(req, reply, admission.retryAfterS);
      return undefined;
    }
    let principal: Principal | undefined;
    try {
      if (admission.delayMs > 0) await new Promise((r) => setTimeout(r, admission.delayMs));
      // Gone while it waited (closed, or timed out and answered 408): xapi is not asked for it.
      if (req.raw.socket.destroyed) {
        admission.done('error');
        return undefined;
      }
      principal = await opts.authenticator.authenticate(creds.user, creds.password, req.ip);
    } catch (err) {
      admission.done('error');
      req.log.warn({ err: describe(err) }, 'credentials could not be checked');
      void sendFault(reply, new WsmanFault('wsa:EndpointUnavailable', { detail: 'ResourceOffline', reason: 'The credentials cannot be checked now: the XenAPI back end does not answer.' }));
      return undefined;
    }
    admission.done(principal ? 'success' : 'failure');
    if (!principal) {
      req.log.info({ remote: req.ip }, 'login failed');
      unauthorized(reply);
    }
    return principal;
  };

  // Credentials are checked before the body is read, so no one without them can make us parse much.
  // A callback-style hook: everything up to a remembered login is decided at once, without the
  // cost of a promise chain; only a login XenAPI has to check waits. Once it has answered, the
  // hook does not call done (Fastify's rule for replying from a hook).
  const authenticate = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void => {
    // Idle time on the socket until the handler runs (the body has come): a body that stops
    // arriving closes the connection. Node sets the keep-alive timeout again after the answer.
    req.raw.socket.setTimeout(opts.bodyTimeoutMs);
    awaitingBody.add(req.raw.socket);
    // MS-WSMV: an Identify asked for unauthenticated is served as such, whatever credentials
    // come along (right, wrong or broken): they are not read, so the request goes on without a
    // principal (no security profiles in the answer) and anything but Identify is refused.
    const anonymous = identifyUnauthenticated(req.headers['wsmanidentify']);
    const header = req.headers.authorization;
    if (!anonymous && header !== undefined && !opts.refuseBasic) {
      const known = connectionLogins.get(req.raw.socket);
      if (known !== undefined && known.header === header && opts.authenticator.stillRemembered?.(known.principal) === true) {
        req.principal = known.principal;
        return done();
      }
    }
    const creds = anonymous ? undefined : parseBasic(header);
    if (creds === null) return void unauthorized(reply);
    if (creds === undefined) {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > opts.anonymousBodyLimit) return void unauthorized(reply);
      return done();
    }
    if (opts.refuseBasic) {
      // The password already crossed the network in clear; at least do not use it.
      return void sendFault(reply, basicRefused());
    }
    // A login XenAPI accepted a moment ago stands even while the address is slowed or locked:
    // failed guesses from one address (a NAT, a proxy) must not stop the pollers behind it. It
    // does not clear the address's failures either, or a guesser could hide behind them.
    const remembered = opts.authenticator.remembered?.(creds.user, creds.password, req.ip);
    if (remembered) {
      req.principal = remembered;
      if (header !== undefined) connectionLogins.set(req.raw.socket, { header, principal: remembered });
      return done();
    }
    // Locked now: refused without a wait for a turn, unless xapi accepted these credentials lately.
    const proven = opts.authenticator.provenBefore?.(creds.user, creds.password) === true;
    const verdict = opts.throttle.check(req.ip);
    if (verdict.kind === 'locked' && !proven) return locked(req, reply, verdict.retryAfterS);
    login(req, reply, creds, proven).then(
      (principal) => {
        if (!principal) return;
        req.principal = principal;
        done();
      },
      (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
    );
  };

  const handler = async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    // The body is here; an operation may now take as long as its OperationTimeout allows.
    req.raw.socket.setTimeout(0);
    awaitingBody.delete(req.raw.socket);
    const media = parseContentType(req.headers['content-type']);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!req.principal && body.length > opts.anonymousBodyLimit) return unauthorized(reply);
    let encoding: Encoding = 'utf-8';
    let text: string;
    try {
      if (!SOAP_TYPES.has(media.type)) {
        throw new WsmanFault('wsman:EncodingLimit', { detail: 'EncodingType', reason: 'The request must be application/soap+xml (or text/xml).' });
      }
      // A compressed body would otherwise be taken for text in a broken character set.
      const coding = req.headers['content-encoding']?.trim().toLowerCase();
      if (coding !== undefined && coding !== '' && coding !== 'identity') {
        throw new WsmanFault('wsman:EncodingLimit', { detail: 'EncodingType', reason: `The request body has Content-Encoding ${coding.slice(0, 40)}, which this service does not decode; send it uncompressed.` });
      }
      const decoded = decodeBody(body, media.charset);
      encoding = decoded.encoding;
      text = decoded.text;
    } catch (err) {
      if (!req.principal) return unauthorized(reply);
      const out = faultOutcome(err, undefined, 'get');
      return out.kind === 'reply' ? send(reply, out.status, out.xml, encoding) : unauthorized(reply);
    }
    const outcome = await dispatchWsman(
      {
        xml: text,
        principal: req.principal,
        transport: { bytesPerChar: encoding === 'utf-8' ? 1 : 2 },
        xmlLimits: opts.xmlLimits,
      },
      opts.deps,
    );
    if (outcome.kind === 'unauthenticated') return unauthorized(reply);
    if (outcome.fault?.subcode === 'wsman:InternalError') req.log.error({ err: describe(outcome.cause) }, 'internal error');
    // Not on TLS: there the next request's bytes can reach Node's HTTP parser while it is paused
    // for a large answer still being written (HPE_PAUSED, the connection dropped).
    if ((req.raw.socket as TLSSocket).encrypted !== true) await endOfIoRound();
    return send(reply, outcome.status, outcome.xml, encoding, outcome.soap11 === true);
  };

  // An access log without credentials: who, what status, how long.
  const accessLog = (req: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    req.log.info({ user: req.principal?.user ?? null, remote: req.ip, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'wsman request');
    done();
  };

  // Without an info-level logger (tests, the benchmark, --log-level warn) the hook would only cost.
  const log = app.log as { isLevelEnabled?: (level: string) => boolean };
  const logsRequests = typeof log.isLevelEnabled === 'function' && log.isLevelEnabled('info');
  const preParsing = capAnonymousBody(opts.anonymousBodyLimit);
  for (const url of opts.paths) app.post(url, logsRequests ? { onRequest: authenticate, preParsing, onResponse: accessLog } : { onRequest: authenticate, preParsing }, handler);
}

/**
 * /wsman-anon/identify (DSP0226 R5.3-1/2: the anonymous endpoint): Identify without
 * credentials, whatever the request carries, and without security profiles or back-end details.
 */
export function registerAnonymousIdentify(app: FastifyInstance, deps: WsmanDeps): void {
  const answer = async (_req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => send(reply, 200, anonymousIdentify(deps), 'utf-8');
  app.get('/wsman-anon/identify', answer);
  app.post('/wsman-anon/identify', answer);
}

/**
 * Resolves once the event loop has handled the rest of the current round of I/O (Node's check
 * phase). Answers to the requests that arrived together are then written together, one after
 * another, instead of one between each two requests: under load a client (or a local reverse
 * proxy) is woken for a burst of answers, not for each, which on a shared machine costs the
 * gateway more than the answer itself. An answer waits at most for the other requests of its
 * round to be handled (tens of µs each).
 */
let ioRoundEnd: Promise<void> | undefined;
function endOfIoRound(): Promise<void> {
  ioRoundEnd ??= new Promise((resolve) => setImmediate(() => {
    ioRoundEnd = undefined;
    resolve();
  }));
  return ioRoundEnd;
}

function send(reply: FastifyReply, status: number, xml: XmlText, encoding: Encoding, soap11 = false): FastifyReply {
  const { body, contentType } = encodeReply(xml, encoding, soap11 ? 'text/xml' : undefined);
  return reply.code(status).header('Content-Type', contentType).send(body);
}

/**
 * An answer given before the body was read: the connection is no longer waiting for one, and
 * what the client still sends of it is read and dropped within limits (lingering-close.ts): a
 * 401 no longer lets a client without credentials have its Content-Length's worth read.
 */
function answeredEarly(reply: FastifyReply, linger: LingerLimits | undefined): void {
  const socket = reply.raw.socket;
  if (socket) awaitingBody.delete(socket);
  lingerUntilBodyEnds(reply.request.raw, linger);
}

/**
 * A body sent in chunks by a caller without credentials, cut at the size such callers may send
 * (with a Content-Length it is refused before it is read): past it the parser fails, and the
 * error handler answers 401.
 */
function capAnonymousBody(limit: number): (req: FastifyRequest, reply: FastifyReply, payload: Readable, done: (err: Error | null, stream?: Readable) => void) => void {
  return (req, _reply, payload, done) => {
    if (req.principal !== undefined || req.headers['content-length'] !== undefined) return done(null, payload);
    let seen = 0;
    const capped = new Transform({
      transform(chunk: Buffer, _encoding, next) {
        seen += chunk.length;
        next(seen > limit ? new Error(`a body without credentials larger than ${limit} bytes`) : null, chunk);
      },
    });
    payload.on('error', (err) => capped.destroy(err));
    done(null, payload.pipe(capped));
  };
}

/** Errors as log fields, without anything a request carried in its headers. */
function describe(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: 'unknown', message: String(err) };
}
