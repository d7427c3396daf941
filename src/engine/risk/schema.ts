// The `risk:` section: how entries are sized, which exits they carry, the limits every entry is clipped
// to, and the protections (circuit breakers) that pause entries. Percentages are written as percent
// (10 = 10%), durations in minutes. config.example.yaml documents every key with its default.
//
// The same shapes exist twice: `riskSchema` (the account's section, every key defaulted) and
// `riskOverrideSchema` (a strategy instance's partial override: no defaults, every key optional). Both are
// built from one field list so they cannot drift. A protection is off when null (the default) and on when
// it is an object; `true` turns it on with its defaults, `false` turns it off (handy in overrides).
import { z } from 'zod';

const positivePct = z.number().gt(0).max(100);
const minutes = z.number().gt(0).max(525_600 * 10);
const count = z.number().int().min(1).max(100_000);
const multiple = z.number().gt(0).max(100);

export const SIZING_MODES = ['fixed', 'percent', 'atr', 'kelly', 'confidence', 'regime'] as const;
export type SizingMode = (typeof SIZING_MODES)[number];

type Shape = Record<string, z.ZodType>;

interface Section {
  shape: Shape;
  defaults: Record<string, unknown>;
}

function section(fields: Record<string, [z.ZodType, unknown]>): Section {
  const shape: Shape = {};
  const defaults: Record<string, unknown> = {};
  for (const [k, [schema, def]] of Object.entries(fields)) {
    shape[k] = schema;
    defaults[k] = def;
  }
  return { shape, defaults };
}

const kelly = section({
  /** Fraction of the full Kelly bet (0.5 = half Kelly, the usual practice: full Kelly is too volatile). */
  fraction: [z.number().gt(0).max(1), 0.5],
  /** Cap on the Kelly size, % of equity. */
  maxPct: [positivePct, 25],
  /** Kelly stays off (percent sizing is used) until the instance has this many closed trades. */
  minTrades: [count, 30],
});

const regime = section({
  adxPeriod: [z.number().int().min(2).max(500), 14],
  /** ADX at or above this is a trending market. */
  trendAdx: [z.number().min(0).max(100), 25],
  /** ATR above this multiple of its own average over `volatilityLookback` candles is a volatile market. */
  volatileRatio: [z.number().gt(0).max(100), 1.5],
  volatilityLookback: [z.number().int().min(2).max(10_000), 100],
  trending: [z.number().min(0).max(10), 1.5],
  ranging: [z.number().min(0).max(10), 1],
  volatile: [z.number().min(0).max(10), 0.6],
});

const sizingBase = section({
  mode: [z.enum(SIZING_MODES), 'percent'],
  /** percent (and the base of confidence, regime and Kelly before minTrades): % of equity per entry. */
  pct: [positivePct, 10],
  /** fixed: quote currency per entry. */
  quote: [z.number().gt(0), 100],
  /** atr: % of equity lost if the ATR stop is hit: size = equity × riskPct ÷ (ATR × atrMultiple). */
  riskPct: [z.number().gt(0).max(20), 1],
  atrMultiple: [multiple, 2],
  /** confidence: entries whose confidence is below this are refused (0 = none refused). */
  minConfidence: [z.number().min(0).max(1), 0],
});

const exits = section({
  /** Fixed stop-loss, % below (long) or above (short) the entry reference price. */
  stopLossPct: [positivePct.nullable(), null],
  /** ATR stop at this multiple of ATR from the entry reference price. */
  atrStopMultiple: [multiple.nullable(), null],
  /** Trailing stop as % of the best price, or as a multiple of the ATR at entry (the tighter is used). */
  trailingPct: [positivePct.nullable(), null],
  trailingAtrMultiple: [multiple.nullable(), null],
  takeProfitPct: [z.number().gt(0).max(1000).nullable(), null],
  /** Move the stop to the entry price after +N% in favour. */
  breakEvenPct: [z.number().gt(0).max(1000).nullable(), null],
  /** Close after N candles in the trade. */
  maxCandles: [z.number().int().min(1).max(1_000_000).nullable(), null],
  /** No stop may be wider than this % from the entry price: wider ones (a strategy's, an ATR stop) are tightened to it. */
  maxStopPct: [positivePct, 25],
});

const limits = section({
  /** Largest single position, % of equity. */
  maxPositionPct: [positivePct, 10],
  /** All open positions together (gross), % of equity. */
  maxTotalExposurePct: [z.number().gt(0).max(1000), 100],
  maxOpenPositions: [z.number().int().min(1).max(10_000).nullable(), 10],
  /** All positions on one symbol together, % of equity. */
  maxSymbolPct: [positivePct, 25],
  /** The exchange's minimum order value in quote (Binance spot: 5 USDT); smaller entries are refused. */
  minNotional: [z.number().min(0), 5],
  /** The exchange's quantity step (precision); quantities are rounded down to it. 0 = any quantity. */
  amountStep: [z.number().min(0), 0],
});

const stoplossGuard = section({
  /** Stop-outs (losing stop-loss or trailing-stop exits) within the lookback that trigger the guard. */
  trades: [count, 3],
  lookbackMinutes: [minutes, 24 * 60],
  /** How long new entries stay paused. */
  stopMinutes: [minutes, 4 * 60],
  /** Pause only the symbol that was stopped out (counted per symbol) instead of everything. */
  perSymbol: [z.boolean(), false],
});

const cooldown = section({
  /** No new entry on a symbol for this long after a position on it closed. */
  minutes: [minutes, 60],
});

const dailyLossLimit = section({
  /** At −pct% of the UTC day's starting equity, no new entries until the next UTC day. */
  pct: [positivePct, 5],
});

const maxDrawdown = section({
  /** At −pct% from the equity peak, entries halt until a person resumes. */
  pct: [positivePct, 20],
});

const lowProfit = section({
  /** A symbol whose closed trades within the lookback sum to a loss of more than pct% is locked. */
  pct: [z.number().min(0).max(1000), 5],
  /** At least this many closed trades within the lookback before the rule judges. */
  trades: [count, 3],
  lookbackMinutes: [minutes, 3 * 24 * 60],
  stopMinutes: [minutes, 12 * 60],
});

const PROTECTIONS = { stoplossGuard, cooldown, dailyLossLimit, maxDrawdown, lowProfit } as const;
export type ProtectionName = keyof typeof PROTECTIONS;
export const PROTECTION_NAMES = Object.keys(PROTECTIONS) as ProtectionName[];

function full(s: Section): z.ZodObject {
  const shape: Shape = {};
  for (const [k, v] of Object.entries(s.shape)) shape[k] = v.default(s.defaults[k] as never);
  return z.object(shape).strict();
}

function partial(s: Section): z.ZodObject {
  const shape: Shape = {};
  for (const [k, v] of Object.entries(s.shape)) shape[k] = v.optional();
  return z.object(shape).strict();
}

/** true → on with defaults, false → off. */
const onOff = (v: unknown): unknown => (v === true ? {} : v === false ? null : v);

function protection(s: Section, mk: (s: Section) => z.ZodObject) {
  return z.preprocess(onOff, mk(s).nullable());
}

const sizingShape = (mk: (s: Section) => z.ZodObject, opt: boolean) => {
  const base: Shape = {};
  for (const [k, v] of Object.entries(mk(sizingBase).shape)) base[k] = v as z.ZodType;
  base.kelly = opt ? mk(kelly).optional() : mk(kelly).prefault({});
  base.regime = opt ? mk(regime).optional() : mk(regime).prefault({});
  return z.object(base).strict();
};

function protectionsShape(mk: (s: Section) => z.ZodObject, opt: boolean) {
  const shape: Shape = {};
  for (const name of PROTECTION_NAMES) {
    const p = protection(PROTECTIONS[name], mk);
    shape[name] = opt ? p.optional() : p.default(null);
  }
  return z.object(shape).strict();
}

/** Cross-field rules, shared by the account section and a merged instance override. */
function checkStops(r: { exits?: { stopLossPct?: number | null; maxStopPct?: number } }, ctx: z.RefinementCtx): void {
  const sl = r.exits?.stopLossPct;
  const max = r.exits?.maxStopPct;
  if (sl != null && max !== undefined && sl > max) {
    ctx.addIssue({ code: 'custom', path: ['exits', 'stopLossPct'], message: `stop-loss ${sl}% is wider than exits.maxStopPct (${max}%)` });
  }
}

const riskObject = z
  .object({
    /** ATR period for ATR sizing, ATR stops, ATR trailing and the regime's volatility. */
    atrPeriod: z.number().int().min(1).max(1000).default(14),
    sizing: sizingShape(full, false).prefault({}),
    exits: full(exits).prefault({}),
    limits: full(limits).prefault({}),
    protections: protectionsShape(full, false).prefault({}),
  })
  .strict();

/** Typed by hand (RiskConfig below): the field-list construction is beyond zod's inference. */
export const riskSchema = riskObject.superRefine(checkStops) as unknown as z.ZodType<RiskConfig, unknown>;

/** A strategy instance's partial `risk:` (paper.instances[].risk): any key of the section, no defaults. */
export const riskOverrideSchema = z
  .object({
    atrPeriod: z.number().int().min(1).max(1000).optional(),
    sizing: sizingShape(partial, true).optional(),
    exits: partial(exits).optional(),
    limits: partial(limits).optional(),
    protections: protectionsShape(partial, true).optional(),
  })
  .strict() as unknown as z.ZodType<RiskOverride, unknown>;

export interface KellyConfig {
  fraction: number;
  maxPct: number;
  minTrades: number;
}
export interface RegimeConfig {
  adxPeriod: number;
  trendAdx: number;
  volatileRatio: number;
  volatilityLookback: number;
  trending: number;
  ranging: number;
  volatile: number;
}
export interface SizingConfig {
  mode: SizingMode;
  pct: number;
  quote: number;
  riskPct: number;
  atrMultiple: number;
  minConfidence: number;
  kelly: KellyConfig;
  regime: RegimeConfig;
}
export interface ExitsConfig {
  stopLossPct: number | null;
  atrStopMultiple: number | null;
  trailingPct: number | null;
  trailingAtrMultiple: number | null;
  takeProfitPct: number | null;
  breakEvenPct: number | null;
  maxCandles: number | null;
  maxStopPct: number;
}
export interface LimitsConfig {
  maxPositionPct: number;
  maxTotalExposurePct: number;
  maxOpenPositions: number | null;
  maxSymbolPct: number;
  minNotional: number;
  amountStep: number;
}
export interface StoplossGuardConfig {
  trades: number;
  lookbackMinutes: number;
  stopMinutes: number;
  perSymbol: boolean;
}
export interface CooldownConfig {
  minutes: number;
}
export interface PctConfig {
  pct: number;
}
export interface LowProfitConfig {
  pct: number;
  trades: number;
  lookbackMinutes: number;
  stopMinutes: number;
}
export interface ProtectionsConfig {
  stoplossGuard: StoplossGuardConfig | null;
  cooldown: CooldownConfig | null;
  dailyLossLimit: PctConfig | null;
  maxDrawdown: PctConfig | null;
  lowProfit: LowProfitConfig | null;
}

/** The parsed section. Written out because the schema is built from a field list zod cannot infer through. */
export interface RiskConfig {
  atrPeriod: number;
  sizing: SizingConfig;
  exits: ExitsConfig;
  limits: LimitsConfig;
  protections: ProtectionsConfig;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object | null ? DeepPartial<NonNullable<T[K]>> | null | boolean : T[K] };
export type RiskOverride = DeepPartial<RiskConfig>;

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
