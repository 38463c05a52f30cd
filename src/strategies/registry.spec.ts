import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@/common/clock';
import { StrategyEngine } from '@/strategies/engine';
import { StrategyRegistry } from '@/strategies/registry';
import { candle, FLAT_PORTFOLIO, RecordingExecutor, T0 } from '@/strategies/testing/fakes';

describe('StrategyRegistry', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'strategies-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the four built-ins with their parameter schemas and defaults', () => {
    const r = StrategyRegistry.withBuiltins();
    expect(r.types().map((t) => t.id)).toEqual([
      'sma-crossover',
      'rsi-mean-reversion',
      'bollinger-breakout',
      'tick-scalper',
    ]);
    const sma = r.info('sma-crossover')!;
    expect(sma.params.find((p) => p.name === 'fast')).toMatchObject({
      kind: 'integer',
      default: 20,
      min: 2,
      max: 500,
    });
    expect(sma.params.find((p) => p.name === 'slow')).toMatchObject({ default: 50 });
    expect(r.info('rsi-mean-reversion')!.params.map((p) => [p.name, p.default])).toEqual(
      expect.arrayContaining([
        ['period', 14],
        ['oversold', 30],
        ['overbought', 70],
      ]),
    );
    expect(r.info('bollinger-breakout')!.params.map((p) => [p.name, p.default])).toEqual(
      expect.arrayContaining([
        ['period', 20],
        ['stdDevs', 2],
        ['volumeConfirm', false],
      ]),
    );
  });

  it('refuses out-of-bounds, mistyped and unknown parameters, naming each one', () => {
    const r = StrategyRegistry.withBuiltins();
    const out = r.instantiate('sma-crossover', { fast: 0, slow: 'fifty', fats: 3 });
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.code).toBe('INVALID_PARAMS');
    expect(out.problems.map((p) => p.param).sort()).toEqual(['fast', 'fats', 'slow']);
    expect(out.problems.find((p) => p.param === 'fast')!.message).toMatch(/'fast'.*allowed 2\.\.500/);
    expect(r.instantiate('nope', {})).toMatchObject({ ok: false, code: 'UNKNOWN_STRATEGY_TYPE' });
  });

  it('accepts CLI-style strings and fills defaults', () => {
    const out = StrategyRegistry.withBuiltins().instantiate('bollinger-breakout', {
      period: '30',
      volumeConfirm: 'true',
    });
    expect(out).toMatchObject({
      ok: true,
      params: { period: 30, volumeConfirm: true, stdDevs: 2, volumeFactor: 1.5 },
    });
  });

  it('loads good user modules (which then run in the engine) and reports broken ones without throwing', async () => {
    writeFileSync(
      join(dir, 'a-good.js'),
      `exports.register = (sdk) => {
        const Params = sdk.defineParams({ period: { kind: 'integer', default: 5, min: 2, max: 50, description: 'EMA period' } });
        return class EmaUp extends sdk.Strategy {
          constructor(p) { super(p); this.id = 'ema-up'; this.name = 'EMA up'; this.description = 'buys above its EMA'; this.paramsSchema = Params; }
          warmupBars() { return this.params.period; }
          onStart(ctx) { this.ema = new ctx.indicators.EMA(this.params.period); }
          onCandle(c, ctx) { if (this.ema.update(c.closePaise) < c.closePaise && this.ema.ready) ctx.emit({ symbol: c.symbol, side: 'BUY', strength: 1, reason: 'above EMA' }); }
        };
      };`,
    );
    writeFileSync(
      join(dir, 'b-ducktyped.js'),
      `class Params { constructor() { this.x = 1; } }
       module.exports = { Plain: class Plain {
         constructor(params) { this.params = params; this.id = 'plain'; this.name = 'Plain'; this.description = 'duck-typed'; this.paramsSchema = Params; }
         timeframes(b) { return [b]; } warmupBars() { return 0; } onCandle() {}
       } };`,
    );
    writeFileSync(join(dir, 'c-syntax.js'), 'module.exports = { oops: ');
    writeFileSync(join(dir, 'd-throws.js'), "throw new Error('cannot connect to my database');");
    writeFileSync(join(dir, 'e-empty.js'), 'module.exports = { answer: 42 };');
    writeFileSync(
      join(dir, 'f-duplicate.js'),
      `exports.register = (sdk) => class extends sdk.Strategy {
         constructor(p) { super(p); this.id = 'sma-crossover'; this.name = 'x'; this.description = 'x'; this.paramsSchema = sdk.defineParams({}); }
         warmupBars() { return 0; }
       };`,
    );
    writeFileSync(join(dir, 'notes.txt'), 'not a module');
    const r = StrategyRegistry.withBuiltins();
    const res = r.loadDirectory(dir);
    expect(res.loaded).toEqual(['ema-up', 'plain']);
    expect(r.info('ema-up')).toMatchObject({
      source: 'user',
      file: join(dir, 'a-good.js'),
      defaultWarmupBars: 5,
    });
    expect(r.info('ema-up')!.params).toEqual([
      { name: 'period', kind: 'integer', description: 'EMA period', min: 2, max: 50, default: 5 },
    ]);
    const errs = Object.fromEntries(r.loadErrors.map((e) => [e.file.slice(dir.length + 1), e.message]));
    expect(Object.keys(errs).sort()).toEqual(['c-syntax.js', 'd-throws.js', 'e-empty.js', 'f-duplicate.js']);
    expect(errs['c-syntax.js']).toMatch(/Unexpected end of input/);
    expect(errs['d-throws.js']).toBe('cannot connect to my database');
    expect(errs['e-empty.js']).toMatch(/exports no Strategy class/);
    expect(errs['f-duplicate.js']).toMatch(/already registered/);
    expect(r.instantiate('ema-up', { period: 60 })).toMatchObject({
      ok: false,
      problems: [{ param: 'period' }],
    });
    const made = r.instantiate('ema-up', { period: 3 });
    if (!made.ok) throw new Error('ema-up should build');
    const executor = new RecordingExecutor();
    const engine = new StrategyEngine({ executor, clock: new ManualClock(T0), portfolio: FLAT_PORTFOLIO });
    engine.addInstance({ id: 'u', strategy: made.strategy, symbols: ['X'], timeframe: '1m' });
    await engine.start('u');
    [100, 100, 100, 110].forEach((c, i) => engine.onCandle(candle('X', i, c)));
    expect(executor.signals.map((x) => [x.strategyId, x.reason])).toEqual([['u', 'above EMA']]);
  });

  it('treats a missing STRATEGIES_DIR as empty', () => {
    const r = new StrategyRegistry();
    expect(r.loadDirectory(join(dir, 'missing'))).toEqual({ loaded: [], errors: [] });
  });
});
