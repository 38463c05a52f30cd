import { counter, gauge } from '@/monitoring/metrics';

/** Account-level P&L and exposure, refreshed with every equity snapshot (once a minute) and on fills. */
export const portfolioMetrics = {
  fills: counter({ name: 'trading_bot_portfolio_fills_total', help: 'Fills applied to the portfolio' }),
  realised: gauge({
    name: 'trading_bot_pnl_realised_paise',
    help: 'Realised P&L of the account, all time, paise',
  }),
  unrealised: gauge({
    name: 'trading_bot_pnl_unrealised_paise',
    help: 'Unrealised P&L of open positions at the last tick, paise',
  }),
  day: gauge({ name: 'trading_bot_pnl_day_paise', help: 'Day P&L net of charges, paise' }),
  equity: gauge({ name: 'trading_bot_equity_paise', help: 'Account equity, paise' }),
  drawdown: gauge({ name: 'trading_bot_drawdown_ratio', help: 'Drawdown from peak equity, 0..1' }),
  grossExposure: gauge({ name: 'trading_bot_gross_exposure_paise', help: 'Sum of |position value|, paise' }),
  netExposure: gauge({
    name: 'trading_bot_net_exposure_paise',
    help: 'Long minus short position value, paise',
  }),
  openPositions: gauge({ name: 'trading_bot_open_positions', help: 'Instruments with a non-zero position' }),
};
