// Telegram: a view over the engine like the TUI. It listens on api.bus, answers commands from allowed chats
// by reading the EngineApi, and sends Commands through api.send() after a confirmation. Long polling, no
// public URL. Event handlers only format and insert into the SQLite outbox (synchronous, no network), so
// Telegram being slow or down never slows trading; the Sender drains the outbox.
//
// Which events become messages (so one happening is announced once): trades, stop hits, protections,
// strategy start/stop, engine pause/halt and feed outages are formatted from the engine events themselves
// (via src/alerts/derive.ts, the same module the app uses for the alerts pane); from `alert` events on the
// bus only the other categories are sent (error, security, system, summary, risk, ...). The bot raises its
// own alerts (strangers: `security`; the daily `summary`) as `alert` events on the bus, so they land in the
// alerts pane and table too, and reach Telegram through that one path.
import { randomBytes } from 'node:crypto';
import { Bot, type Context } from 'node-telegram-bot-api';
import { AlertDeriver, DERIVED_CATEGORIES } from '../../../alerts/derive.js';
import { buildDailySummary, localDayKey, nextLocalTime } from '../../../alerts/summary.js';
import { ALERT_CATEGORIES, type TelegramConfig } from '../../../config/telegram-schema.js';
import { errorMessage } from '../../../core/errors.js';
import type { Alert, Command, CommandResult, EngineEvent, Severity } from '../../../core/events.js';
import type { EngineApi } from '../../../engine/ports.js';
import type { Db } from '../../store/sqlite/db.js';
import { Audit } from './audit.js';
import { COMMANDS, COMMAND_NAMES, commandHelp, runCommand } from './commands.js';
import { formatAlert, money, signed } from './format.js';
import { esc } from './html.js';
import { Outbox } from './outbox.js';
import { pollUpdates } from './poll.js';
import { Health, Sender, type Logger, type TelegramStatus } from './sender.js';

export type { TelegramStatus, TelegramState, Logger } from './sender.js';
export { Audit, type AuditEntry } from './audit.js';
export { Outbox } from './outbox.js';

export interface StartTelegramOptions {
  api: EngineApi;
  db: Db;
  config: TelegramConfig;
  logger: Logger;
  /** Wall clock (ms); a function or a Clock. Default Date.now. */
  now?: (() => number) | { now(): number };
}

/** Denied audit rows are kept this long and at most this many (strangers must not grow the table). */
const AUDIT_DENIED_KEEP_MS = 30 * 86_400_000;
const AUDIT_DENIED_MAX_ROWS = 10_000;
/** Updates from strangers logged and audited one by one per window; the rest are counted. */
const STRANGER_DETAILED_PER_WINDOW = 20;
/** Distinct stranger chats remembered per window (counted beyond that as "at least"). */
const STRANGER_CHATS_TRACKED = 10_000;

/** Counts strangers' updates over one alert window, in bounded memory. */
export class StrangerWindow {
  private lastAlertAt = -Infinity;
  private pendingSince: number | null = null;
  private messages = 0;
  private detailed = 0;
  private readonly chats = new Set<number>();
  private chatsOverflow = false;

  constructor(private readonly intervalMs: number) {}

  add(now: number, chatId: number | null): { detailed: boolean; alertFirst: boolean } {
    if (now - this.lastAlertAt >= this.intervalMs && this.messages === 0) {
      // Quiet since the last alert: this one is alerted at once, and opens a new window.
      this.lastAlertAt = now;
      this.detailed = 1;
      return { detailed: true, alertFirst: true };
    }
    this.messages++;
    this.pendingSince ??= now;
    if (chatId !== null) {
      if (this.chats.size < STRANGER_CHATS_TRACKED) this.chats.add(chatId);
      else if (!this.chats.has(chatId)) this.chatsOverflow = true;
    }
    this.detailed++;
    return { detailed: this.detailed <= STRANGER_DETAILED_PER_WINDOW, alertFirst: false };
  }

  /** When the counted updates are due to be summarised, or null when nothing waits. */
  windowEnd(): number | null {
    return this.messages > 0 ? Math.max(this.lastAlertAt + this.intervalMs, this.pendingSince ?? 0) : null;
  }

  flush(now: number): { text: string; messages: number; chats: number } | null {
    if (this.messages === 0) return null;
    const minutes = Math.max(1, Math.round((now - Math.min(this.lastAlertAt, this.pendingSince ?? now)) / 60_000));
    const n = (x: number) => x.toLocaleString('en-US');
    const chats = `${this.chatsOverflow ? 'at least ' : ''}${n(this.chats.size)} unknown chat${this.chats.size === 1 ? '' : 's'}`;
    const out = { text: `ignored ${n(this.messages)} message${this.messages === 1 ? '' : 's'} from ${chats} in the last ${minutes} min`, messages: this.messages, chats: this.chats.size };
    this.messages = 0;
    this.detailed = 0;
    this.pendingSince = null;
    this.chats.clear();
    this.chatsOverflow = false;
    this.lastAlertAt = now;
    return out;
  }

  /** Distinct chats held in memory now (for tests bounding memory). */
  get trackedChats(): number {
    return this.chats.size;
  }
}

export interface TelegramHandle {
  stop(): Promise<void>;
  status(): TelegramStatus;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warn: 1, error: 2, critical: 3 };
const KNOWN_CATEGORIES: ReadonlySet<string> = new Set(ALERT_CATEGORIES);

interface Pending {
  token: string;
  chatId: number;
  /** The user who asked: only they may confirm. */
  userId: number | null;
  command: Command;
  name: string;
  args: string;
  summary: string;
  expiresAt: number;
}

/** Starts the bot when a token is configured; otherwise returns a handle whose status is "disabled". */
export function startTelegram(opts: StartTelegramOptions): TelegramHandle {
  const { config } = opts;
  if (!config.token) {
    return {
      stop: async () => {},
      status: () => ({ state: 'disabled', queue: 0, lastError: null, lastSentAt: null, sent: 0, merged: 0, botUsername: null }),
    };
  }
  const service = new TelegramService(opts, config.token);
  service.start();
  return { stop: () => service.stop(), status: () => service.status() };
}

class TelegramService {
  private readonly api: EngineApi;
  private readonly cfg: TelegramConfig;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly allowed: ReadonlySet<number>;
  private readonly outbox: Outbox;
  private readonly audit: Audit;
  private readonly health: Health;
  private readonly bot: Bot;
  private readonly sender: Sender;
  private readonly deriver: AlertDeriver;
  private readonly pending = new Map<string, Pending>();
  private readonly allowedUsers: ReadonlySet<number>;
  private readonly strangers: StrangerWindow;
  private unsubscribe: Array<() => void> = [];
  private feedTimer: NodeJS.Timeout | null = null;
  private summaryTimer: NodeJS.Timeout | null = null;
  private lastSummaryDay: string | null = null;
  /** A replay (the feed has a speed): days, the summary and /profit follow replay time, not the wall clock. */
  private replay = false;
  private replayTime: number | null = null;
  private replaySummaryAt: number | null = null;
  private readonly pollAbort = new AbortController();
  private polling: Promise<void> | null = null;
  private stopped = false;

  constructor(
    o: StartTelegramOptions,
    private readonly token: string,
  ) {
    this.api = o.api;
    this.cfg = o.config;
    this.log = o.logger;
    const n = o.now;
    this.now = typeof n === 'function' ? n : n ? () => n.now() : Date.now;
    this.allowed = new Set(o.config.allowedChatIds);
    // A private chat's id is its user's id (positive); groups have negative ids.
    this.allowedUsers = new Set(o.config.allowedUserIds ?? o.config.allowedChatIds.filter((id) => id > 0));
    this.strangers = new StrangerWindow(o.config.alerts.securityIntervalSeconds * 1000);
    this.outbox = new Outbox(o.db);
    this.audit = new Audit(o.db);
    this.health = new Health(o.config.downAfterMs, this.now);
    // Retries are ours (outbox + back-off), so the library makes each request once.
    this.bot = new Bot(token, { apiRoot: o.config.apiRoot, maxRetries: 0, timeoutMs: o.config.requestTimeoutMs });
    this.sender = new Sender(this.bot.api, this.outbox, this.health, {
      perChatIntervalMs: o.config.perChatIntervalMs,
      globalPerSecond: o.config.globalPerSecond,
      retryBaseMs: o.config.retryBaseMs,
      retryMaxMs: o.config.retryMaxMs,
      now: this.now,
      logger: this.log,
      redact: (s) => this.redact(s),
    });
    this.deriver = new AlertDeriver({
      feedDownMs: o.config.alerts.feedDownSeconds * 1000,
      strategyOf: (id) => this.api.snapshot().instances.find((i) => i.id === id)?.strategy,
    });
  }

  start(): void {
    const bus = this.api.bus;
    const derived = (e: EngineEvent) => this.onEngineEvent(e);
    const snap = this.api.snapshot();
    this.replay = snap.feed.speed !== null;
    if (this.replay) this.replayTime = snap.time;
    this.unsubscribe = [
      bus.on('equity', (e) => this.onReplayTime(e.time)),
      bus.on('fill', derived),
      bus.on('trade', derived),
      bus.on('protection', derived),
      bus.on('instance', derived),
      bus.on('engine', derived),
      bus.on('feed', derived),
      bus.on('alert', (e) => {
        if (!DERIVED_CATEGORIES.has(e.alert.category)) this.guard(() => this.deliver(e.alert));
      }),
    ];
    this.setupBot();
    this.sender.start();
    this.polling = this.bot
      .startPolling(
        pollUpdates(
          this.bot.api,
          {
            timeoutSeconds: this.cfg.pollTimeoutSeconds,
            retryBaseMs: this.cfg.retryBaseMs,
            retryMaxMs: this.cfg.retryMaxMs,
            health: this.health,
            logger: this.log,
            redact: (s) => this.redact(s),
          },
          this.pollAbort.signal,
        ),
      )
      .catch((err) => this.log.error({ error: this.redact(errorMessage(err)) }, 'telegram: polling stopped'));
    this.bot.api
      .getMe()
      .then((me) => {
        this.health.botUsername = me.username ?? null;
        this.health.ok('poll');
        // the menu Telegram shows under "/": the same list and words as /help (commandHelp reads the TUI's keymap)
        return this.bot.api
          .setMyCommands({ commands: COMMANDS.map((c) => ({ command: c.name, description: commandHelp(c).slice(0, 256) })) })
          .catch((err) => this.log.warn({ error: this.redact(errorMessage(err)) }, 'telegram: the command list was not set (commands still work)'));
      })
      .catch((err) => this.health.fail('poll', this.redact(errorMessage(err))));
    this.scheduleSummary();
    const pendingNow = this.outbox.count();
    this.log.info(
      { allowedChats: this.allowed.size, apiRoot: this.cfg.apiRoot, pending: pendingNow },
      'telegram: bot started (long polling)',
    );
    if (this.allowed.size === 0) {
      this.log.warn('telegram: telegram.allowedChatIds is empty, the bot answers nobody; message it and find your chat id in this log');
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
    if (this.feedTimer) clearTimeout(this.feedTimer);
    if (this.summaryTimer) clearTimeout(this.summaryTimer);
    if (this.strangerTimer) clearTimeout(this.strangerTimer);
    this.pollAbort.abort();
    this.bot.stop();
    await this.polling;
    await this.sender.stop();
  }

  status(): TelegramStatus {
    return {
      state: this.health.state,
      queue: this.outbox.count(),
      lastError: this.health.lastError,
      lastSentAt: this.sender.lastSentAt,
      sent: this.sender.sent,
      merged: this.sender.merged,
      botUsername: this.health.botUsername,
    };
  }

  private redact(s: string): string {
    return s.split(this.token).join('***');
  }

  /** Nothing from here may throw into the engine's emit. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error({ error: this.redact(errorMessage(err)) }, 'telegram: failed to queue a message');
    }
  }

  // --- alerts ---------------------------------------------------------------------------------------

  private onEngineEvent(e: EngineEvent): void {
    this.guard(() => {
      for (const a of this.deriver.onEvent(e, this.eventNow())) this.deliver(a);
      if (e.type === 'feed') this.scheduleFeedTick();
    });
  }

  private scheduleFeedTick(): void {
    if (this.feedTimer) clearTimeout(this.feedTimer);
    this.feedTimer = null;
    const at = this.deriver.nextDeadline();
    if (at === null || this.stopped) return;
    this.feedTimer = setTimeout(() => {
      this.feedTimer = null;
      this.guard(() => {
        for (const a of this.deriver.tick(this.now())) this.deliver(a);
      });
      this.scheduleFeedTick();
    }, Math.max(0, at - this.now()));
    this.feedTimer.unref();
  }

  private deliver(a: Alert): void {
    if (KNOWN_CATEGORIES.has(a.category) && !this.cfg.alerts.categories.includes(a.category as never)) return;
    if ((SEVERITY_RANK[a.severity] ?? 0) < SEVERITY_RANK[this.cfg.alerts.minSeverity]) return;
    if (this.allowed.size === 0) return;
    const text = this.marked(formatAlert(a, this.cfg.timezone));
    const t = this.now();
    for (const chat of this.allowed) this.outbox.enqueue(chat, text, 'alert', t);
    this.sender.wake();
  }

  private raise(alert: Omit<Alert, 'id' | 'time'>): void {
    const wall = this.now();
    const time = this.eventNow();
    this.api.bus.emit({ type: 'alert', alert: { id: `tg-${wall.toString(36)}-${randomBytes(3).toString('hex')}`, time, ...(this.replay ? { wallTime: wall } : {}), ...alert } });
  }

  /** Replay time in a replay (the last candle's), else the wall clock. */
  private eventNow(): number {
    return this.replay ? (this.replayTime ?? this.api.snapshot().time) : this.now();
  }

  /** Replay: the daily summary goes out when the replay, not the wall clock, reaches the configured time. */
  private onReplayTime(time: number): void {
    if (!this.replay) return;
    this.replayTime = time;
    if (!this.cfg.dailySummary.enabled || this.stopped) return;
    const at = this.cfg.dailySummary.time;
    if (this.replaySummaryAt === null) {
      this.replaySummaryAt = nextLocalTime(time, at, this.cfg.timezone);
      return;
    }
    if (time < this.replaySummaryAt) return;
    this.replaySummaryAt = nextLocalTime(Math.max(time, this.replaySummaryAt + 60_000), at, this.cfg.timezone);
    this.guard(() => this.sendSummary(time));
  }

  private sendSummary(t: number): void {
    const day = localDayKey(t, this.cfg.timezone);
    if (day === this.lastSummaryDay) return;
    this.lastSummaryDay = day;
    const s = buildDailySummary(this.api, t, this.cfg.timezone);
    this.raise({
      severity: 'info',
      category: 'summary',
      message: `daily summary: equity ${money(s.equity)}, day ${signed(s.dayPnl)}, week ${signed(s.weekPnl)}, ${s.tradesToday} trade(s) today`,
      data: s as unknown as Record<string, unknown>,
    });
  }

  private scheduleSummary(): void {
    if (!this.cfg.dailySummary.enabled || this.stopped) return;
    const now = this.now();
    const at = nextLocalTime(now, this.cfg.dailySummary.time, this.cfg.timezone);
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null;
      // A timer can fire a millisecond before the wall clock reaches its time: the summary is of the time it was due.
      const t = Math.max(this.now(), at);
      // A replay's summaries follow its own days (onReplayTime).
      if (!this.replay) this.guard(() => this.sendSummary(t));
      this.scheduleSummaryAfter(t);
    }, Math.max(0, at - now));
    this.summaryTimer.unref();
  }

  /** The next summary is the configured time after this one (at least a minute later). */
  private scheduleSummaryAfter(firedAt: number): void {
    if (this.stopped) return;
    const now = this.now();
    const at = nextLocalTime(Math.max(now, firedAt + 60_000), this.cfg.dailySummary.time, this.cfg.timezone);
    this.summaryTimer = setTimeout(() => {
      this.summaryTimer = null;
      this.scheduleSummary();
    }, Math.max(0, at - now - 1));
    this.summaryTimer.unref();
  }

  // --- bot ------------------------------------------------------------------------------------------

  /** Every message of a live engine says so first, with the exchange: real money is never mistaken for paper. */
  private marked(text: string): string {
    const live = this.api.snapshot().live;
    return live ? `🔴 <b>LIVE ${esc(live.exchange)}${live.sandbox ? ' testnet' : ''}</b>\n${text}` : text;
  }

  private reply(chatId: number, text: string, kind: 'reply' | 'confirm' = 'reply', markup: unknown = null): number[] {
    const ids = this.outbox.enqueue(chatId, this.marked(text), kind, this.now(), markup);
    this.sender.wake();
    return ids;
  }

  private setupBot(): void {
    const bot = this.bot;
    bot.catch((err) => this.log.error({ error: this.redact(errorMessage(err)) }, 'telegram: update handler failed'));
    // The gate: only allowed users in allowed chats reach any handler; others get no reply at all.
    bot.use(async (ctx, next) => {
      const chatId = ctx.chatId;
      const userId = ctx.from?.id;
      const chatOk = chatId !== undefined && this.allowed.has(chatId);
      if (chatOk && userId !== undefined && this.allowedUsers.has(userId)) {
        // A command addressed to another bot in a shared chat (/pause@otherbot) is not ours.
        if (this.addressedElsewhere(ctx.message?.text)) return;
        return next();
      }
      this.onStranger(ctx, chatOk ? 'user not in telegram.allowedUserIds' : 'chat not in telegram.allowedChatIds');
    });
    bot.on('callback_query', (ctx) => this.onCallback(ctx));
    for (const name of COMMAND_NAMES) {
      bot.command(name, (ctx) => this.onCommand(name, typeof ctx.match === 'string' ? ctx.match : '', ctx));
    }
    bot.on('message', (ctx) => this.onText(ctx));
  }

  /** `/cmd@name` where name is not this bot (or this bot's name is not known yet, so it cannot be ours for sure). */
  private addressedElsewhere(text: string | undefined): boolean {
    const m = /^\/\w+@(\w+)/.exec(text ?? '');
    if (!m) return false;
    const me = this.health.botUsername;
    return !me || m[1]!.toLowerCase() !== me.toLowerCase();
  }

  /**
   * Someone not allowed: no reply, ever. The first updates of each window are logged and audited, the rest
   * only counted; one security alert per window over all strangers, summarising what was ignored since the
   * last one, so a flood of distinct chats cannot flood the trader, the log, the table or memory.
   */
  private onStranger(ctx: Context, why: string): void {
    const chatId = ctx.chatId;
    const from = ctx.from;
    const text = ctx.message?.text ?? (ctx.callbackQuery ? `[button ${ctx.callbackQuery.data ?? ''}]` : '[update]');
    const now = this.now();
    const seen = this.strangers.add(now, chatId ?? null);
    if (seen.detailed) {
      this.log.warn(
        { chatId: chatId ?? null, userId: from?.id ?? null, username: from?.username ?? null, reason: why },
        'telegram: ignored an update from a chat or user that is not allowed',
      );
      if (chatId !== undefined) {
        this.audit.record({
          time: now,
          chatId,
          userId: from?.id ?? null,
          username: from?.username ?? null,
          command: text.split(/\s+/)[0] ?? '',
          args: '',
          result: 'denied',
          message: why,
        });
      }
    }
    if (seen.alertFirst) {
      const who = from ? `${from.username ? `@${from.username}` : from.first_name} (user ${from.id})` : 'unknown user';
      this.raise({
        severity: 'warn',
        category: 'security',
        message: `Telegram: ignored a message from chat ${chatId ?? '?'}, ${who}: ${why}`,
        data: { chatId: chatId ?? null, userId: from?.id ?? null, username: from?.username ?? null },
      });
    }
    this.scheduleStrangerSummary();
  }

  private strangerTimer: NodeJS.Timeout | null = null;

  /** At the end of the window, one alert (and one log line) for everything that was only counted. */
  private scheduleStrangerSummary(): void {
    if (this.strangerTimer || this.stopped) return;
    const due = this.strangers.windowEnd();
    if (due === null) return;
    this.strangerTimer = setTimeout(() => {
      this.strangerTimer = null;
      const summary = this.strangers.flush(this.now());
      if (summary) {
        this.log.warn({ messages: summary.messages, chats: summary.chats }, `telegram: ${summary.text}`);
        this.raise({ severity: 'warn', category: 'security', message: `Telegram: ${summary.text}`, data: { messages: summary.messages, chats: summary.chats } });
      }
      this.audit.prune(this.now() - AUDIT_DENIED_KEEP_MS, AUDIT_DENIED_MAX_ROWS);
      if (this.strangers.windowEnd() !== null) this.scheduleStrangerSummary();
    }, Math.max(0, due - this.now()));
    this.strangerTimer.unref();
  }

  private async onCommand(name: string, args: string, ctx: Context): Promise<void> {
    const chatId = ctx.chatId!;
    let answer;
    try {
      answer = runCommand(name, args, {
        api: this.api,
        timeZone: this.cfg.timezone,
        now: this.eventNow(),
        chartPoints: this.cfg.chartPoints,
        chartHeight: this.cfg.chartHeight,
      });
    } catch (err) {
      this.log.error({ command: name, error: this.redact(errorMessage(err)) }, 'telegram: command failed');
      this.reply(chatId, `⚠️ /${esc(name)} failed: ${esc(errorMessage(err))}`);
      return;
    }
    if (answer.kind === 'text') {
      this.reply(chatId, answer.text);
      return;
    }
    const token = randomBytes(6).toString('hex');
    const secs = this.cfg.confirmSeconds;
    this.pending.set(token, {
      token,
      chatId,
      userId: ctx.from?.id ?? null,
      command: answer.command,
      name,
      args: args.trim(),
      summary: answer.summary,
      expiresAt: this.now() + secs * 1000,
    });
    const keyboard = {
      inline_keyboard: [
        [
          { text: '✅ Confirm', callback_data: `cf:${token}` },
          { text: '✖ Cancel', callback_data: `cx:${token}` },
        ],
      ],
    };
    this.reply(chatId, `${answer.text}\n\nTap Confirm or reply <b>yes</b> within ${secs}s.`, 'confirm', keyboard);
  }

  private async onCallback(ctx: Context): Promise<void> {
    const cq = ctx.callbackQuery!;
    const chatId = ctx.chatId!;
    const m = /^c([fx]):([0-9a-f]+)$/.exec(cq.data ?? '');
    const p = m ? this.pending.get(m[2]!) : undefined;
    const messageId = cq.message && 'message_id' in cq.message ? cq.message.message_id : undefined;
    if (!m || !p || p.chatId !== chatId) {
      await this.answerCallback(cq.id, 'This confirmation expired or was already used.');
      return;
    }
    if (p.userId !== cq.from.id) {
      // Another allowed member of the chat: the question belongs to whoever asked it.
      await this.answerCallback(cq.id, 'Only the person who sent the command can confirm it.');
      return;
    }
    this.pending.delete(p.token);
    const user = { id: cq.from.id, username: cq.from.username ?? null };
    let outcome: string;
    if (this.now() > p.expiresAt) {
      this.record(p, user, 'expired', 'confirmation expired');
      outcome = `⌛ Expired: ${esc(p.summary)}. Send the command again.`;
      await this.answerCallback(cq.id, 'Expired');
    } else if (m[1] === 'x') {
      this.record(p, user, 'cancelled', 'cancelled');
      outcome = `✖ Cancelled: ${esc(p.summary)}`;
      await this.answerCallback(cq.id, 'Cancelled');
    } else {
      await this.answerCallback(cq.id, 'Working…');
      const r = await this.execute(p, user);
      outcome = `${r.ok ? '✅' : '❌'} ${esc(p.summary)}: ${esc(r.message)}`;
    }
    await this.showOutcome(chatId, messageId, outcome);
  }

  private async onText(ctx: Context): Promise<void> {
    const chatId = ctx.chatId!;
    const text = (ctx.message?.text ?? '').trim();
    if (text.startsWith('/')) {
      const name = text.slice(1).split(/[\s@]/)[0] ?? '';
      this.reply(chatId, `Unknown command /${esc(name)}. Send /help for the list.`);
      return;
    }
    const yes = /^(yes|y|confirm|ok)$/i.test(text);
    const no = /^(no|n|cancel)$/i.test(text);
    if (!yes && !no) {
      this.reply(chatId, 'Send /help for the commands.');
      return;
    }
    // The latest confirmation this user asked in this chat.
    let p: Pending | undefined;
    for (const q of this.pending.values()) if (q.chatId === chatId && q.userId === (ctx.from?.id ?? null)) p = q;
    if (!p) {
      this.reply(chatId, 'Nothing to confirm.');
      return;
    }
    this.pending.delete(p.token);
    const from = ctx.from;
    const user = { id: from?.id ?? null, username: from?.username ?? null };
    if (this.now() > p.expiresAt) {
      this.record(p, user, 'expired', 'confirmation expired');
      this.reply(chatId, `⌛ Expired: ${esc(p.summary)}. Send the command again.`);
    } else if (no) {
      this.record(p, user, 'cancelled', 'cancelled');
      this.reply(chatId, `✖ Cancelled: ${esc(p.summary)}`);
    } else {
      const r = await this.execute(p, user);
      this.reply(chatId, `${r.ok ? '✅' : '❌'} ${esc(p.summary)}: ${esc(r.message)}`);
    }
  }

  private async execute(p: Pending, user: { id: number | null; username: string | null }): Promise<CommandResult> {
    let r: CommandResult;
    try {
      r = await this.api.send(p.command);
    } catch (err) {
      r = { ok: false, message: errorMessage(err) };
    }
    this.record(p, user, r.ok ? 'ok' : 'failed', r.message);
    this.log.info({ chatId: p.chatId, userId: user.id, command: p.name, args: p.args, ok: r.ok }, 'telegram: command executed');
    return r;
  }

  private record(p: Pending, user: { id: number | null; username: string | null }, result: 'ok' | 'failed' | 'cancelled' | 'expired', message: string): void {
    this.audit.record({ time: this.now(), chatId: p.chatId, userId: user.id, username: user.username, command: p.name, args: p.args, result, message });
  }

  private async answerCallback(id: string, text: string): Promise<void> {
    try {
      await this.bot.api.answerCallbackQuery({ callback_query_id: id, text });
    } catch (err) {
      this.log.warn({ error: this.redact(errorMessage(err)) }, 'telegram: answerCallbackQuery failed');
    }
  }

  /** Replaces the question (and its buttons) with the outcome; if editing fails, the outcome is sent. */
  private async showOutcome(chatId: number, messageId: number | undefined, html: string): Promise<void> {
    if (messageId !== undefined) {
      try {
        await this.bot.api.editMessageText({ chat_id: chatId, message_id: messageId, text: html, parse_mode: 'HTML' });
        return;
      } catch (err) {
        this.log.warn({ error: this.redact(errorMessage(err)) }, 'telegram: editMessageText failed, sending the outcome instead');
      }
    }
    this.reply(chatId, html);
  }
}
