// The `risk:` section: how entries are sized, which exits they carry, the limits every entry is clipped
// to, and the protections (circuit breakers) that pause entries. Percentages are written as percent
// (10 = 10%), durations in minutes. config.example.yaml documents every key with its default.
//
// The same shapes exist twice: `riskSchema` (the account's section, every key defaulted) and
// `riskOverrideSchema` (a strategy instance's partial override: no defaults, every key optional). Both are
// built from one list of validators per section, and every TypeScript type is inferred from them (z.infer):
// nothing is written twice, so nothing can drift. A protection is off when null (the default) and on when it
// is an object; `true` turns it on with its defaults, `false` turns it off (handy in overrides).
import { z } from 'zod';

const positivePct = z.number().gt(0).max(100);
const minutes = z.number().gt(0).max(525_600 * 10);
const count = z.number().int().min(1).max(100_000);
const multiple = z.number().gt(0).max(100);

export const SIZING_MODES = ['fixed', 'percent', 'atr', 'kelly', 'confidence', 'regime'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

/** A section's validators and, beside them, its defaults (type-checked against what the validators accept). */
interface Section<S extends z.ZodRawShape> {
  shape: S;
  defaults: z.output<z.ZodObject<S>>;
}

function section<S extends z.ZodRawShape>(shape: S, defaults: z.output<z.ZodObject<S>>): Section<S> {
  return { shape, defaults };
}

const kelly = section(
  {
    /** Fraction of the full Kelly bet (0.5 = half Kelly, the usual practice: full Kelly is too volatile). */
    fraction: z.number().gt(0).max(1),
    /** Cap on the Kelly size, % of equity. */
    maxPct: positivePct,
    /** Kelly stays off (percent sizing is used) until the instance has this many closed trades. */
    minTrades: count,
  },
  { fraction: 0.5, maxPct: 25, minTrades: 30 },
);

const regime = section(
  {
    adxPeriod: z.number().int().min(2).max(500),
    /** ADX at or above this is a trending market. */
    trendAdx: z.number().min(0).max(100),
    /** ATR above this multiple of its own average over `volatilityLookback` candles is a volatile market. */
    volatileRatio: z.number().gt(0).max(100),
    volatilityLookback: z.number().int().min(2).max(10_000),
    trending: z.number().min(0).max(10),
    ranging: z.number().min(0).max(10),
    volatile: z.number().min(0).max(10),
  },
  { adxPeriod: 14, trendAdx: 25, volatileRatio: 1.5, volatilityLookback: 100, trending: 1.5, ranging: 1, volatile: 0.6 },
);

const sizingBase = section(
  {
    mode: z.enum(SIZING_MODES),
    /** percent (and the base of confidence, regime and Kelly before minTrades): % of equity per entry. */
    pct: positivePct,
    /** fixed: quote currency per entry. */
    quote: z.number().gt(0),
    /** atr: % of equity lost if the ATR stop is hit: size = equity × riskPct ÷ (ATR × atrMultiple). */
    riskPct: z.number().gt(0).max(20),
    atrMultiple: multiple,
    /** confidence: entries whose confidence is below this are refused (0 = none refused). */
    minConfidence: z.number().min(0).max(1),
  },
  { mode: 'percent', pct: 10, quote: 100, riskPct: 1, atrMultiple: 2, minConfidence: 0 },
);

const exits = section(
  {
    /** Fixed stop-loss, % below (long) or above (short) the entry reference price. */
    stopLossPct: positivePct.nullable(),
    /** ATR stop at this multiple of ATR from the entry reference price. */
    atrStopMultiple: multiple.nullable(),
    /** Trailing stop as % of the best price, or as a multiple of the ATR at entry (the tighter is used). */
    trailingPct: positivePct.nullable(),
    trailingAtrMultiple: multiple.nullable(),
    takeProfitPct: z.number().gt(0).max(1000).nullable(),
    /** Move the stop to the entry price after +N% in favour. */
    breakEvenPct: z.number().gt(0).max(1000).nullable(),
    /** Close after N candles in the trade. */
    maxCandles: z.number().int().min(1).max(1_000_000).nullable(),
    /** No stop may be wider than this % from the entry price: wider ones (a strategy's, an ATR stop) are tightened to it. */
    maxStopPct: positivePct,
  },
  { stopLossPct: null, atrStopMultiple: null, trailingPct: null, trailingAtrMultiple: null, takeProfitPct: null, breakEvenPct: null, maxCandles: null, maxStopPct: 25 },
);

const limits = section(
  {
    /** Largest single position, % of equity. */
    maxPositionPct: positivePct,
    /** All open positions together (gross), % of equity. */
    maxTotalExposurePct: z.number().gt(0).max(1000),
    maxOpenPositions: z.number().int().min(1).max(10_000).nullable(),
    /** All positions on one symbol together, % of equity. */
    maxSymbolPct: positivePct,
    /** The exchange's minimum order value in quote (Binance spot: 5 USDT); smaller entries are refused. */
    minNotional: z.number().min(0),
    /** The exchange's quantity step (precision); quantities are rounded down to it. 0 = any quantity. */
    amountStep: z.number().min(0),
  },
  { maxPositionPct: 10, maxTotalExposurePct: 100, maxOpenPositions: 10, maxSymbolPct: 25, minNotional: 5, amountStep: 0 },
);

const stoplossGuard = section(
  {
    /** Stop-outs (losing stop-loss or trailing-stop exits) within the lookback that trigger the guard. */
    trades: count,
    lookbackMinutes: minutes,
    /** How long new entries stay paused. */
    stopMinutes: minutes,
    /** Pause only the symbol that was stopped out (counted per symbol) instead of everything. */
    perSymbol: z.boolean(),
  },
  { trades: 3, lookbackMinutes: 24 * 60, stopMinutes: 4 * 60, perSymbol: false },
);

const cooldown = section(
  {
    /** No new entry on a symbol for this long after a position on it closed. */
    minutes,
  },
  { minutes: 60 },
);

const dailyLossLimit = section(
  {
    /** At −pct% of the UTC day's starting equity, no new entries until the next UTC day. */
    pct: positivePct,
  },
  { pct: 5 },
);

const maxDrawdown = section(
  {
    /** At −pct% from the equity peak, entries halt until a person resumes. */
    pct: positivePct,
  },
  { pct: 20 },
);

const lowProfit = section(
  {
    /** A symbol whose closed trades within the lookback sum to a loss of more than pct% is locked. */
    pct: z.number().min(0).max(1000),
    /** At least this many closed trades within the lookback before the rule judges. */
    trades: count,
    lookbackMinutes: minutes,
    stopMinutes: minutes,
  },
  { pct: 5, trades: 3, lookbackMinutes: 3 * 24 * 60, stopMinutes: 12 * 60 },
);

const PROTECTIONS = { stoplossGuard, cooldown, dailyLossLimit, maxDrawdown, lowProfit } as const;
export type ProtectionName = keyof typeof PROTECTIONS;
export const PROTECTION_NAMES = Object.keys(PROTECTIONS) as ProtectionName[];

/** The section as the account has it: any key may be left out and takes its default. */
function full<S extends z.ZodRawShape>(s: Section<S>) {
  return z
    .object(s.shape)
    .strict()
    .partial()
    .transform((given) => ({ ...s.defaults, ...given }));
}

/** The section as an instance overrides it: any key, no defaults (the account's values fill the rest). */
function partial<S extends z.ZodRawShape>(s: Section<S>) {
  return z.object(s.shape).strict().partial();
}

/** true → on with defaults, false → off. */
const onOff = (v: unknown): unknown => (v === true ? {} : v === false ? null : v);

function protection<T extends z.ZodType>(section: T) {
  return z.preprocess(onOff, section.nullable());
}

/** Cross-field rules, shared by the account section and a merged instance override. */
function checkStops(r: { exits?: { stopLossPct?: number | null; maxStopPct?: number } }, ctx: z.RefinementCtx): void {
  const sl = r.exits?.stopLossPct;
  const max = r.exits?.maxStopPct;
  if (sl != null && max !== undefined && sl > max) {
    ctx.addIssue({ code: 'custom', path: ['exits', 'stopLossPct'], message: `stop-loss ${sl}% is wider than exits.maxStopPct (${max}%)` });
  }
}

/** The account's `risk:` section, every key defaulted. */
export const riskSchema = z
  .object({
    /** ATR period for ATR sizing, ATR stops, ATR trailing and the regime's volatility. */
    atrPeriod: z.number().int().min(1).max(1000).default(14),
    sizing: z
      .object({ ...partial(sizingBase).shape, kelly: full(kelly).prefault({}), regime: full(regime).prefault({}) })
      .strict()
      .transform((given) => ({ ...sizingBase.defaults, ...given }))
      .prefault({}),
    exits: full(exits).prefault({}),
    limits: full(limits).prefault({}),
    protections: z
      .object({
        stoplossGuard: protection(full(stoplossGuard)).default(null),
        cooldown: protection(full(cooldown)).default(null),
        dailyLossLimit: protection(full(dailyLossLimit)).default(null),
        maxDrawdown: protection(full(maxDrawdown)).default(null),
        lowProfit: protection(full(lowProfit)).default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine(checkStops);

/** A strategy instance's partial `risk:` (paper.instances[].risk): any key of the section, no defaults. */
export const riskOverrideSchema = z
  .object({
    atrPeriod: z.number().int().min(1).max(1000).optional(),
    sizing: z
      .object({ ...sizingBase.shape, kelly: partial(kelly), regime: partial(regime) })
      .strict()
      .partial()
      .optional(),
    exits: partial(exits).optional(),
    limits: partial(limits).optional(),
    protections: z
      .object({
        stoplossGuard: protection(partial(stoplossGuard)),
        cooldown: protection(partial(cooldown)),
        dailyLossLimit: protection(partial(dailyLossLimit)),
        maxDrawdown: protection(partial(maxDrawdown)),
        lowProfit: protection(partial(lowProfit)),
      })
      .strict()
      .partial()
      .optional(),
  })
  .strict();

/** The parsed section, and its parts (inferred from the schema). */
export type RiskConfig = z.output<typeof riskSchema>;
export type SizingConfig = RiskConfig['sizing'];
export type KellyConfig = SizingConfig['kelly'];
export type RegimeConfig = SizingConfig['regime'];
export type ExitsConfig = RiskConfig['exits'];
export type LimitsConfig = RiskConfig['limits'];
export type ProtectionsConfig = RiskConfig['protections'];
export type StoplossGuardConfig = NonNullable<ProtectionsConfig['stoplossGuard']>;
export type CooldownConfig = NonNullable<ProtectionsConfig['cooldown']>;
export type PctConfig = NonNullable<ProtectionsConfig['dailyLossLimit']>;
export type LowProfitConfig = NonNullable<ProtectionsConfig['lowProfit']>;
type ParsedOverride = z.output<typeof riskOverrideSchema>;
type OverrideProtections = NonNullable<ParsedOverride['protections']>;
/** An instance's override, as parsed or as written (a protection as true/false: on with its defaults / off). */
export type RiskOverride = Omit<ParsedOverride, 'protections'> & { protections?: { [K in keyof OverrideProtections]?: OverrideProtections[K] | boolean } };

/** The account section with every default (what `risk: {}` parses to). */
export function defaultRisk(): RiskConfig {
  return riskSchema.parse({});
}

/** Plain objects merge key by key; anything else (numbers, null, booleans) replaces. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlain(over) || !isPlain(base)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = v === undefined ? base[k] : deepMerge(base[k], v);
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Issues of `base` with `override` merged in, paths relative to the risk section; empty when valid. */
export function mergedRiskIssues(base: RiskConfig, override: unknown): { result?: RiskConfig; issues: readonly z.core.$ZodIssue[] } {
  const r = riskSchema.safeParse(deepMerge(base, normaliseOnOff(override)));
  return r.success ? { result: r.data, issues: [] } : { issues: r.error.issues };
}

/** The account's risk with an instance's partial merged in and validated. Throws on invalid input. */
export function mergeRisk(base: RiskConfig, override: RiskOverride | undefined | null): RiskConfig {
  if (!override) return base;
  const { result, issues } = mergedRiskIssues(base, override);
  if (!result) throw new Error(`invalid risk override: ${issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return result;
}

/**
 * `protections.cooldown: true` in an override means "on with defaults", even when the account's cooldown is
 * on with other values; replacing true by {} before the merge keeps the account's values instead, which is
 * what a trader writing `true` in an instance means.
 */
function normaliseOnOff(v: unknown): unknown {
  if (!isPlain(v)) return v;
  const p = v.protections;
  if (!isPlain(p)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(p)) out[k] = x === true ? {} : x === false ? null : x;
  return { ...v, protections: out };
}

/**
 * Checks each paper instance's `risk` override against the account section it merges into (config load),
 * reporting problems under the instance's key path. Attached to the config schema with superRefine.
 */
export function checkInstanceRisk(cfg: { risk: unknown; paper: { instances: Array<{ risk?: unknown }> } }, ctx: z.RefinementCtx): void {
  cfg.paper.instances.forEach((inst, i) => {
    if (inst.risk === undefined) return;
    const { issues } = mergedRiskIssues(cfg.risk as RiskConfig, inst.risk);
    for (const issue of issues) ctx.addIssue({ code: 'custom', path: ['paper', 'instances', i, 'risk', ...issue.path], message: issue.message });
  });
}

/**
 * What is wrong with an instance's risk override typed in a view (edit-instance), each problem with its path
 * under `risk`; with `base`, also checked merged into the account's section. Empty when it can be applied.
 */
export function riskOverrideProblems(raw: unknown, base?: RiskConfig): string[] {
  const own = riskOverrideSchema.safeParse(raw);
  if (!own.success) return own.error.issues.map((i) => `risk${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
  if (!base) return [];
  return mergedRiskIssues(base, raw).issues.map((i) => `risk${i.path.length ? `.${i.path.join('.')}` : ''}: ${i.message}`);
}
