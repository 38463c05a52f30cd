import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envSchema } from '@/config/env.schema';
import { METRIC_CATALOGUE } from '@/monitoring/metric-catalogue';

const root = join(__dirname, '..', '..');
const doc = (name: string) => readFileSync(join(root, 'docs', name), 'utf8');

describe('operator documentation stays in step with the code', () => {
  it('docs/configuration.md lists every environment variable the app validates', () => {
    const text = doc('configuration.md');
    const missing = Object.keys(envSchema.shape).filter((v) => !text.includes(`| \`${v}\``));
    expect(missing).toEqual([]);
  });

  it('docs/operations.md names every alert rule and every metric the alert rules and dashboards use', () => {
    const text = doc('operations.md');
    const rules = [
      ...readFileSync(join(root, 'docker', 'prometheus', 'alerts.yml'), 'utf8').matchAll(/- alert: (\w+)/g),
    ].map((m) => m[1]);
    expect(rules.filter((r) => !text.includes(r))).toEqual([]);
    expect(Object.keys(METRIC_CATALOGUE).filter((m) => !text.includes(m))).toEqual([]);
  });

  it('the architecture, operations and live-trading docs exist with their key sections', () => {
    expect(doc('architecture.md')).toMatch(/```mermaid/);
    expect(doc('operations.md')).toMatch(/## Back up and restore/);
    const live = doc('live-trading-checklist.md');
    for (const topic of ['static IP', 'TOTP', 'paper', 'kill switch', 'UNCONFIRMED'])
      expect(live).toContain(topic);
  });
});
