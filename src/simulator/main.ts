/**
 * Standalone simulator: `npm run sim`. Reads SIM_* variables (see .env.example); every one has a
 * default, so it runs with nothing configured. Logs its URLs, never a credential's value.
 */
import { startSimulator } from './index';
import { SIM_DEFAULTS } from './options';

function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

async function main(): Promise<void> {
  const hours = process.env.SIM_MARKET_HOURS ?? 'always';
  if (hours !== 'always' && hours !== 'nse') throw new Error('SIM_MARKET_HOURS must be "always" or "nse"');
  const sim = await startSimulator({
    host: process.env.SIM_HOST || SIM_DEFAULTS.host,
    port: intEnv('SIM_PORT', 8100),
    seed: intEnv('SIM_SEED', SIM_DEFAULTS.seed),
    clientCode: process.env.SIM_CLIENT_CODE || SIM_DEFAULTS.clientCode,
    pin: process.env.SIM_PIN || SIM_DEFAULTS.pin,
    totpSecret: process.env.SIM_TOTP_SECRET || SIM_DEFAULTS.totpSecret,
    apiKey: process.env.SIM_API_KEY || SIM_DEFAULTS.apiKey,
    tickIntervalMs: intEnv('SIM_TICK_INTERVAL_MS', SIM_DEFAULTS.tickIntervalMs),
    marketHours: hours,
  });
  const lines = [
    `SmartAPI simulator listening`,
    `  REST root       ${sim.restUrl}`,
    `  SmartStream     ${sim.streamUrl}`,
    `  Order updates   ${sim.orderUpdateUrl}`,
    `  Scrip master    ${sim.scripMasterUrl}`,
    `  Admin           ${sim.restUrl}/sim/state, POST ${sim.restUrl}/sim/faults`,
    `  Client code ${sim.credentials.clientCode}; MPIN, API key and TOTP seed from SIM_PIN, SIM_API_KEY, SIM_TOTP_SECRET${process.env.SIM_TOTP_SECRET ? '' : ' (documented defaults in use)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = (): void => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`simulator failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
