/** Worker thread of optimizer-pool: rebuilds the shared candles once, then evaluates jobs as they come. */
import { parentPort, workerData } from 'node:worker_threads';
import { evaluate, unshareCandles, type EvalJob, type SharedCandles } from '@/backtest/optimizer-pool';

const candles = unshareCandles(workerData as SharedCandles);
parentPort!.on('message', (job: EvalJob) => {
  void evaluate(candles, job).then((r) => parentPort!.postMessage(r));
});
parentPort!.postMessage('ready');
