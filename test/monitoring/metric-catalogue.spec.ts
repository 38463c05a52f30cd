import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { register } from 'prom-client';
import { METRIC_CATALOGUE, lookupMetric, seriesInExpression } from '@/monitoring/metric-catalogue';
import '@/monitoring/system-metrics';
import '@/monitoring/alerts/alert.service';
import {
  dashboardExpressions,
  dashboardFiles,
  dashboardsDir,
  ruleExpressions,
} from './support/operator-queries';

const root = join(__dirname, '..', '..');

/** Label names used in `{a="x", b=~"y"}` selectors and `by (a, b)` clauses that follow a metric. */
function selectorLabels(expr: string, series: string): string[] {
  const labels: string[] = [];
  const re = new RegExp(`${series}\\{([^}]*)\\}`, 'g');
  for (const m of expr.matchAll(re)) {
    for (const l of m[1].matchAll(/([a-z_]+)\s*(?:=~|!~|!=|=)/g)) labels.push(l[1]);
  }
  return labels;
}

describe('metric catalogue', () => {
  const everything = [...ruleExpressions(), ...dashboardExpressions()];

  it('has the three provisioned dashboards and the alert rules to check', () => {
    expect(dashboardFiles().sort()).toEqual([
      'strategy-performance.json',
      'system-health.json',
      'trading-overview.json',
    ]);
    expect(ruleExpressions().length).toBeGreaterThan(20);
  });

  it('every trading_bot_* series in the alert rules and dashboards is catalogued', () => {
    const missing = everything.flatMap(({ where, expr }) =>
      seriesInExpression(expr)
        .filter((s) => !lookupMetric(s))
        .map((s) => `${where}: ${s}`),
    );
    expect(missing).toEqual([]);
  });

  it('histogram suffixes are used only on histograms, and rate() only on counters and histograms', () => {
    const wrong: string[] = [];
    for (const { where, expr } of everything) {
      for (const m of expr.matchAll(/(?:rate|increase)\(\s*(trading_bot_[a-z0-9_]+)/g)) {
        const hit = lookupMetric(m[1]);
        if (hit && hit.spec.type === 'gauge') wrong.push(`${where}: rate/increase over gauge ${m[1]}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('label matchers name only labels the catalogue declares (plus job/instance/role from scraping)', () => {
    const wrong: string[] = [];
    for (const { where, expr } of everything) {
      for (const s of seriesInExpression(expr)) {
        const hit = lookupMetric(s);
        if (!hit) continue;
        const allowed = new Set<string>([...hit.spec.labels, 'job', 'instance', 'role', 'le']);
        for (const l of selectorLabels(expr, s)) if (!allowed.has(l)) wrong.push(`${where}: ${s}{${l}}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('`by (...)` groupings name only labels of the series in the same expression', () => {
    const wrong: string[] = [];
    for (const { where, expr } of everything) {
      const allowed = new Set<string>(['job', 'instance', 'role', 'le']);
      for (const s of seriesInExpression(expr)) lookupMetric(s)?.spec.labels.forEach((l) => allowed.add(l));
      for (const m of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
        for (const l of m[1]
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean))
          if (!allowed.has(l)) wrong.push(`${where}: by (${l})`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('dashboards use the provisioned Prometheus datasource uid', () => {
    const ds = readFileSync(
      join(root, 'docker', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'),
      'utf8',
    );
    expect(ds).toContain('uid: prometheus');
    for (const f of dashboardFiles()) {
      const text = readFileSync(join(dashboardsDir, f), 'utf8');
      const uids = new Set([...text.matchAll(/"uid":\s*"([^"]+)"/g)].map((m) => m[1]));
      uids.delete(JSON.parse(text).uid);
      expect([...uids]).toEqual(['prometheus']);
    }
  });

  it('the metrics this module creates match their catalogue entries (type and labels)', async () => {
    const own = Object.entries(METRIC_CATALOGUE).filter(([, spec]) => spec.owner === 'monitoring');
    expect(own.length).toBeGreaterThanOrEqual(6);
    const exported = await register.getMetricsAsJSON();
    for (const [name, spec] of own) {
      const m = exported.find((x) => x.name === name);
      expect(m?.type).toBe(spec.type);
      const labels = (register.getSingleMetric(name) as unknown as { labelNames: string[] }).labelNames;
      expect([...labels].sort()).toEqual([...spec.labels].sort());
    }
  });

  it('every catalogued metric is used by a rule or a dashboard, so the catalogue holds no dead entries', () => {
    const used = new Set(
      everything.flatMap(({ expr }) => seriesInExpression(expr).map((s) => lookupMetric(s)?.name)),
    );
    const unused = Object.keys(METRIC_CATALOGUE).filter((n) => !used.has(n as keyof typeof METRIC_CATALOGUE));
    expect(unused).toEqual([]);
  });

  it('names follow Prometheus conventions: counters end in _total, histograms in a unit', () => {
    for (const [name, spec] of Object.entries(METRIC_CATALOGUE)) {
      expect(name).toMatch(/^trading_bot_[a-z0-9_]+$/);
      if (spec.type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      if (spec.type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
  });
});
