import t from 'tap';
import { ConfigError, loadConfig } from '../../src/config.js';

t.test('--enum-max-ttl: how long a client may keep a context with wsen:Expires', async (t) => {
  t.equal(loadConfig([], {}).enumerationMaxTtlMs, 3_600_000, 'an hour by default');
  t.equal(loadConfig(['--enum-ttl', '7200000'], {}).enumerationMaxTtlMs, 7_200_000, 'or --enum-ttl when that is longer');
  t.equal(loadConfig(['--enum-ttl', '5000', '--enum-max-ttl', '5000'], {}).enumerationMaxTtlMs, 5000, 'an operator who keeps contexts short keeps them short');
  t.equal(loadConfig(['--enum-ttl', '5000'], { WSMAN_ENUM_MAX_TTL_MS: '60000' }).enumerationMaxTtlMs, 60_000, 'from the environment');
  const refusal = (argv: string[]): unknown => {
    try {
      loadConfig(argv, {});
    } catch (err) {
      return err;
    }
    return undefined;
  };
  const short = refusal(['--enum-ttl', '60000', '--enum-max-ttl', '5000']);
  t.ok(short instanceof ConfigError && /--enum-max-ttl \(5000\) must not be shorter than --enum-ttl \(60000\)/.test(short.message), 'not shorter than --enum-ttl');
  t.ok(refusal(['--enum-max-ttl', 'soon']) instanceof ConfigError, 'a number');
});

t.test('durations that become timers are held to what a Node timer can wait (2^31 − 1 ms)', async (t) => {
  for (const option of ['--enum-ttl', '--enum-max-ttl', '--login-cache', '--login-lock', '--xapi-timeout', '--metrics-interval', '--job-retention']) {
    t.doesNotThrow(() => loadConfig([option, '2147483647', ...(option === '--enum-ttl' ? ['--enum-max-ttl', '2147483647'] : [])], {}), `${option} at the limit`);
    let refused: unknown;
    try {
      loadConfig([option, '2147483648'], {});
    } catch (err) {
      refused = err;
    }
    t.ok(refused instanceof ConfigError && refused.message.includes(option), `${option} beyond it is refused`);
  }
});

t.test('a bad value from the environment is named by its variable', async (t) => {
  let refused: unknown;
  try {
    loadConfig([], { WSMAN_ENUM_MAX_TTL_MS: 'soon' });
  } catch (err) {
    refused = err;
  }
  t.ok(refused instanceof ConfigError && refused.message.startsWith('WSMAN_ENUM_MAX_TTL_MS (--enum-max-ttl) must be a whole number'), String(refused));
  try {
    loadConfig(['--enum-max-ttl', 'soon'], { WSMAN_ENUM_MAX_TTL_MS: '5000' });
  } catch (err) {
    refused = err;
  }
  t.ok(refused instanceof ConfigError && refused.message.startsWith('--enum-max-ttl must be'), 'the flag, when the flag gave it');
});
