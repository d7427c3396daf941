// The run repository: stores each backtest (settings, params, metrics, trades, equity curve) in
// tradetui.db (migration 2's `runs` and `run_trades`) so `tradetui backtest show` can print it again
// exactly as it was first printed. Equity curves are little-endian Float64 blobs in the lossless compact form of
// curve-codec.ts (runs stored before migration 75: the raw values), exact to the bit.
import { endianness } from 'node:os';
import type { Db } from '../adapters/store/sqlite/db.js';
import type { ProtectionEvent } from '../core/events.js';
import type { Timeframe } from '../core/time.js';
import type { ClosedTrade, ExitReason, PositionSide } from '../core/trading.js';
import type { Params } from '../strategy/contract.js';
import type { Metrics } from './metrics.js';
import { CurveScratch, decodeCurve, encodeCurve } from './curve-codec.js';

const LITTLE_ENDIAN = endianness() === 'LE';

/** How the run was set up, besides strategy params. */
export interface RunSettings {
  initialBalance: number;
  fee: number;
  slippage: number;
  /** Absent in runs stored before dynamic slippage (fixed). */
  slippageModel?: string;
  impactK?: number;
  maxSlippage?: number;
  allowShort: boolean;
  stakePct: number | null;
  /** The config's risk section at the time of the run. */
  risk: Record<string, unknown>;
  /** Candles before the span given to the strategy for warm-up. */
  warmupCandles: number;
  /** One account over several markets (multi-symbol backtest): each market's span and buy & hold. */
  markets?: MarketSettings[];
  /** Shared-account runs: entry orders the risk layer let through, and those that did not fill, with why. */
  entryOrders?: number;
  unfilledEntries?: UnfilledEntry[];
}

/** One market of a shared-account run. */
export interface MarketSettings {
  symbol: string;
  warmupCandles: number;
  /** Open time of its first traded candle (null: no candle in the span). */
  from: number | null;
  firstPrice: number;
  lastPrice: number;
  buyHoldReturnPct: number | null;
}

/** An entry order that did not fill, and why. */
export interface UnfilledEntry {
  time: number;
  symbol: string;
  status: string;
  reason: string;
}

export interface RiskDecisionCounts {
  accepted: number;
  resized: number;
  rejected: number;
}

/** Lookahead check outcome, when the run was checked. */
export interface LookaheadSummary {
  /** How many candles were re-run on cut data (every entry and exit plus random ones). */
  checkedCuts: number;
  /** Decisions made under the read guard (every candle); absent in runs stored before the exact check. */
  guardedDecisions?: number;
  /** Whether the cut runs used a fresh copy of the strategy module. */
  isolated?: boolean;
  /** Wall time of the check (ms). */
  ms?: number;
  /** Candle index (within the candles given, warm-up included), its open time, the candles the strategy saw,
   *  the decision on full and on cut data, and (exact check) what kind, what was read or changed, a message. */
  differences: Array<{ index: number; time: number; cutAt: number; full: unknown; cut: unknown; kind?: string; what?: string; message?: string }>;
  /** More differences existed than were kept. */
  truncated: boolean;
}

/** The slippage model of an account as a run stores it (nothing for the fixed model: older runs read the same). */
/** A run's account settings as stored: balance, costs (the slippage model only when it is not fixed), shorts, sizing, risk. */
export function accountSettingsOf(
  a: { balance: number; fee: number; slippage: number; allowShort: boolean; slippageModel?: string; impactK?: number; maxSlippage?: number },
  stakePct: number | undefined,
  risk: RunSettings['risk'],
): Pick<RunSettings, 'initialBalance' | 'fee' | 'slippage' | 'slippageModel' | 'impactK' | 'maxSlippage' | 'allowShort' | 'stakePct' | 'risk'> {
  const model = a.slippageModel === undefined || a.slippageModel === 'fixed' ? {} : { slippageModel: a.slippageModel, impactK: a.impactK ?? 1, maxSlippage: a.maxSlippage ?? 0.05 };
  return { initialBalance: a.balance, fee: a.fee, slippage: a.slippage, ...model, allowShort: a.allowShort, stakePct: stakePct ?? null, risk: { ...risk } };
}

/** One summary for a check run on each market of a shared-account run. */
export function combineLookahead(checks: ReadonlyArray<Omit<LookaheadSummary, 'checkedCuts'> & { checkedCuts: readonly unknown[] }>): LookaheadSummary {
  return {
    checkedCuts: checks.reduce((a, c) => a + c.checkedCuts.length, 0),
    guardedDecisions: checks.reduce((a, c) => a + (c.guardedDecisions ?? 0), 0),
    isolated: checks.every((c) => c.isolated === true),
    ms: checks.reduce((a, c) => a + (c.ms ?? 0), 0),
    differences: checks.flatMap((c) => c.differences),
    truncated: checks.some((c) => c.truncated),
  };
}

/** The parts of the engine's BacktestResult a run keeps (structurally compatible with it). */
export interface RunOutcome {
  trades: readonly ClosedTrade[];
  equityTimes: Float64Array;
  equity: Float64Array;
  /** Cash and gross exposure per equity point (absent from older callers: stored as null). */
  cash?: Float64Array;
  exposure?: Float64Array;
  exposureCandles: number;
  feesPaid: number;
  riskDecisions: RiskDecisionCounts;
  protections: readonly ProtectionEvent[];
  decisions: number;
}

export interface RunInput {
  strategy: string;
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  /** Open time of the span's first candle. */
  from: number;
  /** Close time of the span's last candle (the span is [from, to)). */
  to: number;
  params: Params;
  settings: RunSettings;
  result: RunOutcome;
  metrics: Metrics;
  lookahead?: LookaheadSummary | null;
  createdAt?: number;
}

export interface StoredRun {
  id: number;
  createdAt: number;
  strategy: string;
  exchange: string;
  symbol: string;
  timeframe: Timeframe;
  from: number;
  to: number;
  params: Params;
  settings: RunSettings;
  metrics: Metrics;
  trades: ClosedTrade[];
  equityTimes: Float64Array;
  equity: Float64Array;
  /** Per equity point; null for runs stored before migration 12. */
  cash: Float64Array | null;
  exposure: Float64Array | null;
  exposureCandles: number;
  feesPaid: number;
  riskDecisions: RiskDecisionCounts;
  protections: ProtectionEvent[];
  decisions: number;
  lookahead: LookaheadSummary | null;
}

export type RunSummary = Pick<StoredRun, 'id' | 'createdAt' | 'strategy' | 'exchange' | 'symbol' | 'timeframe' | 'from' | 'to' | 'params' | 'metrics'>;

interface Extra {
  exposureCandles: number;
  feesPaid: number;
  riskDecisions: RiskDecisionCounts;
  protections: ProtectionEvent[];
  decisions: number;
  lookahead: LookaheadSummary | null;
}

interface RunRow {
  id: number;
  created_at: number;
  strategy: string;
  exchange: string;
  symbol: string;
  timeframe: string;
  from_time: number;
  to_time: number;
  params: string;
  settings: string;
  metrics: string;
  extra: string;
  equity_times: Buffer;
  equity_values: Buffer;
  equity_cash: Buffer | null;
  equity_exposure: Buffer | null;
  /** NULL: raw packed Float64 (before migration 75); 1: curve-codec's compact form. */
  equity_format: number | null;
}

interface TradeRow {
  seq: number;
  side: string;
  qty: number;
  entry_time: number;
  exit_time: number;
  entry_price: number;
  exit_price: number;
  pnl: number;
  pnl_pct: number;
  fees: number;
  exit_reason: string;
  symbol: string | null;
}

/**
 * A Float64Array as little-endian bytes, whatever the machine's byte order: on little-endian a view of the same
 * memory (SQLite copies a bound blob), so bind it before the array changes.
 */
export function packFloat64(values: Float64Array): Buffer {
  if (LITTLE_ENDIAN) return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
  const buf = Buffer.allocUnsafe(values.length * 8);
  for (let i = 0; i < values.length; i++) buf.writeDoubleLE(values[i]!, i * 8);
  return buf;
}

export function unpackFloat64(buf: Buffer | Uint8Array): Float64Array {
  if (buf.byteLength % 8 !== 0) throw new Error(`corrupt Float64 blob: ${buf.byteLength} bytes is not a multiple of 8`);
  const out = new Float64Array(buf.byteLength / 8);
  if (LITTLE_ENDIAN) {
    // One copy into an aligned array (SQLite's Buffers need not start on an 8-byte boundary).
    new Uint8Array(out.buffer).set(buf);
    return out;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
  return out;
}

/** The equity_format of runs this version stores. */
const CURVE_FORMAT = 1;

function packCurve(values: Float64Array, scratch: CurveScratch): Buffer {
  return packFloat64(encodeCurve(values, scratch));
}

function unpackCurve(blob: Buffer, format: number | null): Float64Array {
  if (format === null) return unpackFloat64(blob);
  if (format !== CURVE_FORMAT) throw new Error(`stored run curve in format ${format}, which this version cannot read (a newer tradetui stored it)`);
  return decodeCurve(unpackFloat64(blob));
}

/** Stores a run and its trades in one transaction; returns the new run id. */
export function saveRun(db: Db, input: RunInput): number {
  return insertRun(db, input).id;
}

/**
 * Stores a run and returns it exactly as `getRun` would read it back, without reading it back: the JSON
 * columns go through the same stringify/parse, the trades get their stored ids, and the equity series are
 * the run's own arrays (stored bit-exact). A year of 1m candles is 16 MB of blobs not read again.
 */
export function storeRun(db: Db, input: RunInput): StoredRun {
  const { id, createdAt, columns } = insertRun(db, input);
  const r = input.result;
  return {
    id,
    createdAt,
    strategy: input.strategy,
    exchange: input.exchange,
    symbol: input.symbol,
    timeframe: input.timeframe,
    from: input.from,
    to: input.to,
    params: JSON.parse(columns.params) as Params,
    metrics: JSON.parse(columns.metrics) as Metrics,
    settings: JSON.parse(columns.settings) as RunSettings,
    trades: r.trades.map((t, seq) => ({
      id: `${id}:${seq}`,
      instanceId: `run-${id}`,
      strategy: input.strategy,
      // Stored only when not the run's symbol, and read back as the run's otherwise.
      symbol: t.symbol ?? input.symbol,
      side: t.side,
      qty: t.qty,
      entryTime: t.entryTime,
      exitTime: t.exitTime,
      entryPrice: t.entryPrice,
      exitPrice: t.exitPrice,
      pnl: t.pnl,
      pnlPct: t.pnlPct,
      fees: t.fees,
      exitReason: t.exitReason,
    })),
    equityTimes: r.equityTimes,
    equity: r.equity,
    cash: r.cash ?? null,
    exposure: r.exposure ?? null,
    ...extraOf(JSON.parse(columns.extra) as Partial<Extra>),
  };
}

const TRADE_BATCH = 64;
const TRADE_COLUMNS = 13;

function insertRun(db: Db, input: RunInput): { id: number; createdAt: number; columns: { params: string; settings: string; metrics: string; extra: string } } {
  const r = input.result;
  const extra: Extra = {
    exposureCandles: r.exposureCandles,
    feesPaid: r.feesPaid,
    riskDecisions: { ...r.riskDecisions },
    protections: [...r.protections],
    decisions: r.decisions,
    lookahead: input.lookahead ?? null,
  };
  const createdAt = input.createdAt ?? Date.now();
  const columns = { params: JSON.stringify(input.params), settings: JSON.stringify(input.settings), metrics: JSON.stringify(input.metrics), extra: JSON.stringify(extra) };
  const insertRunRow = db.prepare(
    `INSERT INTO runs (created_at, kind, strategy, exchange, symbol, timeframe, from_time, to_time, params, settings, metrics, extra, equity_times, equity_values, equity_cash, equity_exposure, equity_format)
     VALUES (?, 'backtest', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${CURVE_FORMAT})`,
  );
  const insertTrades = (rows: number) =>
    db.prepare(
      `INSERT INTO run_trades (run_id, seq, side, qty, entry_time, exit_time, entry_price, exit_price, pnl, pnl_pct, fees, exit_reason, symbol)
       VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
    );
  const curves = [r.equityTimes, r.equity, r.cash, r.exposure];
  const rawWords = curves.reduce((words, c) => words + (c ? c.length + 4 : 0), 0);
  const scratch = new CurveScratch(rawWords);
  const write = db.transaction(() => {
    const info = insertRunRow.run(
      createdAt,
      input.strategy,
      input.exchange,
      input.symbol,
      input.timeframe,
      input.from,
      input.to,
      columns.params,
      columns.settings,
      columns.metrics,
      columns.extra,
      packCurve(r.equityTimes, scratch),
      packCurve(r.equity, scratch),
      r.cash ? packCurve(r.cash, scratch) : null,
      r.exposure ? packCurve(r.exposure, scratch) : null,
    );
    const runId = Number(info.lastInsertRowid);
    // TRADE_BATCH rows per statement: a year of 1m trades is ~20,000 rows, and each call has its overhead.
    const full = r.trades.length - (r.trades.length % TRADE_BATCH);
    const batch = full > 0 ? insertTrades(TRADE_BATCH) : null;
    const values: unknown[] = [];
    for (let seq = 0; seq < r.trades.length; seq++) {
      const t = r.trades[seq]!;
      // The symbol only when it is not the run's one symbol (a shared-account run over several markets).
      values.push(runId, seq, t.side, t.qty, t.entryTime, t.exitTime, t.entryPrice, t.exitPrice, t.pnl, t.pnlPct, t.fees, t.exitReason, t.symbol === input.symbol ? null : t.symbol);
      if (seq < full && (seq + 1) % TRADE_BATCH === 0) {
        batch!.run(values);
        values.length = 0;
      }
    }
    if (values.length > 0) insertTrades(values.length / TRADE_COLUMNS).run(values);
    return runId;
  });
  return { id: withWriteCache(db, rawWords > LARGE_RUN_WORDS, write), createdAt, columns };
}

/** Runs whose curves hold more values than this (8 MB raw, a quarter of a year of 1m) are written with a page cache of WRITE_CACHE_KIB. */
const LARGE_RUN_WORDS = 1_000_000;
/** SQLite's default page cache (negative: KiB); tradetui's connections keep 16 MB for candle reads. */
const WRITE_CACHE_KIB = -2000;

/**
 * Runs `write` with a small page cache when `large`, then gives the connection its own size back: a large run's
 * pages spill to the WAL as they are written instead of filling fresh page cache until COMMIT. A year of 1m
 * (~5 MB of curves, idle machine, best of 5 alternating): storeRun 160 ms instead of 190 ms, ~3,700 page faults
 * instead of ~5,100.
 */
function withWriteCache<T>(db: Db, large: boolean, write: () => T): T {
  if (!large) return write();
  const cacheSize = db.pragma('cache_size', { simple: true }) as number;
  db.pragma(`cache_size = ${WRITE_CACHE_KIB}`);
  try {
    return write();
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
}

/** The run with this id, or null. */
export function getRun(db: Db, id: number): StoredRun | null {
  const row = db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
  if (!row) return null;
  const trades = db
    .prepare('SELECT * FROM run_trades WHERE run_id = ? ORDER BY seq')
    .all(id) as TradeRow[];
  const extra = JSON.parse(row.extra) as Partial<Extra>;
  return {
    ...summaryOf(row),
    settings: JSON.parse(row.settings) as RunSettings,
    trades: trades.map((t) => tradeOf(row, t)),
    equityTimes: unpackCurve(row.equity_times, row.equity_format),
    equity: unpackCurve(row.equity_values, row.equity_format),
    cash: row.equity_cash ? unpackCurve(row.equity_cash, row.equity_format) : null,
    exposure: row.equity_exposure ? unpackCurve(row.equity_exposure, row.equity_format) : null,
    ...extraOf(extra),
  };
}

/** The extra column as stored, with defaults for runs stored before a field existed. */
function extraOf(extra: Partial<Extra>): Extra {
  return {
    exposureCandles: extra.exposureCandles ?? 0,
    feesPaid: extra.feesPaid ?? 0,
    riskDecisions: extra.riskDecisions ?? { accepted: 0, resized: 0, rejected: 0 },
    protections: extra.protections ?? [],
    decisions: extra.decisions ?? 0,
    lookahead: extra.lookahead ?? null,
  };
}

/** The most recently stored backtest, or null when there is none. */
export function latestRun(db: Db): StoredRun | null {
  const id = db.prepare("SELECT id FROM runs WHERE kind = 'backtest' ORDER BY id DESC LIMIT 1").pluck().get() as number | undefined;
  return id === undefined ? null : getRun(db, id);
}

/** Stored backtests, newest first, without trades or equity. */
export function listRuns(db: Db, limit = 50): RunSummary[] {
  const rows = db
    .prepare(
      `SELECT id, created_at, strategy, exchange, symbol, timeframe, from_time, to_time, params, metrics
       FROM runs WHERE kind = 'backtest' ORDER BY id DESC LIMIT ?`,
    )
    .all(limit) as RunRow[];
  return rows.map(summaryOf);
}

function summaryOf(row: Pick<RunRow, 'id' | 'created_at' | 'strategy' | 'exchange' | 'symbol' | 'timeframe' | 'from_time' | 'to_time' | 'params' | 'metrics'>): RunSummary {
  return {
    id: row.id,
    createdAt: row.created_at,
    strategy: row.strategy,
    exchange: row.exchange,
    symbol: row.symbol,
    timeframe: row.timeframe as Timeframe,
    from: row.from_time,
    to: row.to_time,
    params: JSON.parse(row.params) as Params,
    metrics: JSON.parse(row.metrics) as Metrics,
  };
}

function tradeOf(run: RunRow, t: TradeRow): ClosedTrade {
  return {
    id: `${run.id}:${t.seq}`,
    instanceId: `run-${run.id}`,
    strategy: run.strategy,
    symbol: t.symbol ?? run.symbol,
    side: t.side as PositionSide,
    qty: t.qty,
    entryTime: t.entry_time,
    exitTime: t.exit_time,
    entryPrice: t.entry_price,
    exitPrice: t.exit_price,
    pnl: t.pnl,
    pnlPct: t.pnl_pct,
    fees: t.fees,
    exitReason: t.exit_reason as ExitReason,
  };
}
