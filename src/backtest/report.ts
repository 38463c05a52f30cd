/**
 * `renderReport(result)`: one self-contained HTML page (no scripts, no CDN, no external fonts) with the
 * metrics table, equity and drawdown charts as inline SVG, and the trade list. Safe to serve as-is:
 * every interpolated text is escaped, and a strict CSP forbids loading anything.
 */
import type { BacktestResult } from '@/backtest/backtest.types';
import { equityPoints, metricsToJson, type JsonEquityPoint } from '@/backtest/result-json';
import { formatMetric } from '@/backtest/summary';

const W = 900;
const H = 260;
const PAD = { l: 70, r: 10, t: 10, b: 24 };
const MAX_TRADE_ROWS = 500;

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function linePath(values: number[], lo: number, hi: number): string {
  const n = values.length;
  const span = hi - lo || 1;
  const x = (i: number): number => PAD.l + (n > 1 ? (i * (W - PAD.l - PAD.r)) / (n - 1) : 0);
  const y = (v: number): number => PAD.t + ((hi - v) * (H - PAD.t - PAD.b)) / span;
  return values.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
}

function chart(
  id: string,
  title: string,
  pts: JsonEquityPoint[],
  values: number[],
  fmt: (v: number) => string,
  colour: string,
  fill: boolean,
): string {
  const lo = Math.min(...values, fill ? 0 : Infinity);
  const hi = Math.max(...values, fill ? 0 : -Infinity);
  const d = values.length ? linePath(values, lo, hi) : '';
  const base = PAD.t + ((hi - 0) * (H - PAD.t - PAD.b)) / (hi - lo || 1);
  const area =
    fill && d
      ? `<path d="${d}L${W - PAD.r},${base.toFixed(1)}L${PAD.l},${base.toFixed(1)}Z" fill="${colour}" fill-opacity="0.25" stroke="none"/>`
      : '';
  const first = pts[0]?.time.slice(0, 10) ?? '';
  const last = pts[pts.length - 1]?.time.slice(0, 10) ?? '';
  return `<figure><figcaption>${escapeHtml(title)}</figcaption>
<svg id="${id}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">
<rect x="${PAD.l}" y="${PAD.t}" width="${W - PAD.l - PAD.r}" height="${H - PAD.t - PAD.b}" fill="#fafafa" stroke="#ccc"/>
<text x="${PAD.l - 6}" y="${PAD.t + 10}" text-anchor="end" font-size="11">${escapeHtml(fmt(hi))}</text>
<text x="${PAD.l - 6}" y="${H - PAD.b}" text-anchor="end" font-size="11">${escapeHtml(fmt(lo))}</text>
<text x="${PAD.l}" y="${H - 6}" font-size="11">${escapeHtml(first)}</text>
<text x="${W - PAD.r}" y="${H - 6}" text-anchor="end" font-size="11">${escapeHtml(last)}</text>
${area}<path class="series" d="${d}" fill="none" stroke="${colour}" stroke-width="1.5"/>
</svg></figure>`;
}

export function renderReport(r: BacktestResult): string {
  const pts = equityPoints(r, 1500);
  const metrics = metricsToJson(r.metrics);
  const rupee = (v: number): string => `Rs ${v.toLocaleString('en-IN', { maximumFractionDigits: 0 })}`;
  const rows = Object.entries(metrics)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(formatMetric(k, v))}</td></tr>`)
    .join('\n');
  const trades = r.trades
    .slice(0, MAX_TRADE_ROWS)
    .map(
      (t) =>
        `<tr><td>${new Date(t.entryTime).toISOString()}</td><td>${new Date(t.exitTime).toISOString()}</td><td>${t.side}</td><td>${t.quantity}</td><td>${(t.entryPricePaise / 100).toFixed(2)}</td><td>${(t.exitPricePaise / 100).toFixed(2)}</td><td>${(t.chargesPaise / 100).toFixed(2)}</td><td>${(t.pnlPaise / 100).toFixed(2)}</td><td>${escapeHtml(t.exitReason)}</td></tr>`,
    )
    .join('\n');
  const more =
    r.trades.length > MAX_TRADE_ROWS ? `<p>First ${MAX_TRADE_ROWS} of ${r.trades.length} trades.</p>` : '';
  const title = `Backtest: ${r.strategyId} on ${r.symbol} (${r.interval})`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}table{border-collapse:collapse}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:left}td{font-variant-numeric:tabular-nums}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(JSON.stringify(r.params))} &middot; ${r.bars} bars &middot; ${r.bars ? new Date(r.startTime).toISOString() : ''} to ${r.bars ? new Date(r.endTime).toISOString() : ''}${r.cancelled ? ' &middot; <strong>cancelled, partial result</strong>' : ''}</p>
<h2>Metrics</h2>
<table id="metrics">${rows}</table>
<h2>Charts</h2>
${chart(
  'equity-chart',
  'Equity (Rs)',
  pts,
  pts.map((p) => p.equity),
  rupee,
  '#1f6feb',
  false,
)}
${chart(
  'drawdown-chart',
  'Drawdown (%)',
  pts,
  pts.map((p) => p.drawdown * 100),
  (v) => `${v.toFixed(2)} %`,
  '#d1242f',
  true,
)}
<h2>Trades</h2>
<table id="trades"><tr><th>entry</th><th>exit</th><th>side</th><th>qty</th><th>entry Rs</th><th>exit Rs</th><th>charges Rs</th><th>P&amp;L Rs</th><th>exit</th></tr>
${trades}</table>${more}
</body></html>
`;
}
