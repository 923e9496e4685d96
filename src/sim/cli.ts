// Command-line and environment parsing for the stand-alone simulator (main.ts).
import { parseArgs } from 'node:util';
import { DEFAULT_SIM_USERS, type SimUser, type SimulatorOptions } from './simulator.js';

export const HELP = `Usage: npm run sim -- [options]

Runs the embedded XenAPI simulator: XML-RPC on HTTP, as xapi speaks it.

Options:
  --host H        address to listen on (env XENSIM_HOST; default 127.0.0.1)
  --port P        port to listen on (env XENSIM_PORT; default 0 = any free port)
  --vms N         guest VMs to seed (env XENSIM_VMS; default 5): up to 5 are the named
                  guests web-01, db-01, build-agent, win2019-test, legacy-app; beyond that
                  vm-00006, vm-00007, … are generated
  --users LIST    users as name:password:role,... with role pool-admin or read-only
                  (default root:xenroot:pool-admin,monitor:monitor:read-only)
  --task-ms N     how long Async.* tasks stay pending before they complete
                  (env XENSIM_TASK_MS; default 300; 0 = on the next tick)
  --delay-ms N    answer slowly: every call waits N ms before it is served
                  (env XENSIM_DELAY_MS; default 0)
  --slave-of ADDR behave as a pool member of the master at ADDR: every call, logins
                  first, answers HOST_IS_SLAVE [ADDR] (env XENSIM_SLAVE_OF)
  --help          show this text

When ready it prints "listening <url>" and the users. SIGTERM or SIGINT stops it;
SIGHUP restarts it (sessions invalid, event tokens reset, same port and objects);
SIGUSR2 cuts every open connection.
`;

export type CliCommand = { readonly help: true } | { readonly help: false; readonly options: SimulatorOptions };

/** Parses argv (without node and script) and the XENSIM_* environment; throws on bad input. */
export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliCommand {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      vms: { type: 'string' },
      users: { type: 'string' },
      'task-ms': { type: 'string' },
      'delay-ms': { type: 'string' },
      'slave-of': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) return { help: true };
  const users = values.users ?? env['XENSIM_USERS'];
  const options: SimulatorOptions = { users: users !== undefined && users !== '' ? parseUsers(users) : DEFAULT_SIM_USERS };
  const host = values.host ?? env['XENSIM_HOST'];
  if (host !== undefined && host !== '') options.host = host;
  const port = intOption(values.port ?? env['XENSIM_PORT'], 'port');
  if (port !== undefined) options.port = port;
  const vms = intOption(values.vms ?? env['XENSIM_VMS'], 'vms');
  if (vms !== undefined) options.vms = vms;
  const taskMs = intOption(values['task-ms'] ?? env['XENSIM_TASK_MS'], 'task-ms');
  if (taskMs !== undefined) options.taskDurationMs = taskMs;
  const delayMs = intOption(values['delay-ms'] ?? env['XENSIM_DELAY_MS'], 'delay-ms');
  if (delayMs !== undefined) options.delayMs = delayMs;
  const slaveOf = values['slave-of'] ?? env['XENSIM_SLAVE_OF'];
  if (slaveOf !== undefined && slaveOf !== '') options.slaveOf = slaveOf;
  return { help: false, options };
}

/** `name:password:role,...` (role pool-admin or read-only). */
export function parseUsers(list: string): SimUser[] {
  return list.split(',').map((item) => {
    const [name, password, role] = item.split(':');
    if (!name || password === undefined || (role !== 'pool-admin' && role !== 'read-only')) {
      throw new Error(`bad user "${item}": expected name:password:pool-admin|read-only`);
    }
    return { name, password, role };
  });
}

function intOption(value: string | undefined, what: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${what} must be a non-negative integer, got "${value}"`);
  return n;
}
