// Answers to requests that never reach a route (timed out, malformed, headers too large): the
// bare status line, no body, and the connection closed. One form for Node's errors and the
// route's own 408, rather than Fastify's JSON.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';

/** A status with no body, closing the connection: written straight to the socket. */
export function bareStatus(status: number): string {
  return `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;
}

/** Fastify's clientErrorHandler: a request Node could not read. */
export function answerClientError(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
  if (socket.writable) socket.write(bareStatus(status));
  socket.destroy();
}
