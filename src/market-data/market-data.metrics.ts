import { counter, gauge, histogram } from '@/monitoring/metrics';

/** Market-data metrics (labels are bounded: exchange, channel, reason, interval; never symbols or users). */
export const mdMetrics = {
  ticksReceived: counter({
    name: 'trading_bot_market_ticks_received_total',
    help: 'Ticks received from the broker feed',
    labelNames: ['exchange'],
  }),
  ticksRejected: counter({
    name: 'trading_bot_market_ticks_rejected_total',
    help: 'Ticks dropped by the normaliser',
    labelNames: ['reason'],
  }),
  tickLag: histogram({
    name: 'trading_bot_market_tick_lag_seconds',
    help: 'Exchange time to processed time',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  }),
  staleInstruments: gauge({
    name: 'trading_bot_market_stale_instruments',
    help: 'Subscribed instruments without a tick for STALE_TICK_SECONDS during market hours',
  }),
  subscribedInstruments: gauge({
    name: 'trading_bot_market_subscribed_instruments',
    help: 'Instruments subscribed on the broker feed by this process',
  }),
  feedLeader: gauge({
    name: 'trading_bot_market_feed_leader',
    help: '1 when this process holds the broker feed',
  }),
  candlesClosed: counter({
    name: 'trading_bot_market_candles_closed_total',
    help: 'Candles closed by the tick aggregator',
    labelNames: ['interval'],
  }),
  wsClients: gauge({ name: 'trading_bot_ws_clients', help: 'Connected WebSocket clients' }),
  wsMessagesSent: counter({
    name: 'trading_bot_ws_messages_sent_total',
    help: 'WebSocket data frames sent',
    labelNames: ['kind'],
  }),
  wsClientsDropped: counter({
    name: 'trading_bot_ws_clients_dropped_total',
    help: 'WebSocket clients disconnected by the server',
    labelNames: ['reason'],
  }),
  backfillChunks: counter({
    name: 'trading_bot_backfill_chunks_total',
    help: 'Backfill requests completed',
    labelNames: ['interval'],
  }),
  backfillCandles: counter({
    name: 'trading_bot_backfill_candles_stored_total',
    help: 'Candles stored by backfill',
    labelNames: ['interval'],
  }),
  backfillProgress: gauge({
    name: 'trading_bot_backfill_progress_ratio',
    help: 'Progress of the running backfill job (0-1)',
    labelNames: ['interval'],
  }),
};
