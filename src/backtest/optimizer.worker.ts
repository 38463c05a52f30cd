/**
 * Worker thread of optimizer-pool: rebuilds the shared candles once, then evaluates jobs as they come,
 * each stopping early when the pool raises the shared cancel flag.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluate, unshareCandles, type EvalJob, type WorkerInput } from '@/backtest/optimizer-pool';

const input = workerData as WorkerInput;
const candles = unshareCandles(input.candles);
const cancel = new Int32Array(input.cancel);
const isCancelled = (): boolean => Atomics.load(cancel, 0) === 1;
parentPort!.on('message', (job: EvalJob) => {
  void evaluate(candles, job, { isCancelled }).then((r) => parentPort!.postMessage(r));
});
parentPort!.postMessage('ready');
