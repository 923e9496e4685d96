// Process entry: configuration, the embedded simulator when no xapi is given, the gateway,
// the `listening` line, and a clean stop on SIGTERM/SIGINT. The only file that touches process.
import type { FastifyInstance } from 'fastify';
import { createGateway, PRODUCT_NAME, PRODUCT_VERSION } from './app.js';
import { pairFromFiles, selfSignedInDir, type TlsPair } from './http/self-signed.js';
import { ConfigError, loadConfig, usage } from './config.js';
import { parseUsers } from './sim/cli.js';
import { DEFAULT_SIM_USERS, startSimulator, type Simulator } from './sim/simulator.js';

async function main(): Promise<number> {
  let config;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`error: ${err.message}\n\n${usage()}\n`);
      return 2;
    }
    throw err;
  }
  if (config.help) {
    process.stdout.write(`${PRODUCT_NAME} ${PRODUCT_VERSION}\n\n${usage()}\n`);
    return 0;
  }

  let sim: Simulator | undefined;
  let xapiUrl = config.xapiUrl;
  let service = { xapiUser: config.xapiUser, xapiPassword: config.xapiPassword };
  if (xapiUrl === undefined) {
    let users = DEFAULT_SIM_USERS;
    try {
      if (config.simUsers !== undefined) users = parseUsers(config.simUsers);
    } catch (err) {
      process.stderr.write(`error: --sim-users: ${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
    // With users of one's own, the service session logs in as the first pool admin among them.
    const admin = users.find((u) => u.role === 'pool-admin');
    if (!users.some((u) => u.name === service.xapiUser && u.password === service.xapiPassword) && admin) {
      service = { xapiUser: admin.name, xapiPassword: admin.password };
    }
    sim = await startSimulator({ vms: config.simVms, users });
    xapiUrl = sim.url;
  }
  const logger = config.logLevel === 'silent' ? false : { level: config.logLevel };
  let tls: TlsPair | undefined;
  if (config.httpsPort !== undefined) {
    try {
      tls = config.tlsCert && config.tlsKey ? pairFromFiles(config.tlsCert, config.tlsKey) : selfSignedInDir(config.dataDir);
    } catch (err) {
      await sim?.close();
      process.stderr.write(`error: cannot load the TLS certificate and key: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  // xapi first reached after start-up may still refuse the service session: that ends the
  // gateway as a refusal at start-up does (exit 1), instead of repeating wrong credentials.
  const cannotLoad = (err: unknown): string => `error: cannot load the model from XenAPI at ${xapiUrl}: ${err instanceof Error ? err.message : String(err)}\n`;
  let refused: string | undefined;
  let stopForRefusal: (() => void) | undefined;
  const onXapiRefused = (err: unknown): void => {
    refused = cannotLoad(err);
    stopForRefusal?.();
  };
  let gateway;
  try {
    gateway = await createGateway({ ...config, ...service, xapiUrl }, { logger, onXapiRefused, ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}) });
  } catch (err) {
    await sim?.close();
    process.stderr.write(cannotLoad(err));
    return 1;
  }
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const endpoints: string[] = [];
  const listen = async (app: FastifyInstance | undefined, port: number | undefined, scheme: string): Promise<number | undefined> => {
    if (!app || port === undefined) return undefined;
    await app.listen({ host: config.host, port });
    const address = app.server.address();
    const actual = typeof address === 'object' && address ? address.port : port;
    endpoints.push(`${scheme}://${host}:${actual}/wsman`);
    return actual;
  };
  let httpPort: number | undefined;
  let httpsPort: number | undefined;
  try {
    httpPort = await listen(gateway.app, config.httpPort, 'http');
    httpsPort = await listen(gateway.httpsApp, config.httpsPort, 'https');
  } catch (err) {
    await gateway.close();
    await sim?.close();
    process.stderr.write(`error: cannot listen on ${config.host}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }

  const lines = [`listening ${endpoints.join(' ')}`];
  if (tls) lines.push(`TLS certificate${tls.created ? ' (self-signed, made now in ' + config.dataDir + ')' : config.tlsCert ? '' : ' (self-signed, from ' + config.dataDir + ')'}: SHA-256 fingerprint ${tls.fingerprint}`);
  if (httpPort !== undefined && config.refuseBasicOverHttp) lines.push(`Basic credentials are refused on plain HTTP (port ${httpPort}); use HTTPS, or --basic-over-http allow`);
  if (sim) {
    lines.push(`XenAPI: embedded simulator at ${sim.url} with ${config.simVms} guest VMs`);
    for (const u of sim.users) lines.push(`  user ${u.name}, password ${u.password} (${u.role})`);
    const first = sim.users[0];
    if (first) {
      lines.push('Try it with openwsman\'s wsman client:');
      const cs = 'http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem';
      if (httpPort !== undefined && !config.refuseBasicOverHttp) lines.push(`  wsman enumerate ${cs} -h ${config.host} -P ${httpPort} -u ${first.name} -p ${first.password} --non-interactive`);
      if (httpsPort !== undefined) lines.push(`  wsman enumerate ${cs} -h ${config.host} -P ${httpsPort} -u ${first.name} -p ${first.password} --non-interactive --https -V -v`);
    }
  } else {
    lines.push(`XenAPI: ${xapiUrl} (service session as ${service.xapiUser}); clients log in with their own XenAPI credentials`);
    if (gateway.model.state === 'loading') {
      lines.push(`  not answering yet (${gateway.model.lastFailure ?? 'no answer'}): trying again in the background; until it answers, requests are answered wsa:EndpointUnavailable and GET /health says why`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`${signal}: stopping\n`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    stopForRefusal = resolve;
    if (refused !== undefined) resolve();
  });
  await gateway.close();
  await sim?.close();
  if (refused !== undefined) {
    process.stderr.write(refused);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`fatal: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
