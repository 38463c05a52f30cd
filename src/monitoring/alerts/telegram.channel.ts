import type { AlertChannel, AlertMessage, AlertSeverity } from './alert.types';

export interface TelegramChannelOptions {
  botToken: string;
  chatId: string;
  /** `TELEGRAM_API_URL`, https://api.telegram.org by default; a local fake in tests. */
  baseUrl: string;
  timeoutMs?: number;
}

const ICON: Record<AlertSeverity, string> = { info: 'ℹ️', warning: '⚠️', critical: '🚨' };
/** Telegram caps a message at 4096 characters. */
const MAX_TEXT = 4000;

/** Telegram Bot API `sendMessage` with HTML formatting. The bot token is in the URL path, so it never goes into an error. */
export class TelegramChannel implements AlertChannel {
  readonly name = 'telegram';

  constructor(private readonly opts: TelegramChannelOptions) {}

  async send(alert: AlertMessage): Promise<void> {
    const url = `${this.opts.baseUrl.replace(/\/+$/, '')}/bot${this.opts.botToken}/sendMessage`;
    const payload = {
      chat_id: this.opts.chatId,
      text: formatTelegram(alert),
      parse_mode: 'HTML',
      disable_web_page_preview: true,
    };
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5000),
      });
    } catch (err) {
      throw new Error(`telegram unreachable: ${(err as Error).name}`, { cause: err });
    }
    const reply = (await res.json().catch(() => undefined)) as
      { ok?: boolean; description?: string } | undefined;
    if (!res.ok || reply?.ok !== true) {
      throw new Error(
        `telegram answered HTTP ${res.status}${reply?.description ? `: ${reply.description.slice(0, 200)}` : ''}`,
      );
    }
  }
}

export function formatTelegram(alert: AlertMessage): string {
  const lines = [
    `${ICON[alert.severity]} <b>${escapeHtml(alert.title)}</b>`,
    `<code>${escapeHtml(alert.key)}</code> · ${alert.severity} · ${alert.at}`,
  ];
  if (alert.suppressed > 0) lines.push(`(${alert.suppressed} repeats suppressed)`);
  for (const [k, v] of Object.entries(alert.details ?? {}).slice(0, 20)) {
    const value = typeof v === 'string' ? v : JSON.stringify(v);
    lines.push(
      `${escapeHtml(k.slice(0, 60))}: ${escapeHtml(value.length > 300 ? `${value.slice(0, 300)}…` : value)}`,
    );
  }
  const text = lines.join('\n');
  // cut at a line break so no HTML tag or entity is split (Telegram refuses broken markup)
  return text.length > MAX_TEXT ? `${text.slice(0, text.lastIndexOf('\n', MAX_TEXT))}\n…` : text;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
