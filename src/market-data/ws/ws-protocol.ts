import type { Interval } from '@/domain/market';

/** The WebSocket protocol's words (documented in docs/websocket.md). */
export const PUBLIC_CHANNELS = ['ticks', 'depth', 'candles'] as const;
export const PRIVATE_CHANNELS = ['orders', 'positions', 'pnl', 'risk'] as const;
export type PublicChannel = (typeof PUBLIC_CHANNELS)[number];
export type PrivateChannel = (typeof PRIVATE_CHANNELS)[number];
export type Channel = PublicChannel | PrivateChannel;

export function isPublicChannel(c: unknown): c is PublicChannel {
  return (PUBLIC_CHANNELS as readonly unknown[]).includes(c);
}
export function isPrivateChannel(c: unknown): c is PrivateChannel {
  return (PRIVATE_CHANNELS as readonly unknown[]).includes(c);
}

export interface ClientMessage {
  action: 'subscribe' | 'unsubscribe';
  channel: Channel;
  symbols?: string[];
  interval?: Interval;
  /** Optional correlation id, echoed in the ack or error. */
  id?: string | number;
}

export const WS_ERRORS = {
  BAD_MESSAGE: 'BAD_MESSAGE',
  UNKNOWN_SYMBOL: 'UNKNOWN_SYMBOL',
  UNKNOWN_CHANNEL: 'UNKNOWN_CHANNEL',
  BAD_INTERVAL: 'BAD_INTERVAL',
  SUBSCRIPTION_LIMIT: 'SUBSCRIPTION_LIMIT',
  RATE_LIMITED: 'RATE_LIMITED',
  FORBIDDEN: 'FORBIDDEN',
} as const;
export type WsErrorCode = (typeof WS_ERRORS)[keyof typeof WS_ERRORS];

/** Close codes (4000-4999 are for applications). */
export const WS_CLOSE = {
  UNAUTHORIZED: 4401,
  SLOW_CONSUMER: 4008,
  RATE_LIMITED: 4029,
  PING_TIMEOUT: 4000,
  SHUTDOWN: 1001,
} as const;

/** The hub key of a public stream: `ticks|NSE:SBIN-EQ`, `candles|NSE:SBIN-EQ|1m`. */
export function streamKey(channel: PublicChannel, symbol: string, interval?: Interval): string {
  return channel === 'candles' ? `candles|${symbol}|${interval ?? '1m'}` : `${channel}|${symbol}`;
}
