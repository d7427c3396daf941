// Telegram figures for `npm run bench`: latency from a fill event on the bus to its message arriving at a
// local Bot API server (p50/p95), the cost of the event handler inside emit (what trading pays), and a
// burst of alerts under the per-chat pace: messages/s, alerts/s, and how many alerts were merged.
// Runs the real node-telegram-bot-api client against tests/support/fake-telegram.ts on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startTelegram } from '../src/adapters/notify/telegram/index.js';
import { openDb } from '../src/adapters/store/sqlite/db.js';
import { telegramSchema } from '../src/config/telegram-schema.js';
import type { Fill } from '../src/core/trading.js';
import { FakeEngine } from '../tests/support/fake-engine-telegram.js';
import { FakeTelegram } from '../tests/support/fake-telegram.js';

export interface TelegramBenchFigures {
  fills: number;
  /** Fill emitted → sendMessage request arrives, one fill at a time with the pace already elapsed. */
  latencyP50Ms: number;
  latencyP95Ms: number;
  /** Time inside bus.emit per alert (format + SQLite insert): what the engine pays. */
  emitUsPerAlert: number;
  burstAlerts: number;
  burstMessages: number;
  burstMerged: number;
  burstSeconds: number;
  alertsPerSecond: number;
  messagesPerSecond: number;
  perChatIntervalMs: number;
}

const CHAT = 1;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function until(pred: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error('bench: timed out');
    await new Promise((r) => setImmediate(r));
  }
}

export async function benchTelegram(opts: { fills?: number; burst?: number; perChatIntervalMs?: number } = {}): Promise<TelegramBenchFigures> {
  const fills = opts.fills ?? 60;
  const burst = opts.burst ?? 300;
  const interval = opts.perChatIntervalMs ?? 250;
  const tg = await FakeTelegram.start();
  const dir = mkdtempSync(join(tmpdir(), 'tradetui-bench-tg-'));
  const db = openDb(join(dir, 'tradetui.db'));
  const engine = new FakeEngine();
  const logger = { info() {}, warn() {}, error() {} };
  const base = { token: tg.token, allowedChatIds: [CHAT], apiRoot: tg.apiRoot, pollTimeoutSeconds: 1, dailySummary: { enabled: false } };
  try {
    // 1. latency, unpaced
    let bot = startTelegram({ api: engine, db, config: telegramSchema.parse({ ...base, perChatIntervalMs: 0 }), logger });
    const latencies: number[] = [];
    for (let i = 0; i < fills; i++) {
      const fill: Fill = {
        id: `f${i}`, orderId: `o${i}`, instanceId: 'ma-cross@binance:BTC/USDT:1h', symbol: 'BTC/USDT', side: 'buy', purpose: 'entry',
        qty: 0.01, price: 60_000 + i, fee: 0.6, time: Date.now(), reason: `bench ${i}`, positionId: `p${i}`,
      };
      const before = tg.calls('sendMessage').length;
      const t0 = performance.now();
      engine.bus.emit({ type: 'fill', fill });
      await until(() => tg.calls('sendMessage').length > before, 10_000);
      latencies.push(tg.calls('sendMessage')[before]!.at - t0);
      await until(() => bot.status().queue === 0, 10_000);
      // Let the global pace (1000 / globalPerSecond ms between any two sends) pass, so the figure is the
      // pipeline's latency and not the rate limit's wait.
      await new Promise((r) => setTimeout(r, 50));
    }
    await bot.stop();

    // 2. burst, paced at `interval` per chat
    bot = startTelegram({ api: engine, db, config: telegramSchema.parse({ ...base, perChatIntervalMs: interval }), logger });
    const sentBefore = tg.calls('sendMessage').length;
    const start = performance.now();
    for (let i = 0; i < burst; i++) {
      engine.bus.emit({ type: 'alert', alert: { id: `b${i}`, time: Date.now(), severity: 'error', category: 'error', message: `exchange error ${i}: request timed out after 10000 ms` } });
    }
    const emitMs = performance.now() - start;
    await until(() => bot.status().queue === 0, 120_000);
    const sends = tg.calls('sendMessage').slice(sentBefore);
    const seconds = (sends[sends.length - 1]!.at - start) / 1000;
    await bot.stop();
    latencies.sort((a, b) => a - b);
    return {
      fills,
      latencyP50Ms: round(quantile(latencies, 0.5)),
      latencyP95Ms: round(quantile(latencies, 0.95)),
      emitUsPerAlert: round((emitMs * 1000) / burst),
      burstAlerts: burst,
      burstMessages: sends.length,
      burstMerged: burst - sends.length,
      burstSeconds: round(seconds),
      alertsPerSecond: round(burst / seconds),
      messagesPerSecond: round(sends.length / seconds),
      perChatIntervalMs: interval,
    };
  } finally {
    await tg.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
