import type { AlertService } from './alert.service';
import { AlertKeys } from './alert.types';
import type { RiskStateEvent } from './risk-state.event';

/** The slice of the EventBus this needs (the app passes the EventBus itself). */
export interface RiskStateSource {
  on(event: 'risk.state', handler: (e: RiskStateEvent) => void): () => void;
}

/**
 * Turns `risk.state` events into alerts: a kill-switch trip is critical, any other move to HALTED a
 * warning, REDUCING info; returning to ACTIVE resolves them so the next trip alerts at once.
 * Returns the unsubscribe function.
 */
export function subscribeRiskAlerts(bus: RiskStateSource, alerts: AlertService): () => void {
  let killSwitch = false;
  return bus.on('risk.state', (e: RiskStateEvent) => {
    const details = {
      state: e.state,
      previous: e.previous ?? null,
      reason: e.reason ?? null,
      actor: e.actor ?? null,
      at: new Date(e.at).toISOString(),
    };
    if (e.killSwitch && !killSwitch) {
      void alerts.raise({
        key: AlertKeys.KillSwitch,
        severity: 'critical',
        title: `Kill switch engaged${e.reason ? ` (${e.reason})` : ''}: new orders are blocked`,
        details,
      });
    } else if (!e.killSwitch && killSwitch) {
      void alerts.raise({
        key: `${AlertKeys.KillSwitch}.reset`,
        severity: 'info',
        title: 'Kill switch reset',
        details,
      });
      void alerts.resolve(AlertKeys.KillSwitch);
    }
    killSwitch = e.killSwitch;
    if (e.killSwitch) return;
    if (e.state === 'HALTED') {
      void alerts.raise({
        key: AlertKeys.TradingHalted,
        severity: 'warning',
        title: `Trading halted${e.reason ? ` (${e.reason})` : ''}`,
        details,
      });
    } else if (e.state === 'REDUCING') {
      void alerts.raise({
        key: 'risk.reducing',
        severity: 'info',
        title: `Trading reduced to exits only${e.reason ? ` (${e.reason})` : ''}`,
        details,
      });
    } else if (e.previous && e.previous !== 'ACTIVE') {
      void alerts.resolve(AlertKeys.TradingHalted);
      void alerts.resolve('risk.reducing');
    }
  });
}
