/**
 * `npm run backtest -- --csv data.csv --symbol NSE:SBIN-EQ --interval 1m --strategy sma-crossover
 *   --param fast=20 --param slow=50 --capital 100000 --fees none --slippage-bps 0 --json out.json`
 * or, instead of `--csv`, `--from 2026-01-05T09:15:00+05:30 --to 2026-01-10T00:00:00+05:30` to read the
 * stored candles (the `candles` table over DATABASE_URL).
 * Prints a summary table; writes the JSON result (docs/backtesting.md) and optionally the HTML report.
 * Exit codes: 0 ok, 1 unexpected failure, 2 bad input (file refused, unknown strategy, bad parameter).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SingleBar, Presets } from 'cli-progress';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { rupeesToPaise } from '@/common/money';
import { INTERVALS, type Candle, type Interval } from '@/domain/market';
import { formatIssues, parseCandleCsv } from '@/backtest/csv-candles';
import { runSpec, type BacktestSpec } from '@/backtest/backtest-spec';
import { resultToJson } from '@/backtest/result-json';
import { renderReport } from '@/backtest/report';
import { summaryTable } from '@/backtest/summary';
import { loadStoredCandles } from './stored-candles';

function asInterval(s: string): Interval {
  const found = INTERVALS.find((i) => i === s);
  if (!found) throw new Error(`unknown interval '${s}'`);
  return found;
}

export function parseParams(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new Error(`--param expects name=value, got '${item}'`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

function loadCsv(
  file: string,
  symbol: string,
  interval: Interval,
  strict: boolean,
): { ok: true; candles: Candle[] } | { ok: false; message: string } {
  const loaded = parseCandleCsv(readFileSync(file, 'utf8'), { symbol, interval, strict });
  if (loaded.warnings.length) console.error(`warnings in ${file}:\n${formatIssues(loaded.warnings)}`);
  return loaded.ok ? loaded : { ok: false, message: `refused ${file}:\n${formatIssues(loaded.errors)}` };
}

async function main(): Promise<number> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('backtest')
    .option('csv', {
      type: 'string',
      describe: 'candle file: timestamp,open,high,low,close,volume',
    })
    .option('from', { type: 'string', describe: 'stored candles from (ISO-8601 with offset or epoch ms)' })
    .option('to', { type: 'string', describe: 'stored candles until, exclusive' })
    .check((a) => {
      const stored = a.from !== undefined || a.to !== undefined;
      if (a.csv !== undefined && stored) throw new Error('give either --csv or --from/--to, not both');
      if (a.csv === undefined && (a.from === undefined || a.to === undefined))
        throw new Error('give --csv, or --from and --to for stored candles');
      return true;
    })
    .option('symbol', { type: 'string', demandOption: true })
    .option('interval', { choices: INTERVALS as Interval[], default: '1m' })
    .option('strategy', { type: 'string', default: 'sma-crossover' })
    .option('param', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'name=value, repeatable',
    })
    .option('capital', { type: 'string', default: '100000', describe: 'rupees' })
    .option('fees', { choices: ['india', 'none'] as const, default: 'india' as const })
    .option('product', {
      choices: ['INTRADAY', 'DELIVERY', 'CARRYFORWARD'] as const,
      describe: 'default: INTRADAY below 1d, DELIVERY for 1d',
    })
    .option('lot-size', { type: 'number', default: 1 })
    .option('tick-size', { type: 'string', default: '0.05', describe: 'rupees' })
    .option('fill-at', { choices: ['open', 'close'] as const, default: 'open' as const })
    .option('slippage-bps', { type: 'number', default: 0 })
    .option('slippage-ticks', { type: 'number', default: 0 })
    .option('max-volume-share', {
      type: 'number',
      default: 1,
      describe: 'cap a fill at this share of the bar volume',
    })
    .option('remainder', { choices: ['carry', 'cancel'] as const, default: 'carry' as const })
    .option('leverage', { type: 'number', default: 1 })
    .option('short', { type: 'boolean', describe: 'allow short entries' })
    .option('square-off', {
      type: 'string',
      default: '15:15',
      describe: "INTRADAY cut-off HH:MM IST, or 'none'",
    })
    .option('strict', { type: 'boolean', default: false, describe: 'refuse gaps and zero-volume bars too' })
    .option('seed', { type: 'number', default: 1 })
    .option('json', { type: 'string', describe: 'write the JSON result here' })
    .option('html', { type: 'string', describe: 'write the HTML report here' })
    .option('equity-points', {
      type: 'number',
      default: 5000,
      describe: 'max equity points in JSON (0 = all)',
    })
    .strict()
    .parseAsync();

  const interval = asInterval(argv.interval);
  const loaded =
    argv.csv !== undefined
      ? loadCsv(argv.csv, argv.symbol, interval, argv.strict)
      : await loadStoredCandles({ symbol: argv.symbol, interval, from: argv.from!, to: argv.to! });
  if (!loaded.ok) {
    console.error(loaded.message);
    return 2;
  }
  const spec: BacktestSpec = {
    symbol: argv.symbol,
    interval,
    strategy: argv.strategy,
    params: parseParams(argv.param),
    capitalPaise: rupeesToPaise(argv.capital),
    fees: argv.fees,
    product: argv.product,
    lotSize: argv['lot-size'],
    tickSizePaise: rupeesToPaise(argv['tick-size']),
    fill: {
      at: argv['fill-at'],
      slippageBps: argv['slippage-bps'],
      slippageTicks: argv['slippage-ticks'],
      maxVolumeShare: argv['max-volume-share'],
      remainder: argv.remainder,
    },
    leverage: argv.leverage,
    allowShort: argv.short,
    squareOffTime: argv['square-off'] === 'none' ? null : argv['square-off'],
    seed: argv.seed,
  };
  const showBar = process.stderr.isTTY && loaded.candles.length >= 200_000;
  const bar = new SingleBar(
    { format: 'backtest [{bar}] {percentage}% | {value}/{total} bars | eta {eta}s', stream: process.stderr },
    Presets.shades_classic,
  );
  if (showBar) bar.start(loaded.candles.length, 0);
  const out = await runSpec(loaded.candles, spec, {
    onProgress: showBar ? (done) => bar.update(done) : undefined,
  });
  if (showBar) bar.stop();
  if (!out.ok) {
    console.error(`${out.code}: ${out.message}`);
    return 2;
  }
  const json = resultToJson(out.result, argv['equity-points']);
  console.log(summaryTable(json));
  if (argv.json) writeFileSync(argv.json, JSON.stringify(json, null, 2));
  if (argv.html) writeFileSync(argv.html, renderReport(out.result));
  return 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
