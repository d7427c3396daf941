// The engine's control socket: a Unix domain socket in the data directory (mode 0600) through which viewers
// (the TUI, `tradetui status`, `tradetui stop`) reach the engine's EngineApi. The engine never waits for a viewer:
// events are queued in memory, coalesced and written once per frame; a viewer whose socket backs up gets nothing
// until it drains, then one resync frame (the snapshot) instead of the events it missed. Bad input from a viewer
// is answered with an error and logged; it never throws into the engine.
import fs from 'node:fs';
import net from 'node:net';
import type { EngineEvent } from '../core/events.js';
import { errorMessage } from '../core/errors.js';
import { seriesSlice, type MarketKey } from '../core/candle.js';
import type { EngineApi } from '../engine/ports.js';
import type { Logger } from '../app/logger.js';
import {
  LineReader,
  MAX_REQUEST_BYTES,
  PROTOCOL_VERSION,
  SUPPORTED_VERSIONS,
  callSchema,
  encodeIndicators,
  encodeSeries,
  helloSchema,
  type Call,
  type ServerMessage,
  type StrategyListingWire,
  type Welcome,
} from './protocol.js';

/** What the engine process serves: the EngineApi and the optional helpers the TUI uses. */
export type ServedApi = EngineApi & {
  strategies?(): Array<{ name: string; description: string; timeframe: string; params: readonly unknown[]; overlays?: readonly string[] }>;
  symbols?(): Array<{ symbol: string; timeframes: string[] }>;
  telegramStatus?(): { state: string; queue: number };
  backtest?(instanceId: string): Promise<unknown>;
  logs?(opts: { limit?: number; after?: number }): unknown[];
  validateParams?(strategy: string, params: Record<string, string | number | boolean>): Promise<string | null>;
  exchange?: string;
};

export interface EngineServerOptions {
  api: ServedApi;
  socketPath: string;
  dataDir: string;
  logger: Logger;
  headless: boolean;
  /** A viewer asked the engine to stop (tradetui stop, or q → stop the engine too). */
  onStopRequest(): void;
  /** Shortest time between two frames to one viewer, ms (default 100). */
  frameMs?: number;
  /** Bytes queued in a viewer's socket beyond which it gets no frames until it drains (default 1 MiB). */
  highWaterBytes?: number;
}

export interface EngineServerStats {
  viewers: number;
  framesSent: number;
  bytesSent: number;
  /** Frames a viewer missed because its socket was backed up (each later made good by a resync). */
  framesDropped: number;
  badMessages: number;
}

export interface EngineServer {
  stats(): EngineServerStats;
  /**
   * Serves another API from now on (a replay restart replaced the App): every viewer's next frame is a resync marked
   * `reset`, so it drops what it accumulated (alerts, signals, trade markers, cached candles and trades) and reads the
   * new account whole.
   */
  replaceApi(next: ServedApi): void;
  /**
   * Until replaceApi: the API is going away (its database closes), so nothing reads it — no frames, calls answered
   * with `reason`, new viewers greeted once the new API is in.
   */
  hold(reason: string): void;
  /** Says goodbye to every viewer and removes the socket file. */
  close(reason?: string): Promise<void>;
}

interface Viewer {
  socket: net.Socket;
  greeted: boolean;
  wantsEvents: boolean;
  client: string;
  /** This viewer missed frames; send it a resync when its socket drains. */
  needsResync: boolean;
  /** It missed a replay restart's reset frame: its resync carries the reset. */
  needsReset: boolean;
}

/** Most events kept for one frame; a burst beyond it (a replay at 1000 candles/s) becomes a resync. */
const MAX_FRAME_EVENTS = 2000;

/**
 * Listens on `socketPath`. The caller must hold the engine lock: an existing socket file is then stale (its engine
 * is dead) and is replaced.
 */
export async function startEngineServer(opts: EngineServerOptions): Promise<EngineServer> {
  const { logger } = opts;
  // Replaced by a replay restart (replaceApi): everything below reads the current one.
  let api = opts.api;
  const frameMs = opts.frameMs ?? 100;
  const highWater = opts.highWaterBytes ?? 1024 * 1024;
  const viewers = new Set<Viewer>();
  const stats = { framesSent: 0, bytesSent: 0, framesDropped: 0, badMessages: 0 };
  const startedAt = Date.now();

  let pending: EngineEvent[] = [];
  let overflowed = false;
  let timer: NodeJS.Timeout | null = null;
  let lastFrame = 0;
  /** Each snapshot field as last sent in a frame (every viewer in step gets the same frames). */
  let lastSent: Record<string, string> = {};

  /** The next frame tells every viewer the account was replaced: drop whatever it accumulated (replaceApi). */
  let resetting = false;
  /** Why the API may not be read now (hold), or null. */
  let held: string | null = null;
  /** Viewers that said hello while held: greeted once the new API is in. */
  let toGreet: Viewer[] = [];
  const listen = (): (() => void) =>
    api.bus.onAny((e) => {
      if (!anyWantsEvents()) return;
      if (pending.length < MAX_FRAME_EVENTS) pending.push(e);
      else overflowed = true;
      schedule();
    });
  let unsubscribe = listen();

  function anyWantsEvents(): boolean {
    for (const v of viewers) if (v.greeted && v.wantsEvents) return true;
    return false;
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(flush, Math.max(0, lastFrame + frameMs - Date.now()));
    timer.unref();
  }

  function telegram(): { state: string; queue: number } | null {
    const t = api.telegramStatus?.();
    return t && t.state !== 'disabled' ? { state: t.state, queue: t.queue } : null;
  }

  /** One frame for every viewer: serialised once, whatever the number of viewers. */
  function flush(): void {
    timer = null;
    // the reset frame after replaceApi says everything this skipped
    if (held !== null) return;
    lastFrame = Date.now();
    const reset = resetting;
    const events = overflowed || reset ? [] : coalesce(pending);
    const resyncAll = overflowed || reset;
    pending = [];
    overflowed = false;
    resetting = false;
    let line: string | null = null;
    let resyncLine: string | null = null;
    // the patch is computed once per frame whether or not a viewer in step is left to receive it, so lastSent stays
    // the state every in-step viewer has
    const snap = api.snapshot();
    const fields: Record<string, string> = {};
    const changed: string[] = [];
    for (const [k, v] of Object.entries(snap)) {
      fields[k] = JSON.stringify(v);
      if (fields[k] !== lastSent[k]) changed.push(k);
    }
    lastSent = fields;
    const resyncFrame = (withReset: boolean): string =>
      `{"type":"frame","resync":true,${withReset ? '"reset":true,' : ''}"events":[],"telegram":${JSON.stringify(telegram())},"snapshot":{${Object.keys(fields).map((k) => `${JSON.stringify(k)}:${fields[k]}`).join(',')}}}\n`;
    for (const v of viewers) {
      if (!v.greeted || !v.wantsEvents) continue;
      if (backedUp(v)) {
        v.needsResync = true;
        v.needsReset ||= reset;
        stats.framesDropped++;
        continue;
      }
      if (v.needsReset && !reset) {
        // backed up when the account was replaced: its resync must say so too
        v.needsReset = false;
        v.needsResync = false;
        write(v, resyncFrame(true));
      } else if (v.needsResync || resyncAll) {
        v.needsReset = false;
        resyncLine ??= resyncFrame(reset);
        v.needsResync = false;
        write(v, resyncLine);
      } else {
        line ??= `{"type":"frame","events":${JSON.stringify(events)},"telegram":${JSON.stringify(telegram())},"patch":{${changed.map((k) => `${JSON.stringify(k)}:${fields[k]}`).join(',')}}}\n`;
        write(v, line);
      }
      stats.framesSent++;
    }
  }

  function backedUp(v: Viewer): boolean {
    return v.socket.writableLength > highWater || v.socket.writableNeedDrain;
  }

  function write(v: Viewer, line: string): void {
    if (v.socket.destroyed) return;
    stats.bytesSent += Buffer.byteLength(line);
    v.socket.write(line);
  }

  function send(v: Viewer, msg: ServerMessage): void {
    write(v, `${JSON.stringify(msg)}\n`);
  }

  function bad(v: Viewer, message: string, detail?: string): void {
    stats.badMessages++;
    logger.warn({ client: v.client, detail }, `control socket: ${message}`);
    send(v, { type: 'error', message });
  }

  function welcome(self: Viewer): Welcome {
    const strategies: StrategyListingWire[] = (api.strategies?.() ?? []).map((s) => ({
      name: s.name,
      description: s.description,
      timeframe: s.timeframe,
      params: [...s.params],
      ...(s.overlays ? { overlays: s.overlays } : {}),
    }));
    return {
      type: 'welcome',
      version: PROTOCOL_VERSION,
      pid: process.pid,
      dataDir: opts.dataDir,
      startedAt,
      headless: opts.headless,
      viewers: [...viewers].filter((v) => v !== self && v.greeted && v.wantsEvents).length,
      exchange: api.exchange ?? '',
      strategies,
      symbols: api.symbols?.() ?? [],
      snapshot: api.snapshot(),
      telegram: telegram(),
    };
  }

  function onLine(v: Viewer, line: string): void {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return bad(v, 'not JSON: each line must be one JSON message', line.slice(0, 200));
    }
    const type = typeof msg === 'object' && msg !== null ? (msg as { type?: unknown }).type : undefined;
    if (type === 'hello') {
      const hello = helloSchema.safeParse(msg);
      if (!hello.success) return bad(v, `bad hello: ${hello.error.issues[0]?.message ?? 'invalid'}`);
      if (!SUPPORTED_VERSIONS.includes(hello.data.version)) {
        logger.warn({ client: hello.data.client, version: hello.data.version }, 'control socket: viewer of another protocol version refused');
        send(v, {
          type: 'refused',
          message: `this engine speaks protocol version ${SUPPORTED_VERSIONS.join(', ')}; the viewer speaks ${hello.data.version}: use the same tradetui version for the engine and the viewer (tradetui stop, then start again)`,
          versions: SUPPORTED_VERSIONS,
        });
        v.socket.end();
        return;
      }
      v.greeted = true;
      v.client = hello.data.client;
      v.wantsEvents = hello.data.events !== false;
      logger.info({ client: v.client, viewers: viewers.size }, 'viewer attached');
      if (held !== null) toGreet.push(v);
      else send(v, welcome(v));
      return;
    }
    if (!v.greeted) return bad(v, 'say hello first: {"type":"hello","version":1,"client":"..."}');
    if (type !== 'call') return bad(v, `unknown message type ${JSON.stringify(type)?.slice(0, 40)}`);
    const parsed = callSchema.safeParse(msg);
    const id = (msg as { id?: unknown }).id;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const text = `bad call: ${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'invalid'}`;
      if (typeof id === 'number' && Number.isInteger(id)) {
        stats.badMessages++;
        logger.warn({ client: v.client }, `control socket: ${text}`);
        return send(v, { type: 'result', id, ok: false, error: text });
      }
      return bad(v, text);
    }
    void answer(v, parsed.data);
  }

  async function answer(v: Viewer, call: Call): Promise<void> {
    try {
      const value = await perform(call);
      send(v, { type: 'result', id: call.id, ok: true, value });
    } catch (err) {
      logger.warn({ client: v.client, method: call.method, err }, 'control socket: call failed');
      send(v, { type: 'result', id: call.id, ok: false, error: errorMessage(err) });
    }
  }

  async function perform(call: Call): Promise<unknown> {
    if (held !== null && call.method !== 'stop-engine') throw new Error(held);
    switch (call.method) {
      case 'send': {
        const cmd = call.args[0];
        logger.info({ command: cmd }, 'command from a viewer');
        return api.send(cmd);
      }
      case 'snapshot':
        return api.snapshot();
      case 'candles': {
        const s = api.candles(call.args[0] as MarketKey, call.args[1]);
        // `since`: the viewer holds the window up to that candle; send only what is newer
        const since = call.args[2];
        if (since === undefined) return encodeSeries(s);
        let from = s.length;
        while (from > 0 && s.time[from - 1]! > since) from--;
        return encodeSeries(seriesSlice(s, from, s.length));
      }
      case 'indicators':
        return encodeIndicators(api.indicators(call.args[0], call.args[1]));
      case 'trades':
        return api.trades(call.args[0]);
      case 'dailyEquity':
        return api.dailyEquity(call.args[0]);
      case 'backtest':
        if (!api.backtest) throw new Error('this engine cannot backtest');
        return api.backtest(call.args[0]);
      case 'logs':
        return api.logs ? api.logs(call.args[0]) : [];
      case 'validate-params':
        if (!api.validateParams) throw new Error('this engine cannot check params');
        return { error: await api.validateParams(call.args[0], call.args[1]) };
      case 'stop-engine':
        logger.info('stop requested through the control socket');
        // after the reply is written
        setImmediate(() => opts.onStopRequest());
        return { stopping: true, pid: process.pid };
    }
  }

  const server = net.createServer({ allowHalfOpen: false }, (socket) => {
    const v: Viewer = { socket, greeted: false, wantsEvents: false, client: 'unknown', needsResync: false, needsReset: false };
    viewers.add(v);
    const reader = new LineReader(
      MAX_REQUEST_BYTES,
      (line) => {
        try {
          onLine(v, line);
        } catch (err) {
          // a bug in handling one message must not take the engine down
          logger.error({ err, client: v.client }, 'control socket: message handling failed');
        }
      },
      (bytes) => bad(v, `line too long: more than ${MAX_REQUEST_BYTES} bytes (${bytes} so far); skipped`),
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('drain', () => {
      if (v.needsResync && anyWantsEvents()) schedule();
    });
    socket.on('error', (err) => logger.debug?.({ err, client: v.client }, 'viewer socket error'));
    socket.on('close', () => {
      viewers.delete(v);
      if (v.greeted) logger.info({ client: v.client, viewers: viewers.size }, 'viewer detached');
    });
  });
  server.on('error', (err) => logger.error({ err }, 'control socket error'));

  // The lock is held, so whatever socket file is here belongs to a dead engine.
  fs.rmSync(opts.socketPath, { force: true });
  // Created owner-only from the start (umask), not chmod-ed after a window in which others could connect.
  const umask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.socketPath, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(umask);
  }
  fs.chmodSync(opts.socketPath, 0o600);
  server.unref();

  let closing: Promise<void> | null = null;
  return {
    stats: () => ({ viewers: [...viewers].filter((v) => v.greeted).length, ...stats }),
    replaceApi(next) {
      unsubscribe();
      api = next;
      unsubscribe = listen();
      pending = [];
      held = null;
      resetting = true;
      for (const v of toGreet) if (!v.socket.destroyed) send(v, welcome(v));
      toGreet = [];
      if (anyWantsEvents()) schedule();
    },
    hold(reason) {
      held = reason;
      unsubscribe();
      unsubscribe = () => {};
      pending = [];
    },
    close(reason = 'the engine stopped') {
      closing ??= new Promise<void>((resolve) => {
        unsubscribe();
        if (timer) clearTimeout(timer);
        for (const v of viewers) {
          if (v.greeted) send(v, { type: 'bye', reason });
          v.socket.end();
          setTimeout(() => v.socket.destroy(), 500).unref();
        }
        server.close(() => resolve());
        try {
          fs.rmSync(opts.socketPath, { force: true });
        } catch {
          // best effort: the next engine replaces it anyway
        }
      });
      return closing;
    },
  };
}

/**
 * Drops what the frame's snapshot makes redundant: only the last equity event, and for each position only its
 * last 'updated' (price moves), keeping every fill, trade, alert, signal and candle in order.
 */
export function coalesce(events: EngineEvent[]): EngineEvent[] {
  if (events.length < 2) return events;
  const lastEquity = events.findLastIndex((e) => e.type === 'equity');
  const lastUpdate = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.type === 'position' && e.change === 'updated') lastUpdate.set(`${e.position.instanceId}|${e.position.symbol}`, i);
  });
  return events.filter((e, i) => {
    if (e.type === 'equity') return i === lastEquity;
    if (e.type === 'position' && e.change === 'updated') return lastUpdate.get(`${e.position.instanceId}|${e.position.symbol}`) === i;
    return true;
  });
}
