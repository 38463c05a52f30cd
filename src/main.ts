import 'reflect-metadata';
import { config as loadDotenv } from 'dotenv';
import { Logger } from '@nestjs/common';
import { createApp, logStartup } from '@/bootstrap';
import { ConfigError, loadConfig, type AppConfig } from '@/config/app-config';
import { waitForDatabase } from '@/preboot';

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(
        `${err.message}\nFix the variables above (see .env.example and README.md) and start again.\n`,
      );
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  logStartup(config);
  await waitForDatabase(config);
  const app = await createApp(config);
  await app.listen({ port: config.env.PORT, host: config.env.HOST });
  new Logger('Bootstrap').log(
    `trading-bot listening on http${config.env.TLS_CERT_FILE ? 's' : ''}://${config.env.HOST}:${config.env.PORT} ` +
      `(mode ${config.tradingMode}, roles ${[...config.roles].join(',')}); API docs at /docs`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exit(1);
});
