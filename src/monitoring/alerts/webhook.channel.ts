import type { AlertChannel, AlertMessage } from './alert.types';
import { signWebhook } from './alert-signing';

export interface WebhookChannelOptions {
  url: string;
  /** HMAC-SHA256 key; without one the payload is sent unsigned (only sensible on a private network). */
  secret?: string;
  timeoutMs?: number;
  /** Seconds since epoch; injectable for tests. */
  nowSec?: () => number;
}

/** A generic JSON webhook: POST `{ source, alert }`, signed (see alert-signing.ts). */
export class WebhookChannel implements AlertChannel {
  readonly name = 'webhook';

  constructor(private readonly opts: WebhookChannelOptions) {}

  async send(alert: AlertMessage): Promise<void> {
    const body = JSON.stringify({ source: 'trading-bot', alert });
    const ts = (this.opts.nowSec ?? (() => Math.floor(Date.now() / 1000)))();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'trading-bot-alerts',
    };
    if (this.opts.secret) {
      headers['x-signature'] = signWebhook(body, ts, this.opts.secret);
      headers['x-signature-timestamp'] = String(ts);
    }
    let res: Response;
    try {
      res = await fetch(this.opts.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      // the URL may embed a token (e.g. a chat-ops hook), so name only the host
      throw new Error(`webhook ${hostOf(this.opts.url)} unreachable: ${(err as Error).name}`, { cause: err });
    }
    await res.body?.cancel();
    if (!res.ok) throw new Error(`webhook ${hostOf(this.opts.url)} answered HTTP ${res.status}`);
  }
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}
