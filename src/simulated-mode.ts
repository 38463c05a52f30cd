import { Logger } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config';
import { startSimulator, type SimulatorHandle } from '@/simulator';

/**
 * Simulated mode points the real Angel One adapter at the exchange simulator: a standalone one at
 * SIM_URL (what docker compose runs, so every role of the stack sees one exchange), or otherwise one
 * embedded in this process on an ephemeral loopback port. Returns the embedded handle, if any.
 */
export async function prepareSimulatedBroker(config: AppConfig): Promise<SimulatorHandle | undefined> {
  if (config.tradingMode !== 'simulated') return undefined;
  const e = config.env;
  const credentials = {
    apiKey: e.SIM_API_KEY,
    clientCode: e.SIM_CLIENT_CODE,
    pin: e.SIM_PIN,
    totpSecret: e.SIM_TOTP_SECRET,
  };
  if (e.SIM_URL) {
    const rest = e.SIM_URL.replace(/\/+$/, '');
    const ws = rest.replace(/^http/, 'ws');
    config.broker = {
      ...config.broker,
      ...credentials,
      publicIp: config.broker.publicIp ?? '127.0.0.1',
      restUrl: rest,
      streamUrl: `${ws}/smart-stream`,
      orderUpdateUrl: `${ws}/smart-order-update`,
      scripMasterUrl: `${rest}/OpenAPI_File/files/OpenAPIScripMaster.json`,
    };
    return undefined;
  }
  const sim = await startSimulator({
    host: '127.0.0.1',
    port: 0,
    seed: e.SIM_SEED,
    clientCode: e.SIM_CLIENT_CODE,
    pin: e.SIM_PIN,
    totpSecret: e.SIM_TOTP_SECRET,
    apiKey: e.SIM_API_KEY,
    tickIntervalMs: e.SIM_TICK_INTERVAL_MS,
    marketHours: e.SIM_MARKET_HOURS,
  });
  config.broker = {
    ...config.broker,
    ...credentials,
    publicIp: config.broker.publicIp ?? '127.0.0.1',
    restUrl: sim.restUrl,
    streamUrl: sim.streamUrl,
    orderUpdateUrl: sim.orderUpdateUrl,
    scripMasterUrl: sim.scripMasterUrl,
  };
  config.embeddedSimulator = sim as unknown as AppConfig['embeddedSimulator'];
  new Logger('Simulator').log(
    `embedded exchange simulator at ${sim.restUrl} (client code ${e.SIM_CLIENT_CODE})`,
  );
  return sim;
}
