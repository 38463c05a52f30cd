import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBacktest } from '@/backtest/engine';
import { IndianCharges } from '@/backtest/charges';
import type { Candle } from '@/domain/market';
import { Strategy, type StrategyContext } from '@/strategies/strategy.contract';
import { renderReport } from '@/backtest/report';
import { sampleCandles } from '@/backtest/sample-data';

class NoParams {}
/** Buys every 40th bar and sells 20 bars later: enough trades to draw both curves. */
class EveryNBars extends Strategy<NoParams> {
  readonly id = 'every-n';
  readonly name = 'every n';
  readonly description = 'test';
  readonly paramsSchema = NoParams;
  private i = 0;
  warmupBars(): number {
    return 0;
  }
  override onCandle(c: Candle, ctx: StrategyContext): void {
    const k = this.i++ % 40;
    if (k === 0) ctx.emit({ symbol: c.symbol, side: 'BUY', intent: 'ENTRY', strength: 1, reason: 'n' });
    if (k === 20) ctx.emit({ symbol: c.symbol, side: 'SELL', intent: 'EXIT', strength: 1, reason: 'n' });
  }
}

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('HTML report in headless Chromium', () => {
  let html = '';
  let dir = '';
  beforeAll(async () => {
    const result = await runBacktest(sampleCandles({ bars: 3000, seed: 3 }), {
      instrument: { symbol: 'NSE:SBIN-EQ', instrumentType: 'EQ', lotSize: 1, tickSizePaise: 5 },
      interval: '1m',
      strategy: new EveryNBars(new NoParams()),
      capitalPaise: 100_000_00,
      product: 'INTRADAY',
      charges: new IndianCharges(),
    });
    html = renderReport(result);
    dir = mkdtempSync(join(tmpdir(), 'bt-report-'));
    writeFileSync(join(dir, 'report.html'), html);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is self-contained: no scripts and no external URLs', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).not.toMatch(/@import|url\(/i);
  });

  it('renders the metrics table and both charts with non-empty paths in Chromium', () => {
    if (!CHROMIUM)
      throw new Error(
        'Chromium is not installed: apt-get install -y chromium (needed for the report spec, never skipped)',
      );
    const dom = execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
        '--dump-dom',
        `file://${join(dir, 'report.html')}`,
      ],
      { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    expect(dom).toContain('<table id="metrics">');
    expect(dom).toMatch(/<th>sharpe<\/th>/);
    for (const id of ['equity-chart', 'drawdown-chart']) {
      const svg = new RegExp(`<svg id="${id}"[\\s\\S]*?</svg>`).exec(dom)?.[0] ?? '';
      const d = /class="series" d="([^"]+)"/.exec(svg)?.[1] ?? '';
      expect(d.split('L').length).toBeGreaterThan(100);
    }
  });

  it('draws the charts as pixels (screenshot is not blank)', () => {
    if (!CHROMIUM)
      throw new Error(
        'Chromium is not installed: apt-get install -y chromium (needed for the report spec, never skipped)',
      );
    const png = join(dir, 'shot.png');
    execFileSync(
      CHROMIUM,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile2')}`,
        `--screenshot=${png}`,
        '--window-size=1000,900',
        `file://${join(dir, 'report.html')}`,
      ],
      { timeout: 60_000, stdio: 'ignore' },
    );
    expect(existsSync(png)).toBe(true);
    // A blank white 1000x900 PNG compresses to a few KB; lines, text and the drawdown area make it larger.
    expect(statSync(png).size).toBeGreaterThan(20_000);
  });
});
