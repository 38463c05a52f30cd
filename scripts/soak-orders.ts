/**
 * Soak run of the orders reliability specs, longer and over more seeds than CI:
 *   npx ts-node -r tsconfig-paths/register --transpile-only scripts/soak-orders.ts [--seeds 5] [--points 300] [--orders 400]
 * Each seed runs the kill -9 spec (seeded crash plans over real worker processes, PostgreSQL, Redis and the
 * simulator) with many more crash points, and the fault spec with the full 50 orders/s burst for 10 s.
 * Prints each run's figures (crash points, placements, statuses, burst rate) and exits non-zero on any failure.
 */
import { spawnSync } from 'node:child_process';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seeds = arg('seeds', 5);
const points = arg('points', 300);
const orders = arg('orders', Math.ceil(points * 1.6)); // 1.3 orders a point ran out of orders at 197 of 200 points
const burstSeconds = arg('burst-seconds', 10);
const firstSeed = arg('seed', Date.now() % 1_000_000);

let failed = 0;
for (let k = 0; k < seeds; k++) {
  const seed = firstSeed + k;
  console.log(
    `\n=== seed ${seed}: kill -9 with >= ${points} crash points over ${orders} orders; burst 50/s for ${burstSeconds} s`,
  );
  const r = spawnSync(
    'npx',
    [
      'jest',
      '--runInBand',
      'test/orders/kill-9.spec.ts',
      'test/orders/faults.spec.ts',
      '--testTimeout',
      '1800000',
    ],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        KILL9_SEED: String(seed),
        KILL9_MIN_POINTS: String(points),
        KILL9_ORDERS: String(orders),
        BURST_SECONDS: String(burstSeconds),
      },
    },
  );
  if (r.status !== 0) {
    failed++;
    console.error(`seed ${seed} FAILED (replay with --seed ${seed} --seeds 1)`);
  }
}
console.log(`\nsoak: ${seeds - failed}/${seeds} seeds passed`);
process.exit(failed ? 1 : 0);
