// Process entry: configuration, the embedded simulator when no xapi is given, the gateway,
// the `listening` line, and a clean stop on SIGTERM/SIGINT. The only file that touches process.
import { createGateway, PRODUCT_NAME, PRODUCT_VERSION } from './app.js';
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
  let gateway;
  try {
    gateway = await createGateway({ ...config, ...service, xapiUrl }, { logger });
  } catch (err) {
    await sim?.close();
    process.stderr.write(`error: cannot load the model from XenAPI at ${xapiUrl}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  try {
    await gateway.app.listen({ host: config.host, port: config.httpPort });
  } catch (err) {
    await gateway.close();
    await sim?.close();
    process.stderr.write(`error: cannot listen on ${config.host}:${config.httpPort}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const address = gateway.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.httpPort;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const endpoint = `http://${host}:${port}/wsman`;

  const lines = [`listening ${endpoint}`];
  if (sim) {
    lines.push(`XenAPI: embedded simulator at ${sim.url} with ${config.simVms} guest VMs`);
    for (const u of sim.users) lines.push(`  user ${u.name}, password ${u.password} (${u.role})`);
    const first = sim.users[0];
    if (first) {
      lines.push('Try it with openwsman\'s wsman client:');
      lines.push(`  wsman enumerate http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ComputerSystem -h ${config.host} -P ${port} -u ${first.name} -p ${first.password} --non-interactive`);
    }
  } else {
    lines.push(`XenAPI: ${xapiUrl} (service session as ${service.xapiUser}); clients log in with their own XenAPI credentials`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      process.stdout.write(`${signal}: stopping\n`);
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await gateway.close();
  await sim?.close();
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
