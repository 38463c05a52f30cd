import { ProgressWriter } from '@/backtest/nest/progress-writer';

/** A store write the spec settles by hand, to interleave reports with writes in flight. */
function manualWrites() {
  const writes: { value: number; settle: (ok: boolean | Error) => void }[] = [];
  const write = (value: number) =>
    new Promise<boolean>((resolve, reject) => {
      writes.push({ value, settle: (ok) => (ok instanceof Error ? reject(ok) : resolve(ok)) });
    });
  return { writes, write };
}
const tick = () => new Promise((r) => setImmediate(r));

describe('ProgressWriter', () => {
  it('keeps one write in flight and then writes the latest value, never a lower one', async () => {
    const { writes, write } = manualWrites();
    const w = new ProgressWriter(write, 0);
    w.report(0.1);
    w.report(0.3);
    w.report(0.2);
    expect(writes.map((x) => x.value)).toEqual([0.1]);
    writes[0].settle(true);
    await tick();
    expect(writes.map((x) => x.value)).toEqual([0.1, 0.3]);
    w.report(0.25);
    writes[1].settle(true);
    await w.flush();
    expect(writes.map((x) => x.value)).toEqual([0.1, 0.3]);
    expect(w.refused).toBe(false);
  });

  it('writes at most once per interval', async () => {
    let now = 1_000;
    const { writes, write } = manualWrites();
    const w = new ProgressWriter(write, 250, () => now);
    w.report(0.1);
    writes[0].settle(true);
    await tick();
    now += 100;
    w.report(0.2);
    expect(writes).toHaveLength(1);
    now += 150;
    w.report(0.3);
    expect(writes.map((x) => x.value)).toEqual([0.1, 0.3]);
  });

  it('stops writing once a write finds the run no longer running, and survives a failed write', async () => {
    const { writes, write } = manualWrites();
    const w = new ProgressWriter(write, 0);
    w.report(0.1);
    writes[0].settle(new Error('connection reset'));
    await tick();
    expect(w.refused).toBe(false);
    w.report(0.2);
    writes[1].settle(false);
    await w.flush();
    expect(w.refused).toBe(true);
    w.report(0.9);
    expect(writes).toHaveLength(2);
  });
});
