// Stand-alone simulator: `npm run sim -- --port 8080 --vms 1000` (options in cli.ts).
import { HELP, parseCli } from './cli.js';
import { startSimulator } from './simulator.js';

async function main(): Promise<void> {
  const cmd = parseCli(process.argv.slice(2), process.env);
  if (cmd.help) {
    process.stdout.write(HELP);
    return;
  }
  const sim = await startSimulator(cmd.options);
  process.stdout.write(`listening ${sim.url}\n`);
  if (sim.master !== undefined) process.stdout.write(`pool member of ${sim.master}: every call answers HOST_IS_SLAVE\n`);
  for (const u of sim.users) process.stdout.write(`user ${u.name} password ${u.password} role ${u.role}\n`);
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Failure drills against a running simulator (README "The simulator alone").
  process.on('SIGHUP', () => {
    sim.restart().then(
      () => process.stdout.write('restarted\n'),
      (err: unknown) => process.stderr.write(`xensim: restart failed: ${err instanceof Error ? err.message : String(err)}\n`),
    );
  });
  process.on('SIGUSR2', () => process.stdout.write(`dropped ${sim.dropConnections()} connections\n`));
}

main().catch((err: unknown) => {
  process.stderr.write(`xensim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
