import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';

/** Every PromQL expression the operator tooling runs: alert rules and dashboard panels/variables. */
export interface Query {
  where: string;
  expr: string;
}

const root = join(__dirname, '..', '..', '..');
export const dashboardsDir = join(root, 'docker', 'grafana', 'dashboards');
export const alertsFile = join(root, 'docker', 'prometheus', 'alerts.yml');

interface RuleFile {
  groups: {
    name: string;
    rules: { alert?: string; record?: string; expr: string; labels?: Record<string, string> }[];
  }[];
}

export function ruleExpressions(): Query[] {
  const doc = load(readFileSync(alertsFile, 'utf8')) as RuleFile;
  return doc.groups.flatMap((g) =>
    g.rules.map((r) => ({ where: `alerts.yml ${r.alert ?? r.record}`, expr: r.expr })),
  );
}

/** Every `expr` in a dashboard, wherever the panel nests it (rows, targets, templating queries). */
function collectExprs(node: unknown, where: string, out: Query[]): void {
  if (Array.isArray(node)) node.forEach((n) => collectExprs(n, where, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'expr' || k === 'query') && typeof v === 'string') out.push({ where, expr: v });
      else collectExprs(v, where, out);
    }
  }
}

export function dashboardFiles(): string[] {
  return readdirSync(dashboardsDir).filter((n) => n.endsWith('.json'));
}

export function dashboardExpressions(): Query[] {
  const out: Query[] = [];
  for (const f of dashboardFiles()) {
    collectExprs(JSON.parse(readFileSync(join(dashboardsDir, f), 'utf8')), f, out);
  }
  return out;
}
