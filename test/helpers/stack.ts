// The whole product on real sockets: the simulator (XML-RPC) and the gateway (HTTP) on free
// loopback ports, as `npm start` wires them.
import { createGateway, type Gateway } from '../../src/app.js';
import { loadConfig, type GatewayConfig } from '../../src/config.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/simulator.js';

export interface Stack {
  readonly sim: Simulator;
  readonly gateway: Gateway;
  /** http://127.0.0.1:PORT/wsman */
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startStack(opts: { sim?: SimulatorOptions; config?: Partial<GatewayConfig> } = {}): Promise<Stack> {
  const sim = await startSimulator(opts.sim ?? {});
  const base = loadConfig(['--http-port', '0', '--metrics-interval', '0', '--event-timeout', '5'], {});
  const gateway = await createGateway({ ...base, ...opts.config, xapiUrl: sim.url }, { logger: false });
  await gateway.app.listen({ host: '127.0.0.1', port: 0 });
  const address = gateway.app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    sim,
    gateway,
    endpoint: `http://127.0.0.1:${port}/wsman`,
    close: async () => {
      await gateway.close();
      await sim.close();
    },
  };
}
