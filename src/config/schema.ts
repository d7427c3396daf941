// The configuration schema: every key, its type, range and default. config.example.yaml documents the
// same keys; a test checks that the example parses to exactly these defaults.
import { z } from 'zod';
import { checkInstanceRisk, riskOverrideSchema, riskSchema } from '../engine/risk/schema.js';
import { telegramSchema } from './telegram-schema.js';
import { tuiSchema } from './tui-schema.js';
import { TIMEFRAME_LIST } from '../core/time.js';

const timeframe = z.enum(TIMEFRAME_LIST as [string, ...string[]]);
const paramValue = z.union([z.number(), z.string(), z.boolean()]);

export const instanceSchema = z
  .object({
    strategy: z.string().min(1),
    symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'a symbol like BTC/USDT'),
    timeframe,
    params: z.record(z.string(), paramValue).default({}),
    /** Start trading when tradetui starts (otherwise it waits for `s`). */
    autostart: z.boolean().default(true),
    /** This instance's changes to the account's `risk:` section (any key of it); checked merged, at load. */
    risk: riskOverrideSchema.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    /** Where tradetui.db, the candle cache and logs live; default: the user's data dir. */
    dataDir: z.string().nullable().default(null),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
    /** Folder of the trader's own strategies (.ts or .js, one per file). */
    strategiesDir: z.string().nullable().default(null),
    account: z
      .object({
        balance: z.number().positive().default(10_000),
        currency: z.string().default('USDT'),
        /** Fee rate on each fill's notional (0.001 = 0.1%). */
        fee: z.number().min(0).max(0.1).default(0.001),
        /** Adverse slippage on each simulated fill (0.0005 = 0.05%). */
        slippage: z.number().min(0).max(0.1).default(0),
        /** fixed: `slippage` on every fill; sqrt-impact: slippage + impactK × σ × √(qty ÷ candle volume), at most maxSlippage. */
        slippageModel: z.enum(['fixed', 'sqrt-impact']).default('fixed'),
        impactK: z.number().min(0).max(100).default(1),
        maxSlippage: z.number().min(0).max(0.5).default(0.05),
        /** Spot is long-only; true lets strategies enter shorts. */
        allowShort: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    exchange: z
      .object({
        name: z.string().default('binance'),
        /** Passed as-is to the ccxt exchange constructor (ccxt deep-merges it), e.g. { urls: { api: … } }. */
        options: z.record(z.string(), z.unknown()).default({}),
        /** Secrets: better from TRADETUI_EXCHANGE_API_KEY / TRADETUI_EXCHANGE_SECRET. */
        apiKey: z.string().nullable().default(null),
        secret: z.string().nullable().default(null),
        /** Retries for a failed request before giving up (with backoff). */
        retries: z.number().int().min(0).max(20).default(5),
        /** The exchange's testnet (ccxt setSandboxMode): where live trading is tried first. */
        sandbox: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    paper: z
      .object({
        /** replay: the shipped/cached candles at `speed`; exchange: live candles from exchange.name. */
        feed: z.enum(['replay', 'exchange']).default('replay'),
        /** Replay speed in candles per second. */
        speed: z.number().positive().max(1000).default(2),
        /** Replay start (ISO date); default: 2000 candles before the end of the cached data. */
        replayFrom: z.string().nullable().default(null),
        /** How often the exchange feed polls for closed candles, in seconds. */
        pollSeconds: z.number().min(1).max(3600).default(10),
        instances: z
          .array(instanceSchema)
          .default([{ strategy: 'ma-cross', symbol: 'BTC/USDT', timeframe: '1h', params: {}, autostart: true }]),
      })
      .strict()
      .prefault({}),
    live: z
      .object({
        /** The most quote currency the bot may have in positions, whatever the account holds; null: no cap. */
        maxCapital: z.number().positive().nullable().default(null),
        /** Seconds between checks of balances and trades against the exchange while running. */
        reconcileSeconds: z.number().min(10).max(3600).default(60),
      })
      .strict()
      .prefault({}),
    risk: riskSchema.prefault({}),
    telegram: telegramSchema.prefault({}),
    tui: tuiSchema,
  })
  .strict()
  .superRefine(checkInstanceRisk);

export type Config = z.infer<typeof configSchema>;
export type InstanceConfig = z.infer<typeof instanceSchema>;
