/**
 * `npm run optimize -- --csv data.csv --symbol NSE:SBIN-EQ --interval 1m --strategy sma-crossover
 *   --range fast=5:40:5 --range slow=50,100,200 --objective sharpe [--method random --samples 50]
 *   [--walk-forward --is-bars 50000 --oos-bars 10000 --mode rolling] [--workers 2] [--json out.json]`
 * A range is `name=min:max:step` or `name=v1,v2,...`. Prints the ranked table (or the walk-forward windows).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Presets, SingleBar } from 'cli-progress';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { rupeesToPaise } from '@/common/money';
import { INTERVALS, type Interval } from '@/domain/market';
import { formatIssues, parseCandleCsv } from '@/backtest/csv-candles';
import type { BacktestSpec } from '@/backtest/backtest-spec';
import { optimize, walkForward, type ParamRange, type SearchHooks } from '@/backtest/optimizer';

function asInterval(s: string): Interval {
  const found = INTERVALS.find((i) => i === s);
  if (!found) throw new Error(`unknown interval '${s}'`);
  return found;
}

export function parseRange(text: string): ParamRange {
  const [name, spec] = text.split('=');
  if (!name || !spec) throw new Error(`--range expects name=min:max:step or name=a,b,c, got '${text}'`);
  if (spec.includes(':')) {
    const [min, max, step] = spec.split(':').map(Number);
    return { name, min, max, step: step || 1 };
  }
  return {
    name,
    values: spec
      .split(',')
      .map((v) =>
        v === 'true' || v === 'false' ? v === 'true' : Number.isFinite(Number(v)) ? Number(v) : v,
      ),
  };
}

/**
 * A progress bar on a terminal, and Ctrl-C stopping the search early: the candidates (or windows) that
 * finished are still printed and written. A second Ctrl-C ends the process as usual.
 */
function progressHooks(): SearchHooks {
  let stopped = false;
  const bar = process.stderr.isTTY
    ? new SingleBar(
        { format: 'optimize [{bar}] {percentage}% | eta {eta}s', stream: process.stderr },
        Presets.shades_classic,
      )
    : null;
  bar?.start(1000, 0);
  process.once('SIGINT', () => {
    stopped = true;
    bar?.stop();
    console.error('stopping: the finished candidates follow (Ctrl-C again to quit)');
  });
  return {
    onProgress: (f) => {
      bar?.update(Math.round(f * 1000));
      if (f >= 1) bar?.stop();
    },
    isCancelled: () => stopped,
  };
}

const fmt = (v: number | null): string => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(3));

async function main(): Promise<number> {
  const a = await yargs(hideBin(process.argv))
    .option('csv', { type: 'string', demandOption: true })
    .option('symbol', { type: 'string', demandOption: true })
    .option('interval', { choices: INTERVALS as Interval[], default: '1m' })
    .option('strategy', { type: 'string', default: 'sma-crossover' })
    .option('range', { type: 'string', array: true, demandOption: true })
    .option('objective', {
      choices: ['sharpe', 'sortino', 'calmar', 'profitFactor', 'returnUnderDrawdownCap'] as const,
      default: 'sharpe' as const,
    })
    .option('max-drawdown', {
      type: 'number',
      default: 0.2,
      describe: 'cap for returnUnderDrawdownCap (fraction)',
    })
    .option('method', { choices: ['grid', 'random'] as const, default: 'grid' as const })
    .option('samples', { type: 'number', default: 50 })
    .option('seed', { type: 'number', default: 1 })
    .option('capital', { type: 'string', default: '100000' })
    .option('fees', { choices: ['india', 'none'] as const, default: 'india' as const })
    .option('walk-forward', { type: 'boolean', default: false })
    .option('is-bars', { type: 'number', default: 50_000 })
    .option('oos-bars', { type: 'number', default: 10_000 })
    .option('mode', { choices: ['rolling', 'anchored'] as const, default: 'rolling' as const })
    .option('workers', { type: 'number', default: availableParallelism() })
    .option('json', { type: 'string' })
    .strict()
    .parseAsync();
  const loaded = parseCandleCsv(readFileSync(a.csv, 'utf8'), {
    symbol: a.symbol,
    interval: asInterval(a.interval),
  });
  if (!loaded.ok) {
    console.error(`refused ${a.csv}:\n${formatIssues(loaded.errors)}`);
    return 2;
  }
  const base: BacktestSpec = {
    symbol: a.symbol,
    interval: asInterval(a.interval),
    strategy: a.strategy,
    params: {},
    capitalPaise: rupeesToPaise(a.capital),
    fees: a.fees,
  };
  const search = {
    ranges: a.range.map(parseRange),
    method: a.method,
    samples: a.samples,
    seed: a.seed,
    objective: a.objective,
    maxDrawdownCap: a['max-drawdown'],
    workers: a.workers,
    ...progressHooks(),
  };
  if (a['walk-forward']) {
    const wf = await walkForward(loaded.candles, base, {
      ...search,
      inSampleBars: a['is-bars'],
      outOfSampleBars: a['oos-bars'],
      mode: a.mode,
    });
    for (const w of wf.windows)
      console.log(
        `IS ${w.inSample.join('-')}  OOS ${w.outOfSample.join('-')}  best ${JSON.stringify(w.best)}  IS ${fmt(w.inSampleScore)}  OOS ${fmt(w.outOfSampleScore)}`,
      );
    const last = wf.equity[wf.equity.length - 1] ?? base.capitalPaise;
    console.log(`stitched out-of-sample return: ${((last / base.capitalPaise - 1) * 100).toFixed(2)} %`);
    if (a.json)
      writeFileSync(
        a.json,
        JSON.stringify(
          {
            windows: wf.windows,
            equity: wf.equity.map((e, i) => ({
              time: new Date(wf.equityTimes[i]).toISOString(),
              equity: e / 100,
            })),
          },
          null,
          2,
        ),
      );
    return 0;
  }
  const ranked = await optimize(loaded.candles, base, search);
  console.log(`rank  ${'params'.padEnd(40)} ${'IS'.padStart(9)} ${'OOS'.padStart(9)} degradation`);
  for (const c of ranked)
    console.log(
      `${String(c.rank).padStart(4)}  ${JSON.stringify(c.params).padEnd(40)} ${fmt(c.inSample).padStart(9)} ${fmt(c.outOfSample).padStart(9)} ${fmt(c.degradation)}${c.error ? `  ${c.error}` : ''}`,
    );
  if (a.json) writeFileSync(a.json, JSON.stringify(ranked, null, 2));
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
