// RFC 9112 §9.6: a server that answers and closes while the client is still sending its body
// must not close at once. The kernel answers the bytes still arriving with a reset, and a client
// busy sending (Node's http, urllib3 under pywinrm) then fails with EPIPE/ECONNRESET and never
// reads the answer (a body over --body-limit got "connection reset" instead of the EncodingLimit
// fault). The connection is closed once the client has sent the rest of its request, read and
// dropped, or once it has sent too much or taken too long.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';

export interface LingerLimits {
  /** longest wait for the rest of the body after the answer, in ms */
  readonly ms: number;
  /** most bytes read and dropped after the answer */
  readonly bytes: number;
}

export const DEFAULT_LINGER: LingerLimits = { ms: 5_000, bytes: 64 * 1024 * 1024 };

const lingering = new WeakSet<IncomingMessage>();

/**
 * Called before an answer that leaves the request's body unread (and closes the connection):
 * Node's close after the answer waits until the body has ended, the limits are reached, or the
 * client goes away.
 */
export function lingerUntilBodyEnds(req: IncomingMessage, limits: LingerLimits = DEFAULT_LINGER): void {
  const socket: Socket = req.socket;
  // Once per request: a second hold would keep the first one's stand-in for destroySoon().
  if (req.complete || socket.destroyed || lingering.has(req)) return;
  lingering.add(req);
  // Node ends the connection after a closing answer with destroySoon(): held until the body ends.
  const destroySoon = socket.destroySoon;
  let closeAsked = false;
  let dropped = 0;
  let done = false;
  const finish = (close: () => void): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', drop);
    socket.destroySoon = destroySoon;
    close();
  };
  const drop = (chunk: Buffer): void => {
    dropped += chunk.length;
    if (dropped > limits.bytes) finish(() => socket.destroy());
  };
  const timer = setTimeout(() => finish(() => socket.destroy()), limits.ms);
  timer.unref();
  req.on('data', drop);
  req.once('end', () => finish(() => (closeAsked ? socket.destroySoon() : undefined)));
  socket.once('close', () => finish(() => undefined));
  socket.destroySoon = () => {
    closeAsked = true;
  };
  req.resume();
}
