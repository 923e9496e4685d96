// A bare TCP connection to a test server, for what no HTTP client will send: requests cut off
// halfway, bodies that never end. It keeps everything received and says when the server closed.
import { connect, type Socket } from 'node:net';

export interface RawConnection {
  readonly socket: Socket;
  /** everything received so far, as latin1 text */
  text(): string;
  /** error codes seen (a reset, a write after the server closed) */
  readonly errors: string[];
  /** resolves once the connection has closed, with everything received and the ms since it opened */
  readonly closed: Promise<{ text: string; ms: number }>;
}

/** Opens a connection to 127.0.0.1:port and sends `bytes` (if any). */
export function rawConnection(port: number, bytes = ''): RawConnection {
  const t0 = performance.now();
  const socket = connect(port, '127.0.0.1');
  let text = '';
  const errors: string[] = [];
  socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
  socket.on('error', (e: NodeJS.ErrnoException) => errors.push(e.code ?? e.message));
  const closed = new Promise<{ text: string; ms: number }>((resolve) => socket.on('close', () => resolve({ text, ms: performance.now() - t0 })));
  if (bytes !== '') socket.write(bytes);
  return { socket, text: () => text, errors, closed };
}
