import {
  Counter,
  Gauge,
  Histogram,
  register,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
} from 'prom-client';

/**
 * Every app metric is created through these helpers, on prom-client's default registry (which
 * `/metrics` serves). They return the existing metric when the name is already registered, so modules and
 * specs can be instantiated many times in one process. Names must carry the `trading_bot_` prefix and
 * labels must have bounded value sets (no per-order or per-user labels).
 */
export const METRIC_PREFIX = 'trading_bot_';

function checkName(name: string): void {
  if (!name.startsWith(METRIC_PREFIX)) throw new Error(`metric ${name} must start with ${METRIC_PREFIX}`);
}

export function counter<T extends string>(cfg: CounterConfiguration<T>): Counter<T> {
  checkName(cfg.name);
  return (register.getSingleMetric(cfg.name) as Counter<T> | undefined) ?? new Counter(cfg);
}

export function gauge<T extends string>(cfg: GaugeConfiguration<T>): Gauge<T> {
  checkName(cfg.name);
  return (register.getSingleMetric(cfg.name) as Gauge<T> | undefined) ?? new Gauge(cfg);
}

export function histogram<T extends string>(cfg: HistogramConfiguration<T>): Histogram<T> {
  checkName(cfg.name);
  return (register.getSingleMetric(cfg.name) as Histogram<T> | undefined) ?? new Histogram(cfg);
}
