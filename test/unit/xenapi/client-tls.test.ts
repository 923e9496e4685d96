// An xapi over HTTPS with a self-signed certificate (the XenServer default): refused as
// untrusted, and said so, unless --xapi-insecure-tls accepts it.
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { makeSelfSigned } from '../../../src/http/self-signed.js';
import { XenApiClient } from '../../../src/xenapi/client.js';
import { XenTransportError } from '../../../src/xenapi/errors.js';
import { describeFeedFailure } from '../../../src/xenapi/model-health.js';

t.test('a self-signed xapi certificate', async (t) => {
  const pair = makeSelfSigned(['127.0.0.1']);
  const answer = '<?xml version="1.0"?><methodResponse><params><param><value><struct><member><name>Status</name><value>Success</value></member><member><name>Value</name><value>OpaqueRef:s</value></member></struct></value></param></params></methodResponse>';
  const server = createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'text/xml' }).end(answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const strict = new XenApiClient(url, { timeoutMs: 5000 });
  t.teardown(() => strict.close());
  const err = await strict.call('session.login_with_password', ['root', 'xenroot']).catch((e: unknown) => e);
  t.ok(err instanceof XenTransportError && err.kind === 'untrusted', 'refused as untrusted');
  t.equal(describeFeedFailure(err), 'TLS certificate not trusted (a self-signed one needs --xapi-insecure-tls)', 'and what /health and the start-up line say names the option');

  const lenient = new XenApiClient(url, { timeoutMs: 5000, insecureTls: true });
  t.teardown(() => lenient.close());
  t.equal(await lenient.call('session.login_with_password', ['root', 'xenroot']), 'OpaqueRef:s', 'accepted with --xapi-insecure-tls');
});
