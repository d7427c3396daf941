// The engine's control-socket protocol: JSON lines, one message per line, versioned by a hello/welcome
// exchange. It carries the EngineApi (commands, results, snapshot, candles, indicators, trades, daily equity)
// and the bus events, coalesced into frames. Everything arriving from a socket is parsed and validated here
// before the engine sees it; a bad line becomes an error reply, never an exception in the engine.
import path from 'node:path';
import { z } from 'zod';
import type { CandleSeries } from '../core/candle.js';
import type { Command, EngineEvent } from '../core/events.js';
import type { EngineSnapshot } from '../engine/ports.js';

/** Bumped on any incompatible change; a viewer of another version is refused with the versions needed. */
export const PROTOCOL_VERSION = 1;
export const SUPPORTED_VERSIONS: readonly number[] = [1];
/** Longest line the engine reads from a viewer: commands are small; anything longer is hostile or broken. */
export const MAX_REQUEST_BYTES = 64 * 1024;
/** Longest line a viewer reads from the engine (a frame with a full snapshot, a long candle window). */
export const MAX_REPLY_BYTES = 64 * 1024 * 1024;
/** Largest candle or indicator window a viewer may ask for. */
export const MAX_WINDOW = 20_000;

const actor = z.enum(['keyboard', 'telegram', 'config', 'system', 'cli']);
const param = z.union([z.number(), z.string().max(200), z.boolean()]);
const name = z.string().min(1).max(200);

export const commandSchema: z.ZodType<Command> = z.discriminatedUnion('type', [
  z.object({ type: z.literal('start'), instanceId: name, by: actor }),
  z.object({ type: z.literal('stop'), instanceId: name, by: actor }),
  z.object({ type: z.literal('add-instance'), strategy: name, symbol: name, timeframe: name, params: z.record(z.string().max(200), param), by: actor }),
  z.object({ type: z.literal('close'), symbol: name, positionId: name.optional(), by: actor }),
  z.object({ type: z.literal('pause'), by: actor }),
  z.object({ type: z.literal('resume'), by: actor }),
  z.object({ type: z.literal('kill'), by: actor }),
  z.object({ type: z.literal('set-speed'), candlesPerSecond: z.number().finite(), by: actor }),
  z.object({ type: z.literal('cancel-order'), orderId: name, by: actor }),
  z.object({ type: z.literal('replay'), action: z.enum(['pause', 'resume', 'step', 'jump', 'restart']), to: z.number().finite().optional(), by: actor }),
  z.object({ type: z.literal('delete-instance'), instanceId: name, by: actor }),
  z.object({ type: z.literal('edit-instance'), instanceId: name, params: z.record(z.string().max(200), param).optional(), risk: z.record(z.string().max(200), z.unknown()).nullable().optional(), by: actor }),
  z.object({ type: z.literal('reload-strategies'), by: actor }),
  z.object({ type: z.literal('reconcile'), differenceId: z.number().int().min(1).optional(), action: z.enum(['adopt', 'ignore', 'cancel', 'flatten']).optional(), by: actor }),
]);

const limit = z.number().int().min(0).max(MAX_WINDOW);
const marketKey = z.object({ exchange: name, symbol: name, timeframe: name });

/** Methods a viewer may call, each with its arguments' shape. */
export const callSchema = z.discriminatedUnion('method', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('send'), args: z.tuple([commandSchema]) }),
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('snapshot'), args: z.tuple([]) }),
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('candles'), args: z.union([z.tuple([marketKey, limit]), z.tuple([marketKey, limit, z.number()])]) }),
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('indicators'), args: z.tuple([name, limit]) }),
  z.object({
    type: z.literal('call'),
    id: z.number().int(),
    method: z.literal('trades'),
    args: z.tuple([z.object({ since: z.number().optional(), limit: limit.optional() })]),
  }),
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('dailyEquity'), args: z.tuple([z.number().int().min(0).max(3660)]) }),
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('backtest'), args: z.tuple([name]) }),
  /** The engine's newest log lines (the Log window). */
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('logs'), args: z.tuple([z.object({ limit: limit.optional(), after: z.number().int().min(0).optional() })]) }),
  /** The add/edit forms' check while typing: the strategy's params (typed, ranges) and its validate() rule. */
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('validate-params'), args: z.tuple([name, z.record(z.string().max(200), param)]) }),
  /** Stops the engine process cleanly (tradetui stop, q → stop the engine too). */
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.literal('stop-engine'), args: z.tuple([]) }),
]);
export type Call = z.infer<typeof callSchema>;
export type Method = Call['method'];

export const helloSchema = z.object({
  type: z.literal('hello'),
  version: z.number().int(),
  /** Who is attaching, for the engine's log: tui, status, stop. */
  client: z.string().max(40),
  /** Frames per second this viewer wants at most (the TUI's maxFps). */
  fps: z.number().min(0.1).max(60).optional(),
  /** Whether to receive event frames at all (status and stop need none). */
  events: z.boolean().optional(),
});
export type Hello = z.infer<typeof helloSchema>;

export interface StrategyListingWire {
  name: string;
  description: string;
  timeframe: string;
  params: unknown[];
  overlays?: readonly string[];
}

export interface Welcome {
  type: 'welcome';
  version: number;
  pid: number;
  dataDir: string;
  startedAt: number;
  /** The engine runs in the foreground (--headless) or was started in the background. */
  headless: boolean;
  /** Viewers attached with a screen (TUIs), this one not counted. */
  viewers: number;
  exchange: string;
  strategies: StrategyListingWire[];
  symbols: Array<{ symbol: string; timeframes: string[] }>;
  snapshot: EngineSnapshot;
  telegram: { state: string; queue: number } | null;
}

export type ServerMessage =
  | Welcome
  | { type: 'refused'; message: string; versions: readonly number[] }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string }
  /**
   * Events since the last frame, in order, then the state after them: `patch` holds the snapshot's fields that changed
   * since the previous frame (a trader's 100 alerts are not resent every candle). resync: events were dropped because
   * this viewer's socket backed up; `snapshot` is the whole truth and cached reads are stale.
   */
  | {
      type: 'frame';
      events: EngineEvent[];
      patch?: Partial<EngineSnapshot>;
      snapshot?: EngineSnapshot;
      telegram: { state: string; queue: number } | null;
      resync?: boolean;
      /** With resync: the account was replaced (a replay restart); drop everything held from the old one. */
      reset?: boolean;
    }
  /** A line that could not be attributed to a call (not JSON, too long, unknown message). */
  | { type: 'error'; message: string }
  | { type: 'bye'; reason: string };

/** Candles on the wire: plain arrays (JSON has no typed arrays). */
export interface WireSeries {
  t: number[];
  o: number[];
  h: number[];
  l: number[];
  c: number[];
  v: number[];
}

export function encodeSeries(s: CandleSeries): WireSeries {
  const n = s.length;
  return {
    t: Array.from(s.time.subarray(0, n)),
    o: Array.from(s.open.subarray(0, n)),
    h: Array.from(s.high.subarray(0, n)),
    l: Array.from(s.low.subarray(0, n)),
    c: Array.from(s.close.subarray(0, n)),
    v: Array.from(s.volume.subarray(0, n)),
  };
}

export function decodeSeries(w: WireSeries): CandleSeries {
  return {
    length: w.t.length,
    time: Float64Array.from(w.t),
    open: Float64Array.from(w.o),
    high: Float64Array.from(w.h),
    low: Float64Array.from(w.l),
    close: Float64Array.from(w.c),
    volume: Float64Array.from(w.v),
  };
}

/** Indicator series: NaN (no value yet) travels as null, which JSON can carry. */
export function encodeIndicators(ind: Record<string, Float64Array>): Record<string, Array<number | null>> {
  const out: Record<string, Array<number | null>> = {};
  for (const [k, v] of Object.entries(ind)) out[k] = Array.from(v, (x) => (Number.isFinite(x) ? x : null));
  return out;
}

export function decodeIndicators(w: Record<string, Array<number | null>>): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(w)) out[k] = Float64Array.from(v, (x) => (x === null ? NaN : x));
  return out;
}

/**
 * Splits a byte stream into lines, never holding more than `maxBytes` of one line: a longer line is reported once
 * through onOverflow and skipped up to its newline, so a hostile peer cannot make the reader buffer without bound.
 */
export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;
  private skipping = false;

  constructor(
    private readonly maxBytes: number,
    private readonly onLine: (line: string) => void,
    private readonly onOverflow: (bytes: number) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    while (start < chunk.length) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      const piece = chunk.subarray(start, end);
      if (!this.skipping) {
        if (this.size + piece.length > this.maxBytes) {
          this.onOverflow(this.size + piece.length);
          this.parts = [];
          this.size = 0;
          this.skipping = true;
        } else if (piece.length > 0) {
          this.parts.push(piece);
          this.size += piece.length;
        }
      }
      if (nl === -1) break;
      if (!this.skipping) {
        const line = this.parts.length === 1 ? this.parts[0]!.toString('utf8') : Buffer.concat(this.parts, this.size).toString('utf8');
        this.parts = [];
        this.size = 0;
        if (line.trim() !== '') this.onLine(line);
      }
      this.skipping = false;
      start = nl + 1;
    }
  }
}

/** The control socket of a data directory's engine. */
export function socketFile(dataDir: string): string {
  return path.join(dataDir, 'engine.sock');
}
