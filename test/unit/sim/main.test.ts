import t from 'tap';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { HELP, parseCli } from '../../../src/sim/cli.js';
import { DEFAULT_SIM_USERS } from '../../../src/sim/simulator.js';
import { login, rpcClient } from '../../helpers/sim-client.js';

const MAIN = fileURLToPath(new URL('../../../src/sim/main.ts', import.meta.url));

/** Runs src/sim/main.ts in a child with the same TypeScript loader as this test. */
function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [...process.execArgv, MAIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const line = (re: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const m = out.match(re);
        if (m) resolve(m);
      };
      child.stdout.on('data', check);
      void exited.then(() => (out.match(re) ? check() : reject(new Error(`exited without ${String(re)}: ${out} ${err}`))));
      check();
    });
  return { child, exited, line, output: () => out, errors: () => err };
}

t.test('the CLI prints its URL and users, serves, and exits 0 on SIGTERM and on SIGINT', async (t) => {
  // Both children run at once: each pays for loading TypeScript.
  const byArgs = run(['--vms', '7', '--users', 'alice:pw:pool-admin,bob:pw2:read-only']);
  const byEnv = run([], { XENSIM_VMS: '2', XENSIM_HOST: '127.0.0.1', XENSIM_PORT: '0' });
  const [[, url1], [, url2]] = await Promise.all([byArgs.line(/^listening (http:\/\/127\.0\.0\.1:\d+)\n/m), byEnv.line(/^listening (http:\/\/127\.0\.0\.1:\d+)\n/m)]);
  await byArgs.line(/bob password pw2 role read-only/);
  t.match(byArgs.output(), /user alice password pw role pool-admin/);
  const rpc = rpcClient(url1 ?? '');
  const s = await login(rpc, 'alice', 'pw');
  t.equal((await rpc.ok<string[]>('VM.get_by_name_label', s, 'vm-00007')).length, 1, 'seeded 7 guests');
  t.equal((await rpc.ok<string[]>('VM.get_by_name_label', s, 'vm-00008')).length, 0);
  const rpc2 = rpcClient(url2 ?? '');
  const s2 = await login(rpc2);
  t.equal((await rpc2.ok<string[]>('VM.get_by_name_label', s2, 'db-01')).length, 1);
  t.equal((await rpc2.ok<string[]>('VM.get_by_name_label', s2, 'build-agent')).length, 0, 'XENSIM_VMS=2');
  byArgs.child.kill('SIGTERM');
  byEnv.child.kill('SIGINT');
  t.same(await Promise.all([byArgs.exited, byEnv.exited]), [0, 0]);
});

t.test('parseCli reads options and environment, and rejects bad values', async (t) => {
  t.same(parseCli(['--help'], {}), { help: true });
  t.match(HELP, /--port P/);
  t.match(HELP, /--vms N/);
  t.match(HELP, /--users LIST/);
  t.same(parseCli(['--port', '8080', '--vms', '100', '--host', '0.0.0.0'], {}), { help: false, options: { users: DEFAULT_SIM_USERS, host: '0.0.0.0', port: 8080, vms: 100 } });
  t.same(parseCli([], { XENSIM_PORT: '9000', XENSIM_VMS: '3', XENSIM_HOST: '::1' }), { help: false, options: { users: DEFAULT_SIM_USERS, host: '::1', port: 9000, vms: 3 } });
  t.same(parseCli(['--vms', '4'], { XENSIM_VMS: '3' }), { help: false, options: { users: DEFAULT_SIM_USERS, vms: 4 } }, 'flags win over env');
  t.same(parseCli(['--task-ms', '0'], {}), { help: false, options: { users: DEFAULT_SIM_USERS, taskDurationMs: 0 } });
  t.same(parseCli([], { XENSIM_TASK_MS: '50' }), { help: false, options: { users: DEFAULT_SIM_USERS, taskDurationMs: 50 } });
  t.match(HELP, /--task-ms N/);
  t.same(parseCli(['--users', 'a:b:read-only'], {}), { help: false, options: { users: [{ name: 'a', password: 'b', role: 'read-only' }] } });
  t.throws(() => parseCli(['--vms', 'many'], {}), /vms must be a non-negative integer/);
  t.throws(() => parseCli(['--port=-1'], {}), /port must be a non-negative integer/);
  t.throws(() => parseCli(['--users', 'x:y:superuser'], {}), /bad user/);
  t.throws(() => parseCli(['--bogus'], {}));
});

t.test('--help prints the options; a bad option exits 2 with a message', async (t) => {
  const help = run(['--help']);
  const bad = run(['--vms', 'many']);
  t.same(await Promise.all([help.exited, bad.exited]), [0, 2]);
  t.equal(help.output(), HELP);
  t.match(bad.errors(), /xensim: vms must be a non-negative integer/);
});

t.test('failure drills: --delay-ms, --slave-of, SIGHUP restarts, SIGUSR2 cuts connections', async (t) => {
  t.same(parseCli(['--delay-ms', '250', '--slave-of', '10.0.0.1'], {}), { help: false, options: { users: DEFAULT_SIM_USERS, delayMs: 250, slaveOf: '10.0.0.1' } });
  t.same(parseCli([], { XENSIM_DELAY_MS: '5', XENSIM_SLAVE_OF: 'master.example' }), { help: false, options: { users: DEFAULT_SIM_USERS, delayMs: 5, slaveOf: 'master.example' } });
  t.match(HELP, /--delay-ms N/);
  t.match(HELP, /--slave-of ADDR/);
  t.match(HELP, /SIGHUP restarts/);
  t.throws(() => parseCli(['--delay-ms', 'slow'], {}), /delay-ms must be a non-negative integer/);

  const member = run(['--slave-of', '192.0.2.7', '--delay-ms', '1']);
  const [, url] = await member.line(/^listening (http:\/\/127\.0\.0\.1:\d+)\n/m);
  t.ok(await member.line(/^pool member of 192\.0\.2\.7: every call answers HOST_IS_SLAVE$/m), 'it says it is a pool member');
  const rpc = rpcClient(url ?? '');
  t.same(await rpc.fail('session.login_with_password', 'root', 'xenroot'), ['HOST_IS_SLAVE', '192.0.2.7']);
  member.child.kill('SIGUSR2');
  await member.line(/^dropped \d+ connections$/m);
  member.child.kill('SIGHUP');
  await member.line(/^restarted$/m);
  member.child.kill('SIGTERM');
  t.equal(await member.exited, 0);
});
