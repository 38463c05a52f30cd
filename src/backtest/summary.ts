/** The CLI's plain-text summary of a JSON result (rupees, percentages with two decimals). */
import type { JsonResult } from '@/backtest/result-json';

const PERCENT = new Set(['totalReturn', 'cagr', 'annualVolatility', 'maxDrawdown', 'winRate', 'exposure']);

export function formatMetric(key: string, v: number | null): string {
  if (v === null) return 'n/a';
  if (PERCENT.has(key)) return `${(v * 100).toFixed(2)} %`;
  if (key === 'maxDrawdownDurationMs') return `${(v / 86_400_000).toFixed(2)} days`;
  if (Number.isInteger(v)) return v.toLocaleString('en-IN');
  return v.toLocaleString('en-IN', { maximumFractionDigits: 4 });
}

export function summaryTable(r: JsonResult): string {
  const rows: [string, string][] = [
    ['symbol', r.symbol],
    ['strategy', `${r.strategy} ${JSON.stringify(r.params)}`],
    ['period', `${r.from} .. ${r.to} (${r.bars} ${r.interval} bars)`],
    ...Object.entries(r.metrics).map(([k, v]): [string, string] => [k, formatMetric(k, v)]),
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join('\n');
}
