import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import Bull from 'bull';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@/config/app-config';
import { BacktestRunEntity } from '@/backtest/backtest-run.entity';
import { backtestJobId, type BacktestJobData } from '@/backtest/backtest-runs.service';
import { RunStore } from '@/backtest/nest/run-store';
import type { RunStatus, StoredRunSpec } from '@/backtest/nest/run.types';
import { STALE_AFTER_MS, SWEEP_EVERY_MS, StrandedRunSweep } from '@/backtest/stranded-run-sweep';
import { createTestDatabase, testRedisPrefix } from '../support/test-db';

const SPEC: StoredRunSpec = {
  backtest: {
    symbol: 'NSE:SBIN-EQ',
    interval: '1m',
    strategy: 'sma-crossover',
    params: {},
    capitalPaise: 10_000_000,
    fees: 'none',
  },
  source: { kind: 'stored', from: 0, to: 1 },
};
const roles = (...rs: string[]) => ({ hasRole: (r: string) => rs.includes(r) }) as unknown as AppConfig;
const worker = roles('worker');

describe('stranded-run sweep (PostgreSQL and Bull on Redis)', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let ds: DataSource;
  let store: RunStore;
  let queue: Bull.Queue<BacktestJobData>;
  const now = Date.now();
  const old = new Date(now - STALE_AFTER_MS - 60_000);

  beforeAll(async () => {
    db = await createTestDatabase();
    ds = new DataSource({ type: 'postgres', url: db.url, entities: [BacktestRunEntity] });
    await ds.initialize();
    store = new RunStore(ds);
    const prefix = testRedisPrefix();
    queue = new Bull<BacktestJobData>('backtests', 'redis://127.0.0.1:6379/0', { prefix });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await ds?.destroy();
    await db?.drop();
  });

  /** A run row in `status`, last written at `updatedAt`, with its Bull job in `job` state. */
  async function run(
    status: RunStatus,
    updatedAt: Date,
    job: 'none' | 'waiting' | 'failed',
  ): Promise<string> {
    const id = randomUUID();
    await store.insert({ id, kind: 'optimization', userId: randomUUID(), spec: SPEC, inputCsv: null });
    await ds.getRepository(BacktestRunEntity).update({ id }, { status, updatedAt });
    if (job !== 'none') {
      await queue.add({ runId: id }, { jobId: backtestJobId(id), attempts: 1 });
      if (job === 'failed') {
        // As Bull does with a job whose worker died too often: taken (active), then failed as stalled.
        const active = (await queue.getNextJob()) as Bull.Job<BacktestJobData>;
        expect(active.id).toBe(backtestJobId(id));
        await active.moveToFailed({ message: 'job stalled more than allowable limit' }, true);
      }
    }
    return id;
  }
  const row = (id: string) => ds.getRepository(BacktestRunEntity).findOneByOrFail({ id });

  it('fails old queued or running runs whose job is missing or failed, and leaves every other run alone', async () => {
    const lost = await run('running', old, 'none');
    const gaveUp = await run('running', old, 'failed');
    const neverQueued = await run('queued', old, 'none');
    const waiting = await run('running', old, 'waiting');
    const recent = await run('running', new Date(now - 60_000), 'none');
    const finished = await run('completed', old, 'none');
    const sweep = new StrandedRunSweep(worker, store, queue);

    const failed = await sweep.tick(now);
    expect(failed.sort()).toEqual([lost, gaveUp, neverQueued].sort());
    expect(await row(gaveUp)).toMatchObject({ status: 'failed', errorCode: 'STALLED' });
    expect((await row(gaveUp)).error).toContain('failed (job stalled more than allowable limit)');
    expect((await row(lost)).error).toContain('no longer exists');
    expect((await row(lost)).finishedAt).not.toBeNull();
    for (const id of [waiting, recent]) expect((await row(id)).status).toBe('running');
    expect((await row(finished)).status).toBe('completed');
    await expect(sweep.tick(now)).resolves.toEqual([]);
  });

  it('spares a run that a worker claimed after the sweep read it (the failure is conditional)', async () => {
    const id = await run('running', old, 'none');
    const before = new Date(now - STALE_AFTER_MS);
    expect((await store.stale(before, 100)).map((r) => r.id)).toContain(id);
    expect(await store.claim(id)).toBe(true); // a re-delivered job: updatedAt is now
    expect(await store.failStale(id, before, 'STALLED', 'x')).toBe(false);
    expect((await row(id)).status).toBe('running');
  });

  it('fails nothing when the queue cannot be asked, and does not throw', async () => {
    const id = await run('running', old, 'none');
    const down = { getJob: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) };
    const sweep = new StrandedRunSweep(worker, store, down as unknown as Bull.Queue<BacktestJobData>);
    await expect(sweep.tick(now)).resolves.toEqual([]);
    expect((await row(id)).status).toBe('running');
  });

  it('sweeps periodically in worker processes only', () => {
    const every = jest.spyOn(global, 'setInterval');
    try {
      new StrandedRunSweep(roles('api'), store, queue).onApplicationBootstrap();
      expect(every).not.toHaveBeenCalled();
      const sweep = new StrandedRunSweep(worker, store, queue);
      sweep.onApplicationBootstrap();
      expect(every).toHaveBeenCalledWith(expect.any(Function), SWEEP_EVERY_MS);
      sweep.onApplicationShutdown();
    } finally {
      every.mockRestore();
    }
  });
});
