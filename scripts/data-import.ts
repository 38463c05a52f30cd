/**
 * `npm run data:import -- --file x.csv --symbol NSE:SBIN-EQ --interval 1m [--replace] [--dry-run]`
 * Imports candles from a CSV (timestamp,open,high,low,close,volume; ISO-8601 with offset or epoch ms;
 * rupees) into the candles table. Refuses a bad file whole, naming the line and the reason; re-importing
 * the same file changes nothing; rows that differ from stored candles are reported (and replaced only
 * with --replace). Exit codes: 0 imported, 1 refused or failed, 2 usage.
 */
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { DataSource } from 'typeorm';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { dataSourceOptions, normaliseDatabaseUrl } from '@/database/data-source.options';
import { INTERVALS, type Interval } from '@/domain/market';
import { parseCandleCsv } from '@/market-data/storage/candle-csv';
import { CandleStore } from '@/market-data/storage/candle-store';

const SYMBOL = /^[A-Z]{2,4}:[A-Za-z0-9&_.\- ]{1,60}$/;

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('data:import')
    .option('file', { type: 'string', demandOption: true, describe: 'CSV file to import' })
    .option('symbol', { type: 'string', demandOption: true, describe: 'platform symbol, e.g. NSE:SBIN-EQ' })
    .option('interval', { type: 'string', choices: INTERVALS as Interval[], demandOption: true })
    .option('replace', {
      type: 'boolean',
      default: false,
      describe: 'overwrite stored candles whose values differ',
    })
    .option('dry-run', { type: 'boolean', default: false, describe: 'validate only' })
    .strict()
    .parse();
  if (!SYMBOL.test(argv.symbol)) {
    console.error(`--symbol must look like NSE:SBIN-EQ (got ${JSON.stringify(argv.symbol)})`);
    return 2;
  }
  const parsed = parseCandleCsv(await readFile(argv.file, 'utf8'), argv.interval);
  if (!parsed.ok) {
    console.error(`${argv.file}: refused, nothing imported`);
    for (const e of parsed.errors) console.error(`  line ${e.line}: ${e.reason}`);
    return 1;
  }
  for (const d of parsed.duplicates)
    console.warn(`  line ${d.line}: duplicate of line ${d.firstLine} (${d.timestamp}), kept once`);
  for (const w of parsed.warnings ?? []) console.warn(`  line ${w.line}: ${w.kind}: ${w.message}`);
  if (argv['dry-run']) {
    console.log(`${argv.file}: ${parsed.rows.length} valid candles (dry run, nothing imported)`);
    return 0;
  }
  const url = normaliseDatabaseUrl(
    process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/trading_bot',
  );
  const ds = new DataSource(dataSourceOptions(url));
  await ds.initialize();
  try {
    const r = await new CandleStore(ds).importRows(argv.symbol, argv.interval, parsed.rows, {
      replace: argv.replace,
    });
    console.log(
      `${argv.symbol} ${argv.interval}: ${r.rows} rows, ${r.inserted} inserted, ${r.unchanged} already stored, ${r.conflicts.length} differing${argv.replace ? ` (${r.replaced} replaced)` : ' (kept; use --replace)'}`,
    );
    for (const c of r.conflicts.slice(0, 20))
      console.warn(`  line ${c.line}: stored candle at ${new Date(c.start).toISOString()} differs`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`data:import failed: ${err.message}`);
    process.exit(1);
  },
);
