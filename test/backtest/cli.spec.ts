import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSpec } from '../../src/backtest/backtest-spec';
import { parseCandleCsv } from '../../src/backtest/csv-candles';
import { metricsToJson } from '../../src/backtest/result-json';

const ROOT = join(__dirname, '..', '..');
const CSV = join(ROOT, 'test', 'fixtures', 'sbin-1m-sample.csv');
const STRATEGIES = ['sma-crossover', 'rsi-mean-reversion', 'bollinger-breakout', 'tick-scalper'];
/** The metric names docs/backtesting.md lists under "JSON result". */
const DOCUMENTED_METRICS = [
  'startingCapital',
  'finalEquity',
  'netProfit',
  'totalReturn',
  'cagr',
  'annualVolatility',
  'sharpe',
  'sortino',
  'calmar',
  'maxDrawdown',
  'maxDrawdownDurationMs',
  'maxDrawdownDurationBars',
  'winRate',
  'profitFactor',
  'expectancy',
  'avgWin',
  'avgLoss',
  'exposure',
  'tradeCount',
  'totalCharges',
  'tradingDays',
];
const TRADE_FIELDS = [
  'entryTime',
  'exitTime',
  'side',
  'quantity',
  'entryPrice',
  'exitPrice',
  'pnl',
  'charges',
  'grossPnl',
  'exitReason',
];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `npm run backtest -- <args>` as a user runs it. */
function backtest(args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['run', '-s', 'backtest', '--', ...args],
      { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, timeout: 60_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

interface JsonResult {
  symbol: string;
  interval: string;
  strategy: string;
  params: Record<string, unknown>;
  from: string;
  to: string;
  bars: number;
  metrics: Record<string, number | null>;
  trades: Record<string, unknown>[];
  equity: { time: string; equity: number; drawdown: number }[];
}

describe('npm run backtest (CLI)', () => {
  let dir: string;
  const runs = new Map<string, CliRun>();
  const base = ['--symbol', 'NSE:SBIN-EQ', '--interval', '1m'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'backtest-cli-'));
    const bad = join(dir, 'bad.csv');
    const lines = readFileSync(CSV, 'utf8').split('\n');
    lines[5] = lines[4]; // a duplicate timestamp on line 6
    writeFileSync(bad, lines.join('\n'));
    const jobs: [string, string[]][] = STRATEGIES.map((s) => {
      const args = ['--csv', CSV, ...base, '--strategy', s, '--capital', '100000', '--fees', 'none'];
      args.push('--slippage-bps', '0', '--json', join(dir, `${s}.json`), '--html', join(dir, `${s}.html`));
      if (s === 'sma-crossover') args.push('--param', 'fast=20', '--param', 'slow=50');
      return [s, args];
    });
    jobs.push(['bad-param', ['--csv', CSV, ...base, '--param', 'fast=0', '--json', join(dir, 'p.json')]]);
    jobs.push(['bad-csv', ['--csv', bad, ...base, '--json', join(dir, 'c.json')]]);
    // Concurrently: each run is its own ts-node process, so this costs about one start-up per core.
    await Promise.all(jobs.map(async ([name, args]) => runs.set(name, await backtest(args))));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(STRATEGIES)('%s: exits 0, prints a summary and writes the documented JSON', (s) => {
    const run = runs.get(s)!;
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/tradeCount\s+\d+/);
    const json = JSON.parse(readFileSync(join(dir, `${s}.json`), 'utf8')) as JsonResult;

    expect(Object.keys(json).sort()).toEqual(
      [
        'bars',
        'equity',
        'from',
        'interval',
        'metrics',
        'params',
        'strategy',
        'symbol',
        'to',
        'trades',
      ].sort(),
    );
    expect(json).toMatchObject({ symbol: 'NSE:SBIN-EQ', interval: '1m', strategy: s, bars: 1500 });
    expect(json.from).toBe('2026-01-05T03:45:00.000Z');
    expect(json.to).toMatch(ISO_UTC);
    expect(Object.keys(json.metrics).sort()).toEqual([...DOCUMENTED_METRICS].sort());
    expect(json.metrics.startingCapital).toBe(100000);
    expect(json.metrics.totalCharges).toBe(0);
    expect(json.metrics.tradeCount).toBe(json.trades.length);

    for (const t of json.trades) {
      expect(Object.keys(t).sort()).toEqual([...TRADE_FIELDS].sort());
      expect(t.entryTime).toMatch(ISO_UTC);
      expect(['LONG', 'SHORT']).toContain(t.side);
      expect(Number.isInteger(t.quantity) && (t.quantity as number) > 0).toBe(true);
      expect(t.charges).toBe(0);
      expect(t.pnl).toBeCloseTo(t.grossPnl as number, 6);
    }
    const pnlSum = json.trades.reduce((a, t) => a + (t.pnl as number), 0);
    expect(pnlSum).toBeCloseTo(json.metrics.netProfit!, 1);

    expect(json.equity).toHaveLength(1500);
    for (const p of json.equity) expect(p.drawdown).toBeLessThanOrEqual(0);
    expect(json.equity[1499].equity).toBe(json.metrics.finalEquity);
    expect(json.equity[0].time).toMatch(ISO_UTC);

    const html = readFileSync(join(dir, `${s}.html`), 'utf8');
    expect(html).toContain('<svg id="equity-chart"');
    expect(html).toContain('<svg id="drawdown-chart"');
  });

  it('writes the same metrics and trades as the library for the same settings', async () => {
    const loaded = parseCandleCsv(readFileSync(CSV, 'utf8'), { symbol: 'NSE:SBIN-EQ', interval: '1m' });
    if (!loaded.ok) throw new Error('fixture refused');
    const out = await runSpec(loaded.candles, {
      symbol: 'NSE:SBIN-EQ',
      interval: '1m',
      strategy: 'sma-crossover',
      params: { fast: 20, slow: 50 },
      capitalPaise: 10_000_000,
      fees: 'none',
    });
    if (!out.ok) throw new Error(out.message);
    const json = JSON.parse(readFileSync(join(dir, 'sma-crossover.json'), 'utf8')) as JsonResult;
    expect(json.params).toMatchObject({ fast: 20, slow: 50 });
    expect(json.metrics).toEqual(metricsToJson(out.result.metrics));
    expect(json.trades.map((t) => t.exitTime)).toEqual(
      out.result.trades.map((t) => new Date(t.exitTime).toISOString()),
    );
    expect(json.trades.length).toBeGreaterThan(0);
  });

  it('exits 2 naming the parameter or the CSV line, and writes no JSON', () => {
    const param = runs.get('bad-param')!;
    expect(param.code).toBe(2);
    expect(param.stderr).toMatch(/INVALID_PARAMS: .*fast/);
    const csv = runs.get('bad-csv')!;
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/line 6: DUPLICATE_TIMESTAMP/);
    for (const f of ['p.json', 'c.json']) expect(existsSync(join(dir, f))).toBe(false);
  });
});
