// The request body as raw bytes, for every content type, with an explicit size limit, so
// that no request gets Fastify's JSON 413/415 answers: the WS-Man route decides and
// answers with a SOAP fault.
import type { FastifyError, FastifyInstance } from 'fastify';
import { encodeFault } from '../soap/encode-fault.js';
import { WsmanFault } from '../soap/faults.js';
import { WWW_AUTHENTICATE } from './auth.js';
import { encodeReply } from './charset.js';
import { lingerUntilBodyEnds, type LingerLimits } from './lingering-close.js';

export interface SoapBodyOptions {
  readonly bodyLimit: number;
  /** after an answer given before the body was read, how much more of it is read (and dropped) before the connection closes */
  readonly linger?: LingerLimits;
}

export function registerSoapBody(app: FastifyInstance, opts: SoapBodyOptions): void {
  app.removeAllContentTypeParsers();
  const asBuffer = { parseAs: 'buffer', bodyLimit: opts.bodyLimit } as const;
  // The SOAP types by name as well: Fastify remembers the parser found for each Content-Type
  // header it has seen, but not the catch-all's, which it would look for by parsing the header
  // anew on every request.
  app.addContentTypeParser(['application/soap+xml', 'text/xml'], asBuffer, (_req, body, done) => done(null, body));
  app.addContentTypeParser('*', asBuffer, (_req, body, done) => done(null, body));

  app.setErrorHandler((err: FastifyError, req, reply) => {
    // Fastify closes the connection after this answer; the client may still be sending.
    lingerUntilBodyEnds(req.raw, opts.linger);
    // Nothing but a 401 for a caller not logged in (none, or an Identify asked for unauthenticated).
    if (!req.principal) {
      return reply.code(401).header('WWW-Authenticate', WWW_AUTHENTICATE).send();
    }
    const fault =
      err.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new WsmanFault('wsman:EncodingLimit', { detail: 'ServiceEnvelopeLimit', reason: `The request is larger than the ${opts.bodyLimit} bytes this service accepts.` })
        : err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
          // An empty or unparsable Content-Type (the route itself refuses well-formed other types alike).
          ? new WsmanFault('wsman:EncodingLimit', { detail: 'EncodingType', reason: 'The request must be application/soap+xml (or text/xml).' })
          : (err.statusCode ?? 500) < 500
            ? new WsmanFault('wsman:SchemaValidationError', { reason: 'The HTTP request could not be read.' })
            : new WsmanFault('wsman:InternalError', { reason: 'The service met an internal error; the request was not completed.' });
    if (fault.subcode === 'wsman:InternalError') req.log.error({ err: { name: err.name, message: err.message, stack: err.stack } }, 'internal error');
    const { body, contentType } = encodeReply(encodeFault(fault), 'utf-8');
    return reply.code(fault.httpStatus).header('Content-Type', contentType).send(body);
  });

  // The endpoint with another method is there, just not for that method (RFC 9110 §15.5.6).
  app.setNotFoundHandler((req, reply) =>
    /^\/wsman\/?(\?.*)?$/.test(req.url)
      ? reply.code(405).header('Allow', 'POST').type('text/plain').send('Method not allowed: the WS-Management endpoint is POST /wsman\n')
      : reply.code(404).type('text/plain').send('Not found: the WS-Management endpoint is POST /wsman\n'));
}
