// The whole product on real sockets: the simulator (XML-RPC) and the gateway (HTTP, and
// HTTPS when asked) on free loopback ports, as `npm start` wires them.
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig, type GatewayConfig } from '../../src/config.js';
import { makeSelfSigned } from '../../src/http/self-signed.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';

export interface Stack {
  readonly sim: Simulator;
  readonly gateway: Gateway;
  /** http://127.0.0.1:PORT/wsman */
  readonly endpoint: string;
  /** https://127.0.0.1:PORT/wsman, with `https: true` */
  readonly httpsEndpoint: string | undefined;
  /** the self-signed certificate of the HTTPS listener (PEM), to trust as a CA */
  readonly ca: string | undefined;
  close(): Promise<void>;
}

export async function startStack(opts: { sim?: SimulatorOptions; config?: Partial<GatewayConfig>; https?: boolean } = {}): Promise<Stack> {
  const sim = await startSimulator(opts.sim ?? {});
  const base = loadConfig(['--http-port', '0', '--https-port', '0', '--metrics-interval', '0', '--event-timeout', '5'], {});
  const tls = opts.https ? makeSelfSigned(['localhost', '127.0.0.1']) : undefined;
  const gateway = await createGateway({ ...base, ...opts.config, xapiUrl: sim.url }, { logger: false, ...(tls ? { tls } : {}) });
  const portOf = async (app: Gateway['app']): Promise<number> => {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };
  const port = await portOf(gateway.app);
  const httpsPort = gateway.httpsApp ? await portOf(gateway.httpsApp) : undefined;
  return {
    sim,
    gateway,
    endpoint: `http://127.0.0.1:${port}/wsman`,
    httpsEndpoint: httpsPort ? `https://127.0.0.1:${httpsPort}/wsman` : undefined,
    ca: tls?.cert,
    close: async () => {
      await gateway.close();
      await sim.close();
    },
  };
}
