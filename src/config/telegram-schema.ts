// The `telegram:` section: the bot token and allowed chats, which alerts go out, the daily summary, and the
// timings of the outbox (rate limit, retries). config.example.yaml documents every key with its default.
// Durations are in milliseconds unless the key says otherwise, so tests can shrink them.
import { z } from 'zod';

/** Alert categories a trader can switch on or off (the `category` of core's Alert). */
export const ALERT_CATEGORIES = [
  'trade',
  'stop',
  'protection',
  'strategy',
  'engine',
  'feed',
  'error',
  'security',
  'summary',
  'system',
  'risk',
] as const;
export type AlertCategory = (typeof ALERT_CATEGORIES)[number];

export const SEVERITIES = ['info', 'warn', 'error', 'critical'] as const;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const ms = (max: number) => z.number().int().min(0).max(max);

export const telegramSchema = z
  .object({
    /** Bot token; better from TRADETUI_TELEGRAM_TOKEN. Never printed or logged. */
    token: z.string().min(1).nullable().default(null),
    /** Only these chats get answers or may change anything. */
    allowedChatIds: z.array(z.number().int()).default([]),
    /**
     * Only these users may command or confirm, even inside an allowed group chat. null: the allowed private
     * chats' ids (a private chat's id is its user's id), so in a group nobody may until users are listed.
     */
    allowedUserIds: z.array(z.number().int()).nullable().default(null),
    /** Bot API root; change it for a self-hosted Bot API server (tests use 127.0.0.1). */
    apiRoot: z.string().url().default('https://api.telegram.org'),
    /** IANA time zone for times in messages and the daily summary, e.g. Europe/Berlin. */
    timezone: z
      .string()
      .refine(isTimeZone, 'an IANA time zone like Europe/Berlin or UTC')
      .default('UTC'),
    alerts: z
      .object({
        /** Categories sent to Telegram (all by default). */
        categories: z.array(z.enum(ALERT_CATEGORIES)).default([...ALERT_CATEGORIES]),
        /** Alerts below this severity stay in the TUI only. */
        minSeverity: z.enum(SEVERITIES).default('info'),
        /** The feed must be down this long (seconds) before an alert goes out; a shorter blip is silent. */
        feedDownSeconds: z.number().min(0).max(86_400).default(60),
        /** At most one security alert in this many seconds over all strangers; the rest are summarised in the next. */
        securityIntervalSeconds: z.number().min(0).max(86_400).default(300),
      })
      .strict()
      .prefault({}),
    dailySummary: z
      .object({
        enabled: z.boolean().default(true),
        /** Local time (24h HH:MM) in `telegram.timezone`. */
        time: z
          .string()
          .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time like 21:00 (24h HH:MM)')
          .default('21:00'),
      })
      .strict()
      .prefault({}),
    /** Seconds a confirmation (inline button or "yes") stays valid. */
    confirmSeconds: z.number().min(1).max(3600).default(60),
    /** Long-poll wait in seconds (Telegram holds getUpdates open this long). */
    pollTimeoutSeconds: z.number().int().min(0).max(50).default(30),
    /** Outgoing: at least this long between two messages to one chat (Telegram allows about 1/s). */
    perChatIntervalMs: ms(60_000).default(1_000),
    /** Outgoing: at most this many messages per second over all chats (Telegram allows about 30/s). */
    globalPerSecond: z.number().min(1).max(30).default(25),
    /** Outgoing: first back-off after a network error; doubles up to retryMaxMs, with jitter. */
    retryBaseMs: ms(600_000).default(1_000),
    retryMaxMs: ms(3_600_000).default(60_000),
    /** Status turns from "retrying" to "down" after failing this long. */
    downAfterMs: ms(3_600_000).default(60_000),
    /** Per-request timeout for outgoing calls. */
    requestTimeoutMs: z.number().int().min(100).max(300_000).default(15_000),
    /** Candles in a /chart (one column each). */
    chartPoints: z.number().int().min(10).max(120).default(48),
    chartHeight: z.number().int().min(4).max(30).default(12),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.retryMaxMs < v.retryBaseMs) {
      ctx.addIssue({ code: 'custom', path: ['retryMaxMs'], message: 'must be at least retryBaseMs' });
    }
  });

export type TelegramConfig = z.infer<typeof telegramSchema>;
