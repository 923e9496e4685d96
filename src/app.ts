// The composition root: XenAPI client and model, schema, providers, the CIM object manager,
// the WS-Man layer and the Fastify front end, wired together. Tests build it the same way.
import { readFileSync } from 'node:fs';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { Cimom } from './cim/cimom.js';
import type { Principal } from './cim/operation-context.js';
import type { InstanceProvider } from './cim/provider.js';
import { defaultSchemaDir, loadSchemaDir } from './cim/schema-registry.js';
import type { GatewayConfig } from './config.js';
import { answerClientError } from './http/client-errors.js';
import { ConnectionTracker } from './http/connections.js';
import { registerHealthRoute } from './http/health-route.js';
import { registerSoapBody } from './http/soap-body.js';
import { registerAnonymousIdentify, registerWsmanRoute } from './http/wsman-route.js';
import { DEFAULT_THROTTLE, LoginThrottle } from './http/login-throttle.js';
import { createProviders } from './providers/catalog.js';
import { JobRegistry } from './providers/jobs/registry.js';
import type { ProviderServices } from './providers/services.js';
import { UserCalls } from './xenapi/user-calls.js';
import { CIMV2, INTEROP } from './providers/instances.js';
import { DEFAULT_XML_LIMITS } from './soap/xml.js';
import { EnumerationContexts } from './wsman/enumeration-contexts.js';
import { DEFAULT_REQUEST_MEMO, RequestMemo } from './wsman/request-memo.js';
import type { ProductInfo, WsmanDeps } from './wsman/deps.js';
import { XenApiClient } from './xenapi/client.js';
import { EventFeed } from './xenapi/event-feed.js';
import { LoginCache, type UserSession } from './xenapi/login-cache.js';
import { XenModel } from './xenapi/model.js';
import { ModelHealth } from './xenapi/model-health.js';
import { XenSession } from './xenapi/session.js';
import { map, str } from './xenapi/values.js';

export const PRODUCT_NAME = 'Xen WS-Management Gateway';
export const PRODUCT_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const ORIGINATOR = 'xen-wsman-gateway';

export interface GatewayOptions {
  /** Fastify logger setting: false in tests, a pino config in main */
  readonly logger: boolean | Record<string, unknown>;
  readonly schemaDir?: string;
  /** certificate and key of the HTTPS front end; without them there is none */
  readonly tls?: { readonly cert: string; readonly key: string };
  /** told when xapi, first reached after start-up, refuses the service session (the model will never load) */
  readonly onXapiRefused?: (err: unknown) => void;
}

export interface Gateway {
  /** the plain HTTP front end */
  readonly app: FastifyInstance;
  /** the HTTPS front end, when TLS material was given */
  readonly httpsApp: FastifyInstance | undefined;
  readonly model: XenModel;
  readonly contexts: EnumerationContexts;
  readonly logins: LoginCache;
  /** decoded requests remembered by their text (sizes and state, for tests and diagnostics) */
  readonly requestMemo: RequestMemo;
  /** stop accepting, finish in-flight requests, release contexts and XenAPI sessions */
  close(): Promise<void>;
}

export async function createGateway(config: GatewayConfig & { xapiUrl: string }, options: GatewayOptions): Promise<Gateway> {
  const schema = loadSchemaDir(options.schemaDir ?? defaultSchemaDir());
  const client = new XenApiClient(config.xapiUrl, {
    timeoutMs: config.xapiTimeoutMs,
    insecureTls: config.xapiInsecureTls,
    // Called only once the app exists (a redirect happens during or after the first load).
    onEndpointChange: (endpoint, why) => app.log.warn({ endpoint, why }, 'XenAPI calls now go to another host'),
  });
  const service = new XenSession(client, config.xapiUser, config.xapiPassword, ORIGINATOR);
  const model = new XenModel();
  const fastifyOptions = {
    logger: options.logger,
    bodyLimit: config.bodyLimit,
    return503OnClosing: true,
    // One compact access line per request (wsman-route.ts) instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: 'idle' as const,
    // Keep-alive: polling managers reuse connections; idle ones are closed after this.
    keepAliveTimeout: 65_000,
    // Headers that stop arriving are answered 408 and closed (Node checks at this interval); a
    // body that stops is cut off by the route (wsman-route.ts). No client, with credentials or
    // not, holds a connection or a shutdown for ever.
    requestTimeout: config.requestTimeoutMs,
    http: { connectionsCheckingInterval: checkingInterval(config.requestTimeoutMs) },
    clientErrorHandler: answerClientError,
  };
  const app = Fastify(fastifyOptions);
  const httpsApp = options.tls
    ? Fastify({ ...fastifyOptions, https: { cert: options.tls.cert, key: options.tls.key, connectionsCheckingInterval: checkingInterval(config.requestTimeoutMs) } })
    : undefined;
  const log: FastifyBaseLogger = app.log;
  const feed = new EventFeed(service, model, {
    eventTimeoutS: config.eventTimeoutS,
    metricsIntervalMs: config.metricsIntervalMs,
    backoffMinMs: 500,
    backoffMaxMs: 30_000,
    onRefused: (err) => {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'XenAPI refused the service session; the model cannot be loaded');
      options.onXapiRefused?.(err);
    },
    onRecovered: (downMs) => log.info({ downMs }, 'XenAPI event feed recovered; the model is live again'),
    onError: (err) => log.warn({ err: err instanceof Error ? err.message : String(err) },
      model.state === 'loading' ? 'XenAPI does not answer; its data is not loaded yet, trying again' : 'XenAPI event feed error; serving last known data'),
  });
  try {
    await feed.start({ keepTrying: true });
  } catch (err) {
    await service.logout();
    client.close();
    await app.close();
    await httpsApp?.close();
    throw err;
  }

  const jobs = new JobRegistry(model, config.jobRetentionMs, async (ref) => {
    await service.call('task.destroy', [ref]);
  });
  const services: ProviderServices = { xen: new UserCalls(client), jobs, jobWaitMs: config.jobWaitMs };
  const providers: InstanceProvider[] = createProviders(model, services);
  const cimom = new Cimom(schema, providers, [CIMV2, INTEROP]);
  // A write is answered once the model has it, so the next Get shows it (read-your-writes).
  cimom.onAfterWrite(() => feed.barrier().catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not wait for the model after a write')));
  const contexts = new EnumerationContexts({
    maxContexts: config.maxContexts,
    maxContextsPerUser: config.maxContextsPerUser,
    defaultTtlMs: config.enumerationTtlMs,
    maxTtlMs: config.enumerationMaxTtlMs,
  });
  const logins = new LoginCache(client, { ttlMs: config.loginCacheMs, max: 10_000, originator: ORIGINATOR, backend: model });
  const health = new ModelHealth(model, { staleServeMs: config.staleServeMs });
  const requestMemo = new RequestMemo({ ...DEFAULT_REQUEST_MEMO, entries: config.requestMemo });
  const deps: WsmanDeps = {
    availability: health,
    cimom,
    contexts,
    product: productInfo(model, securityProfiles(config, options.tls !== undefined)),
    limits: { defaultMaxEnvelopeSize: config.defaultMaxEnvelopeSize, maxElementsCap: config.maxElementsCap, maxOperationTimeoutMs: config.maxOperationTimeoutMs },
    requestMemo,
  };

  const principalOf = (session: UserSession, user: string, password: string, remoteAddress: string): Principal => {
    const renewXenSession = async (): Promise<string | undefined> => (await logins.relogin(user, password, session.sessionRef))?.sessionRef;
    return { user: session.user, authType: 'basic', remoteAddress, xenSession: session.sessionRef, renewXenSession };
  };
  /** The login each remembered principal stands for, to tell whether it still does. */
  const rememberedAs = new WeakMap<Principal, { key: string; session: UserSession }>();
  const authenticator = {
    authenticate: async (user: string, password: string, remoteAddress: string): Promise<Principal | undefined> => {
      const session = await logins.login(user, password);
      return session ? principalOf(session, user, password, remoteAddress) : undefined;
    },
    provenBefore: (user: string, password: string): boolean => logins.provenBefore(user, password),
    remembered: (user: string, password: string, remoteAddress: string): Principal | undefined => {
      const key = logins.keyOf(user, password);
      const session = logins.rememberedByKey(key);
      if (!session) return undefined;
      const principal = principalOf(session, user, password, remoteAddress);
      rememberedAs.set(principal, { key, session });
      return principal;
    },
    stillRemembered: (principal: Principal): boolean => {
      const as = rememberedAs.get(principal);
      return as !== undefined && logins.rememberedByKey(as.key) === as.session;
    },
  };
  const throttle = new LoginThrottle({ ...DEFAULT_THROTTLE, slowAfter: config.loginSlowAfter, lockAfter: config.loginLockAfter, lockMs: config.loginLockMs });
  let closed = false;
  const frontEnd = (f: FastifyInstance, secure: boolean): void => {
    // Answers finished while shutting down close their connection: a keep-alive socket that
    // goes idle after close() began would otherwise hold the shutdown for keepAliveTimeout.
    f.addHook('onSend', (_req, reply, payload, done) => {
      if (closed) reply.header('Connection', 'close');
      done(null, payload);
    });
    const linger = { bytes: config.drainBytes, ms: config.drainTimeoutMs };
    registerSoapBody(f, { bodyLimit: config.bodyLimit, linger });
    registerWsmanRoute(f, {
      deps,
      authenticator,
      xmlLimits: DEFAULT_XML_LIMITS,
      anonymousBodyLimit: 16 * 1024,
      paths: ['/wsman', '/wsman/'],
      bodyTimeoutMs: config.requestTimeoutMs,
      linger,
      throttle,
      refuseBasic: !secure && config.refuseBasicOverHttp,
      httpsWhere: () => {
        const a = httpsApp?.server.address();
        return typeof a === 'object' && a ? `port ${a.port}` : undefined;
      },
    });
    registerAnonymousIdentify(f, deps);
    registerHealthRoute(f, health);
  };
  frontEnd(app, false);
  if (httpsApp) frontEnd(httpsApp, true);
  const connections = new ConnectionTracker();
  connections.watch(app.server);
  if (httpsApp) connections.watch(httpsApp.server);

  return {
    app,
    httpsApp,
    model,
    contexts,
    logins,
    requestMemo,
    close: async () => {
      if (closed) return;
      closed = true;
      // Stop accepting and let requests in flight finish, then release everything behind them.
      const stopped = Promise.all([app.close(), httpsApp?.close()]);
      // Once the listeners no longer accept (Fastify closes them a tick later).
      await new Promise((resolve) => setImmediate(resolve));
      connections.closeUnanswered();
      await stopped;
      contexts.clear();
      jobs.close();
      await feed.stop();
      await cimom.terminate();
      await logins.close();
      await service.logout();
      client.close();
    },
  };
}

/** How often Node looks for requests past their time: a few times within the limit, at most every second. */
function checkingInterval(requestTimeoutMs: number): number {
  return Math.max(50, Math.min(1000, Math.floor(requestTimeoutMs / 4)));
}

/** DSP0226 §6.3 security profiles: what the listeners accept. */
function securityProfiles(config: GatewayConfig, tls: boolean): string[] {
  const base = 'http://schemas.dmtf.org/wbem/wsman/1/wsman/secprofile/';
  const out: string[] = [];
  if (tls && config.httpsPort !== undefined) out.push(`${base}https/basic`);
  if (config.httpPort !== undefined && !config.refuseBasicOverHttp) out.push(`${base}http/basic`);
  return out;
}

function productInfo(model: XenModel, profiles: readonly string[]): ProductInfo {
  let lastHost: unknown;
  let lastDetails = '';
  return {
    vendor: PRODUCT_NAME,
    version: PRODUCT_VERSION,
    details: () => {
      const host = model.all('host').values().next().value;
      if (!host) return 'XenAPI';
      // Records are replaced, never changed in place: the text is made again only after a change.
      if (host === lastHost) return lastDetails;
      const sw = map(host, 'software_version');
      const api = `XenAPI ${str(host, 'API_version_major')}.${str(host, 'API_version_minor')}`;
      lastHost = host;
      lastDetails = sw['product_brand'] ? `${api}; ${sw['product_brand']} ${sw['product_version'] ?? ''}`.trim() : api;
      return lastDetails;
    },
    securityProfiles: profiles,
  };
}
