// A local HTTP listener that hostile requests point their external entities, XIncludes,
// schema locations, stylesheets and reply addresses at. The gateway must never call it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Canary {
  /** http://127.0.0.1:PORT/canary */
  readonly url: string;
  /** requests received so far: method and path */
  readonly hits: readonly string[];
  close(): Promise<void>;
}

export async function startCanary(): Promise<Canary> {
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(`${req.method ?? '?'} ${req.url ?? ''}`);
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('canary');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/canary`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
