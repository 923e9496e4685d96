// Typed configuration from the command line and the environment, validated once.
import { parseArgs } from 'node:util';

export interface GatewayConfig {
  readonly host: string;
  /** 0 picks a free port; undefined: no plain HTTP listener */
  readonly httpPort: number | undefined;
  /** 0 picks a free port; undefined: no HTTPS listener */
  readonly httpsPort: number | undefined;
  /** certificate and key files; without them a self-signed pair is made in dataDir */
  readonly tlsCert: string | undefined;
  readonly tlsKey: string | undefined;
  readonly dataDir: string;
  /** refuse Basic credentials on the plain HTTP listener */
  readonly refuseBasicOverHttp: boolean;
  readonly loginSlowAfter: number;
  readonly loginLockAfter: number;
  readonly loginLockMs: number;
  /** a real or external xapi; undefined starts the embedded simulator */
  readonly xapiUrl: string | undefined;
  readonly xapiUser: string;
  readonly xapiPassword: string;
  /** accept xapi's self-signed certificate */
  readonly xapiInsecureTls: boolean;
  readonly xapiTimeoutMs: number;
  readonly simVms: number;
  /** users of the embedded simulator (`name:password:role,...`), undefined for its defaults */
  readonly simUsers: string | undefined;
  readonly logLevel: string;
  /** largest request body, in bytes */
  readonly bodyLimit: number;
  /** MaxEnvelopeSize assumed when a request carries none */
  readonly defaultMaxEnvelopeSize: number;
  readonly maxElementsCap: number;
  readonly maxContexts: number;
  readonly maxContextsPerUser: number;
  readonly maxOperationTimeoutMs: number;
  /** decoded requests remembered by their text; 0 remembers none */
  readonly requestMemo: number;
  readonly enumerationTtlMs: number;
  readonly enumerationMaxTtlMs: number;
  readonly loginCacheMs: number;
  readonly eventTimeoutS: number;
  readonly metricsIntervalMs: number;
  /** how long reads are still served from the last-known data after XenAPI was lost */
  readonly staleServeMs: number;
  /** how long a method waits for its XenAPI task before answering 4096 with a job */
  readonly jobWaitMs: number;
  /** how long a client may take to send a whole request (headers and body) */
  readonly requestTimeoutMs: number;
  /** after an answer given before the body was read: most bytes of it then read and dropped */
  readonly drainBytes: number;
  /** and for how long, in ms, before the connection is cut */
  readonly drainTimeoutMs: number;
  /** how long a finished job stays readable */
  readonly jobRetentionMs: number;
}

interface OptionSpec {
  readonly env: string;
  readonly help: string;
  readonly default?: string;
  readonly flag?: boolean;
}

export const OPTIONS = {
  host: { env: 'WSMAN_HOST', default: '127.0.0.1', help: 'address to listen on' },
  'http-port': { env: 'WSMAN_HTTP_PORT', default: '5985', help: 'HTTP port for /wsman (0 picks a free port, "off" for none)' },
  'https-port': { env: 'WSMAN_HTTPS_PORT', default: '5986', help: 'HTTPS port for /wsman (0 picks a free port, "off" for none)' },
  'tls-cert': { env: 'WSMAN_TLS_CERT', help: 'PEM certificate (chain) for HTTPS [default: a self-signed one made once in --data-dir]' },
  'tls-key': { env: 'WSMAN_TLS_KEY', help: 'PEM private key for --tls-cert' },
  'data-dir': { env: 'WSMAN_DATA_DIR', default: 'data', help: 'folder for the generated self-signed certificate' },
  'basic-over-http': { env: 'WSMAN_BASIC_OVER_HTTP', help: 'allow or refuse Basic credentials on plain HTTP [default: refuse unless --host is a loopback address]' },
  'login-slow-after': { env: 'WSMAN_LOGIN_SLOW_AFTER', default: '5', help: 'failed logins from one address before its attempts are slowed' },
  'login-lock-after': { env: 'WSMAN_LOGIN_LOCK_AFTER', default: '20', help: 'failed logins from one address before it is refused for --login-lock' },
  'login-lock': { env: 'WSMAN_LOGIN_LOCK_MS', default: '300000', help: 'how long a locked-out address is refused, in ms' },
  'request-timeout': { env: 'WSMAN_REQUEST_TIMEOUT_MS', default: '30000', help: 'how long a client may take to send a whole request, in ms (then 408 and the connection is closed)' },
  'drain-bytes': { env: 'WSMAN_DRAIN_BYTES', default: '67108864', help: 'after an answer given before the request body was read (a 401, a body over --body-limit): how much more of the body is read and dropped so the client can read the answer, then the connection is cut' },
  'drain-timeout': { env: 'WSMAN_DRAIN_TIMEOUT_MS', default: '5000', help: 'and for how long at most, in ms' },
  'xapi-url': { env: 'XAPI_URL', help: 'URL of a real or external xapi, e.g. https://xs01 (default: start the embedded simulator)' },
  'xapi-user': { env: 'XAPI_USER', default: 'root', help: 'user of the service session that feeds the cache' },
  'xapi-password': { env: 'XAPI_PASSWORD', default: 'xenroot', help: "its password (the simulator's root password by default)" },
  'xapi-insecure-tls': { env: 'XAPI_INSECURE_TLS', flag: true, help: "accept xapi's self-signed TLS certificate" },
  'xapi-timeout': { env: 'XAPI_TIMEOUT_MS', default: '30000', help: 'deadline of one XenAPI call, in ms' },
  'sim-vms': { env: 'SIM_VMS', default: '5', help: 'guest VMs in the embedded simulator' },
  'sim-users': { env: 'SIM_USERS', help: 'users of the embedded simulator as name:password:role,... (role pool-admin or read-only) [default: root:xenroot:pool-admin,monitor:monitor:read-only]' },
  'log-level': { env: 'LOG_LEVEL', default: 'info', help: 'fatal, error, warn, info, debug, trace or silent' },
  'body-limit': { env: 'WSMAN_BODY_LIMIT', default: String(4 * 1024 * 1024), help: 'largest request body, in bytes' },
  'max-envelope-size': { env: 'WSMAN_MAX_ENVELOPE_SIZE', default: '512000', help: 'response size limit when a request sets no MaxEnvelopeSize, in bytes' },
  'max-elements': { env: 'WSMAN_MAX_ELEMENTS', default: '32000', help: 'most items in one Enumerate or Pull response' },
  'max-contexts': { env: 'WSMAN_MAX_CONTEXTS', default: '10000', help: 'most open enumeration contexts' },
  'max-contexts-per-user': { env: 'WSMAN_MAX_CONTEXTS_PER_USER', default: '1000', help: 'most open enumeration contexts of one user' },
  'max-operation-timeout': { env: 'WSMAN_MAX_OPERATION_TIMEOUT_MS', default: '3600000', help: 'longest OperationTimeout honoured, in ms (longer ones are capped)' },
  'request-memo': { env: 'WSMAN_REQUEST_MEMO', default: '256', help: 'repeated requests (Identify, Get, Enumerate) remembered decoded, by their text without the MessageID and a Get\'s selector values; 0 for none' },
  'enum-ttl': { env: 'WSMAN_ENUM_TTL_MS', default: '600000', help: 'idle lifetime of an enumeration context, in ms' },
  'enum-max-ttl': { env: 'WSMAN_ENUM_MAX_TTL_MS', help: 'longest lifetime a client may ask for an enumeration context with wsen:Expires (Enumerate, Renew), in ms [default: 3600000, or --enum-ttl when longer]' },
  'login-cache': { env: 'WSMAN_LOGIN_CACHE_MS', default: '60000', help: 'how long a checked login is remembered, in ms' },
  'event-timeout': { env: 'XAPI_EVENT_TIMEOUT_S', default: '30', help: 'seconds one event.from call waits for changes' },
  'stale-serve': { env: 'WSMAN_STALE_SERVE_MS', default: '300000', help: 'how long reads are still answered from the last-known data after XenAPI was lost, in ms (0: refuse at once); then wsa:EndpointUnavailable' },
  'metrics-interval': { env: 'XAPI_METRICS_INTERVAL_MS', default: '60000', help: 'how often VM and host metrics are re-read, in ms (0: never)' },
  'job-wait': { env: 'WSMAN_JOB_WAIT_MS', default: '3000', help: 'how long a method waits for its XenAPI task before answering 4096 with a job, in ms' },
  'job-retention': { env: 'WSMAN_JOB_RETENTION_MS', default: '600000', help: 'how long a finished job (CIM_ConcreteJob) stays readable, in ms' },
  help: { env: '', flag: true, help: 'show this help' },
} as const satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

export class ConfigError extends Error {}

/** The longest delay Node's timers hold (2^31 − 1 ms, ~24.8 days); a longer one fires after 1 ms, again and again. */
const MAX_TIMER_MS = 2_147_483_647;

export function usage(): string {
  const lines = ['Usage: npm start -- [options]   (every option can also be set by its environment variable)', ''];
  for (const [name, spec] of Object.entries(OPTIONS) as [string, OptionSpec][]) {
    const arg = spec.flag ? `--${name}` : `--${name} <value>`;
    const dflt = spec.default !== undefined ? ` [default: ${spec.default}]` : '';
    const env = spec.env ? ` (env ${spec.env})` : '';
    lines.push(`  ${arg.padEnd(28)} ${spec.help}${dflt}${env}`);
  }
  return lines.join('\n');
}

/** Command line first, then environment, then defaults. */
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): GatewayConfig & { help: boolean } {
  const options = Object.fromEntries(
    (Object.entries(OPTIONS) as [string, OptionSpec][]).map(([k, s]) => [k, { type: s.flag ? ('boolean' as const) : ('string' as const) }]),
  );
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  const get = (name: OptionName): string | undefined => {
    const spec: OptionSpec = OPTIONS[name];
    const v = values[name];
    if (typeof v === 'string') return v;
    if (v === true) return 'true';
    const e = spec.env ? env[spec.env] : undefined;
    return e !== undefined && e !== '' ? e : spec.default;
  };
  /** How the operator gave an option: the flag, or the environment variable when the value came from there. */
  const given = (name: OptionName): string => {
    const spec: OptionSpec = OPTIONS[name];
    return values[name] === undefined && spec.env !== undefined && env[spec.env] !== undefined && env[spec.env] !== '' ? `${spec.env} (--${name})` : `--${name}`;
  };
  const num = (name: OptionName, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = get(name) ?? '';
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) throw new ConfigError(`${given(name)} must be a whole number from ${min} to ${max}, not "${raw}"`);
    return n;
  };
  const flag = (name: OptionName): boolean => ['1', 'true', 'yes'].includes((get(name) ?? '').toLowerCase());
  const xapiUrl = get('xapi-url');
  if (xapiUrl !== undefined && !/^https?:\/\/[^/]+/.test(xapiUrl)) throw new ConfigError(`--xapi-url must be an http:// or https:// URL, not "${xapiUrl}"`);
  const xapiPassword = get('xapi-password');
  const enumTtl = num('enum-ttl', 1000, MAX_TIMER_MS);
  const enumMaxTtl = get('enum-max-ttl') === undefined ? Math.max(enumTtl, 3_600_000) : num('enum-max-ttl', 1000, MAX_TIMER_MS);
  if (enumMaxTtl < enumTtl) throw new ConfigError(`--enum-max-ttl (${enumMaxTtl}) must not be shorter than --enum-ttl (${enumTtl})`);
  const port = (name: OptionName): number | undefined => ((get(name) ?? '').toLowerCase() === 'off' ? undefined : num(name, 0, 65535));
  const host = get('host') ?? '127.0.0.1';
  const basic = (get('basic-over-http') ?? (isLoopback(host) ? 'allow' : 'refuse')).toLowerCase();
  if (basic !== 'allow' && basic !== 'refuse') throw new ConfigError(`--basic-over-http must be allow or refuse, not "${basic}"`);
  const tlsCert = get('tls-cert');
  const tlsKey = get('tls-key');
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new ConfigError('--tls-cert and --tls-key go together');
  const httpPort = port('http-port');
  const httpsPort = port('https-port');
  if (httpPort === undefined && httpsPort === undefined) throw new ConfigError('at least one of --http-port and --https-port must be on');
  return {
    help: values['help'] === true,
    host,
    httpPort,
    httpsPort,
    tlsCert,
    tlsKey,
    dataDir: get('data-dir') ?? 'data',
    refuseBasicOverHttp: basic === 'refuse',
    loginSlowAfter: num('login-slow-after', 1),
    loginLockAfter: num('login-lock-after', 1),
    loginLockMs: num('login-lock', 1000, MAX_TIMER_MS),
    xapiUrl,
    xapiUser: get('xapi-user') ?? 'root',
    xapiPassword: xapiPassword ?? 'xenroot',
    xapiInsecureTls: flag('xapi-insecure-tls'),
    xapiTimeoutMs: num('xapi-timeout', 100, MAX_TIMER_MS),
    simVms: num('sim-vms', 0, 1_000_000),
    simUsers: get('sim-users'),
    logLevel: get('log-level') ?? 'info',
    bodyLimit: num('body-limit', 8192),
    defaultMaxEnvelopeSize: num('max-envelope-size', 8192),
    maxElementsCap: num('max-elements', 1),
    maxContexts: num('max-contexts', 1),
    maxContextsPerUser: num('max-contexts-per-user', 1),
    maxOperationTimeoutMs: num('max-operation-timeout', 1000, 2_000_000_000),
    requestMemo: num('request-memo', 0, 100_000),
    enumerationTtlMs: enumTtl,
    enumerationMaxTtlMs: enumMaxTtl,
    loginCacheMs: num('login-cache', 1000, MAX_TIMER_MS),
    eventTimeoutS: num('event-timeout', 1, 3600),
    metricsIntervalMs: num('metrics-interval', 0, MAX_TIMER_MS),
    staleServeMs: num('stale-serve', 0, MAX_TIMER_MS),
    jobWaitMs: num('job-wait', 0, 600_000),
    jobRetentionMs: num('job-retention', 1000, MAX_TIMER_MS),
    requestTimeoutMs: num('request-timeout', 100, 3_600_000),
    drainBytes: num('drain-bytes', 0, 2 ** 40),
    drainTimeoutMs: num('drain-timeout', 0, MAX_TIMER_MS),
  };
}

/** Whether binding here keeps traffic on this machine (Basic over HTTP is then harmless). */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}
