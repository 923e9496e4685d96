// The XenAPI client against the simulator's failure controls: deadlines, failure kinds,
// following HOST_IS_SLAVE to the master and back, and the keep-alive race.
import t from 'tap';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSimulator } from '../../../src/sim/simulator.js';
import { masterUrl, XenApiClient } from '../../../src/xenapi/client.js';
import { XenApiError, XenTransportError } from '../../../src/xenapi/errors.js';
import { login } from '../../../src/xenapi/session.js';
import { describeFeedFailure } from '../../../src/xenapi/model-health.js';

const failure = async (work: Promise<unknown>): Promise<unknown> => {
  try {
    await work;
  } catch (err) {
    return err;
  }
  throw new Error('no failure');
};

t.test('masterUrl: the master address with the configured scheme, path and port', async (t) => {
  const https = new URL('https://xs01.example:8443/');
  const plain = new URL('http://10.0.0.1');
  t.equal(masterUrl(https, '10.0.0.2')?.href, 'https://10.0.0.2:8443/', 'the configured port');
  t.equal(masterUrl(plain, 'xs02.example')?.href, 'http://xs02.example/', 'the default port stays default');
  t.equal(masterUrl(plain, ' 127.0.0.1:9000 ')?.href, 'http://127.0.0.1:9000/', 'a port given with the address wins');
  t.equal(masterUrl(https, 'fd00::2')?.href, 'https://[fd00::2]:8443/', 'a bare IPv6 address');
  t.equal(masterUrl(https, '[fd00::2]:9443')?.href, 'https://[fd00::2]:9443/');
  t.equal(masterUrl(https, '[fd00::3]')?.href, 'https://[fd00::3]:8443/');
  for (const bad of ['', 'evil.example/path', 'user@host', 'host:0', 'host:70000', 'http://x', 'a b']) {
    t.equal(masterUrl(https, bad), undefined, `"${bad}" is refused`);
  }
});

t.test('a slow answer fails with a timeout at the deadline; a closed port is "refused"', async (t) => {
  const sim = await startSimulator({ delayMs: 2000 });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 200 });
  t.teardown(() => client.close());
  const start = Date.now();
  const slow = await failure(login(client, 'root', 'xenroot', 't'));
  const ms = Date.now() - start;
  t.ok(slow instanceof XenTransportError && slow.kind === 'timeout' && slow.timedOut, 'a timeout');
  t.ok(ms >= 190 && ms < 800, `after the deadline (${ms} ms)`);
  await sim.setMode({ delayMs: 0, refuse: true });
  const refused = await failure(login(client, 'root', 'xenroot', 't'));
  t.ok(refused instanceof XenTransportError && refused.kind === 'refused' && !refused.timedOut, 'refused');
  const cut = new XenApiClient(sim.url, { timeoutMs: 1000 });
  t.teardown(() => cut.close());
  await sim.setMode({ refuse: false, dropNext: 1 });
  const lost = await failure(cut.call('VM.start', ['OpaqueRef:x', 'OpaqueRef:y', false, false]));
  t.ok(lost instanceof XenTransportError && lost.kind === 'connection', 'a cut connection');
});

t.test('a call with a signal of its own (the event feed\'s) still times out after garbage collections', async (t) => {
  // A hung xapi: it takes the connection and never answers.
  const hung = createServer(() => undefined);
  await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
  t.teardown(() => {
    hung.closeAllConnections();
    hung.close();
  });
  const client = new XenApiClient(`http://127.0.0.1:${(hung.address() as AddressInfo).port}`, { timeoutMs: 300 });
  t.teardown(() => client.close());
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const caller = new AbortController();
  const start = Date.now();
  const call = failure(client.call('event.from', [['VM'], '', 30], { signal: caller.signal }));
  // Collections while the call waits (Node 20 could collect the timeout signal inside AbortSignal.any()).
  const collecting = setInterval(gc, 50);
  const answer = await Promise.race([call, new Promise((r) => setTimeout(() => r('still waiting'), 3000))]);
  clearInterval(collecting);
  t.ok(answer instanceof XenTransportError && answer.kind === 'timeout', `timed out (${String(answer)})`);
  t.ok(Date.now() - start < 1500, 'at its deadline');
  // Many calls at once under one caller's signal (the event feed's full load) add no listener each to it.
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.name);
  process.on('warning', onWarning);
  const shared = new AbortController();
  const many = Array.from({ length: 30 }, () => failure(client.call('VM.get_all_records', [], { signal: shared.signal, timeoutMs: 10_000 })));
  shared.abort();
  await Promise.all(many);
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  t.notOk(warnings.includes('MaxListenersExceededWarning'), 'no MaxListenersExceededWarning');
  // The caller's own abort still ends a call at once.
  const aborted = new AbortController();
  const early = failure(client.call('event.from', [['VM'], '', 30], { signal: aborted.signal, timeoutMs: 10_000 }));
  aborted.abort();
  const stopped = await early;
  t.ok(stopped instanceof XenTransportError && stopped.kind !== 'timeout', 'aborted by its caller, not timed out');
});

t.test('a host name that does not resolve, and an https:// URL on a plain-HTTP server, are told apart from a lost connection', async (t) => {
  const unknown = new XenApiClient('http://xs01.invalid', { timeoutMs: 5000 });
  t.teardown(() => unknown.close());
  const notFound = await failure(unknown.call('session.login_with_password', ['root', 'x']));
  t.ok(notFound instanceof XenTransportError && notFound.kind === 'unknown-host', `unknown host (${String(notFound)})`);
  t.equal(describeFeedFailure(notFound), 'host name not found (check --xapi-url)');
  const plain = createServer((_req, res) => res.end('hello'));
  await new Promise<void>((r) => plain.listen(0, '127.0.0.1', r));
  t.teardown(() => plain.close());
  const tls = new XenApiClient(`https://127.0.0.1:${(plain.address() as AddressInfo).port}`, { timeoutMs: 2000 });
  t.teardown(() => tls.close());
  const notTls = await failure(tls.call('session.login_with_password', ['root', 'x']));
  t.ok(notTls instanceof XenTransportError && notTls.kind === 'not-tls', `not TLS (${String(notTls)})`);
  t.match(describeFeedFailure(notTls), /does not speak TLS/);
});

t.test('answers that are not XenAPI are "protocol" failures', async (t) => {
  const server = createServer((req, res) => {
    req.resume();
    if (req.url === '/html') {
      res.writeHead(500, { 'Content-Type': 'text/html' }).end('<html>oops</html>');
      return;
    }
    const body = req.url === '/fault'
      ? '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>1</int></value></member></struct></value></fault></methodResponse>'
      : req.url === '/nostatus'
        ? '<methodResponse><params><param><value><struct><member><name>Value</name><value>x</value></member></struct></value></param></params></methodResponse>'
        : req.url === '/scalar'
          ? '<methodResponse><params><param><value>x</value></param></params></methodResponse>'
          : 'not xml';
    res.writeHead(200, { 'Content-Type': 'text/xml' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => new Promise<void>((r) => server.close(() => r())));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const path of ['/html', '/fault', '/nostatus', '/scalar', '/garbage']) {
    const client = new XenApiClient(`${base}${path}`, { timeoutMs: 1000 });
    const err = await failure(client.call('VM.get_all', ['s']));
    client.close();
    t.ok(err instanceof XenTransportError && err.kind === 'protocol', `${path}: ${String(err)}`);
  }
});

t.test('HOST_IS_SLAVE: the call goes to the master, and so does every later call', async (t) => {
  const master = await startSimulator({ vms: 1 });
  const member = await startSimulator({ vms: 1, slaveOf: `127.0.0.1:${master.port}` });
  t.teardown(async () => {
    await member.close();
    await master.close();
  });
  const moves: string[] = [];
  const client = new XenApiClient(member.url, { timeoutMs: 2000, onEndpointChange: (to, why) => moves.push(`${to} ${why}`) });
  t.teardown(() => client.close());
  t.equal(client.endpoint, member.url);
  const s = await login(client, 'root', 'xenroot', 't');
  t.equal(client.endpoint, master.url, 'it talks to the master now');
  t.equal(client.configuredEndpoint, member.url);
  t.match(moves, [new RegExp(`^${master.url} 127\\.0\\.0\\.1:\\d+ is a pool member`)]);
  t.ok((await client.call('VM.get_all', [s])) instanceof Array, 'the session is good on the master');
  t.equal(member.faultStats.slaveAnswers, 1, 'one HOST_IS_SLAVE, then straight to the master');

  // The master goes away: the next call fails, and the one after starts from the configured host.
  await master.setMode({ refuse: true });
  const gone = await failure(client.call('VM.get_all', [s]));
  t.ok(gone instanceof XenTransportError && gone.kind === 'refused');
  t.equal(client.endpoint, member.url, 'back to the configured address');
  // Meanwhile the member became the master itself.
  await member.becomeMaster();
  const s2 = await login(client, 'root', 'xenroot', 't');
  t.equal(client.endpoint, member.url);
  t.ok((await client.call('VM.get_all', [s2])) instanceof Array);
});

t.test('HOST_IS_SLAVE naming an unusable address or this host itself is not followed', async (t) => {
  const sim = await startSimulator({ vms: 0, slaveOf: 'not a host' });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 2000 });
  t.teardown(() => client.close());
  const err = await failure(login(client, 'root', 'xenroot', 't'));
  t.ok(err instanceof XenApiError && err.code === 'HOST_IS_SLAVE', 'the error comes through');
  t.equal(client.endpoint, sim.url);
  await sim.becomeSlave(`127.0.0.1:${sim.port}`);
  const self = await failure(login(client, 'root', 'xenroot', 't'));
  t.ok(self instanceof XenApiError && self.code === 'HOST_IS_SLAVE', 'a member naming itself is not followed in a loop');
  t.equal(sim.faultStats.slaveAnswers, 2);
});

t.test('a keep-alive connection closed under a request: reads are sent again, writes are not', async (t) => {
  const sim = await startSimulator({ vms: 1 });
  t.teardown(() => sim.close());
  const client = new XenApiClient(sim.url, { timeoutMs: 2000 });
  t.teardown(() => client.close());
  const s = await login(client, 'root', 'xenroot', 't');
  // The next request rides the pooled connection, which the simulator cuts on arrival.
  await sim.setMode({ dropNext: 1 });
  t.ok((await client.call('VM.get_all', [s])) instanceof Array, 'a read is sent again on a new connection');
  t.equal(sim.faultStats.droppedRequests, 1);
  await sim.setMode({ dropNext: 1 });
  const write = await failure(client.call('VM.set_name_description', ['OpaqueRef:x', 'y']));
  t.ok(write instanceof XenTransportError && write.kind === 'connection', 'a write is not: it fails');
});
