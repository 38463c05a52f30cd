/**
 * `npm run openapi`: regenerates src/metadata.ts (the swagger plugin's DTO schemas) and writes the
 * OpenAPI document to openapi.json. `--check` writes nothing and exits 1 when openapi.json is stale.
 * The app is built in Nest's preview mode: no database, Redis or broker is touched.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppModule } from '@/app.module';
import { API_PREFIX } from '@/bootstrap';
import { loadConfig } from '@/config/app-config';
import { buildOpenApiDocument } from '@/swagger';

export const OPENAPI_FILE = join(__dirname, '..', 'openapi.json');

/** The document as the running app serves it at /docs-json, serialised stably. */
export async function renderOpenApi(): Promise<string> {
  const config = loadConfig({
    NODE_ENV: 'test',
    SECRET_KEY: 'x'.repeat(40),
    ADMIN_PASSWORD: 'openapi-only',
    SIM_URL: 'http://127.0.0.1:9',
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter(),
    {
      preview: true,
      logger: false,
      abortOnError: false,
    },
  );
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  const doc = await buildOpenApiDocument(app);
  await app.close();
  return `${JSON.stringify(doc, null, 2)}\n`;
}

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  if (!check) {
    const { generateMetadata } = await import('./generate-metadata');
    generateMetadata();
  }
  const text = await renderOpenApi();
  if (check) {
    const current = readFileSync(OPENAPI_FILE, 'utf8');
    if (current !== text) {
      console.error('openapi.json is stale: run `npm run openapi` and commit the result');
      process.exit(1);
    }
    console.log('openapi.json is up to date');
    return;
  }
  writeFileSync(OPENAPI_FILE, text);
  console.log(`wrote ${OPENAPI_FILE}`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
