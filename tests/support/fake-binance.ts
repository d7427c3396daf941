// A local Binance spot REST server on 127.0.0.1 for tests through the REAL ccxt client: enough of
// /api/v3 (exchangeInfo, klines, time, ping) for loadMarkets and fetchOHLCV, serving the real candles in
// data/ (or another folder of binance_PAIR_TF*.csv[.gz] files). Faults can be injected (429 with
// Retry-After, 500, dropped connections), "now" is settable so the open candle exists, and every request is
// recorded for assertions.
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { keyFromFileName } from '../../src/data/seed.js';
import { timeframeMs, type Timeframe } from '../../src/core/time.js';

export const REPO_DATA_DIR = resolve(import.meta.dirname, '../../data');

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
}

export interface FakeBinanceOptions {
  /** Folder of binance_PAIR_TF[_suffix].csv[.gz] files; default: the repo's data/. */
  dataDir?: string;
  /** Server time; candles open after it do not exist yet and the one containing it is still open. */
  now?: number;
}

interface Klines {
  time: Float64Array;
  /** The CSV's own number strings, as Binance sends them (as strings). */
  rows: string[][];
}

interface Fault {
  status: number;
  retryAfter?: number;
  /** Drop the connection without answering (looks like a network failure to the client). */
  drop?: boolean;
}

export class FakeBinance {
  readonly requests: RecordedRequest[] = [];
  now: number;
  private server: Server;
  private files = new Map<string, Map<Timeframe, string>>();
  private klines = new Map<string, Klines>();
  private pendingFaults: Fault[] = [];
  private every: { n: number; fault: Fault; path?: string } | null = null;
  private counted = 0;
  private down = false;
  url = '';

  private constructor(opts: FakeBinanceOptions) {
    this.now = opts.now ?? Date.now();
    const dir = opts.dataDir ?? REPO_DATA_DIR;
    for (const name of readdirSync(dir)) {
      const key = keyFromFileName(name);
      if (!key || key.exchange !== 'binance') continue;
      const id = key.symbol.replace('/', '');
      if (!this.files.has(id)) this.files.set(id, new Map());
      this.files.get(id)!.set(key.timeframe, join(dir, name));
    }
    this.server = createServer((req, res) => this.handle(req, res));
  }

  static async start(opts: FakeBinanceOptions = {}): Promise<FakeBinance> {
    const fake = new FakeBinance(opts);
    await new Promise<void>((r) => fake.server.listen(0, '127.0.0.1', r));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** ccxt constructor options pointing binance at this server (merge into exchange.options). */
  ccxtOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      urls: {
        api: {
          public: `${this.url}/api/v3`,
          private: `${this.url}/api/v3`,
          v1: `${this.url}/api/v1`,
          sapi: `${this.url}/sapi/v1`,
          fapiPublic: `${this.url}/fapi/v1`,
          dapiPublic: `${this.url}/dapi/v1`,
        },
      },
      // Spot only: ccxt would otherwise also load USDⓈ-M and COIN-M futures markets.
      options: { fetchMarkets: { types: ['spot'] }, fetchCurrencies: false },
      ...extra,
    };
  }

  /** The next `count` requests fail with `status` (429 carries Retry-After). */
  failNext(count: number, status = 429, retryAfter = 1): void {
    for (let i = 0; i < count; i++) this.pendingFaults.push({ status, retryAfter });
  }

  /** Every `n`th request (to `path` if given) fails with `status` (429: Retry-After seconds); n = 0 turns this off. */
  failEvery(n: number, status = 429, opts: { path?: string; retryAfter?: number } = {}): void {
    this.every = n > 0 ? { n, fault: { status, retryAfter: opts.retryAfter ?? 1 }, path: opts.path } : null;
    this.counted = 0;
  }

  /** While down, every connection is dropped without an answer. */
  setDown(down: boolean): void {
    this.down = down;
  }

  klineRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/api/v3/klines');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const record = (status: number) => this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, status });
    if (this.down) {
      record(0);
      req.socket.destroy();
      return;
    }
    let fault = this.pendingFaults.shift();
    if (!fault && this.every && (!this.every.path || this.every.path === url.pathname)) {
      this.counted++;
      if (this.counted % this.every.n === 0) fault = this.every.fault;
    }
    if (fault) {
      record(fault.status);
      if (fault.drop) return void req.socket.destroy();
      if (fault.status === 429) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfter ?? 1) });
        res.end(JSON.stringify({ code: -1003, msg: 'Too many requests; current limit of IP is 6000 request weight per 1 MINUTE.' }));
      } else {
        res.writeHead(fault.status, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
      }
      return;
    }
    const send = (status: number, body: unknown) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(body));
    };
    switch (url.pathname) {
      case '/api/v3/ping':
        return send(200, {});
      case '/api/v3/time':
        return send(200, { serverTime: this.now });
      case '/api/v3/exchangeInfo':
        return send(200, this.exchangeInfo());
      case '/fapi/v1/exchangeInfo':
      case '/dapi/v1/exchangeInfo':
        return send(200, { timezone: 'UTC', serverTime: this.now, rateLimits: [], exchangeFilters: [], assets: [], symbols: [] });
      case '/api/v3/klines':
        return this.klinesRoute(query, send);
      default:
        return send(404, { code: -1, msg: `fake binance: no route ${url.pathname}` });
    }
  }

  private exchangeInfo(): unknown {
    const symbols = [...this.files.keys()].map((id) => {
      const quote = ['USDT', 'USDC', 'BUSD', 'BTC'].find((q) => id.endsWith(q))!;
      return {
        symbol: id,
        status: 'TRADING',
        baseAsset: id.slice(0, -quote.length),
        baseAssetPrecision: 8,
        quoteAsset: quote,
        quotePrecision: 8,
        quoteAssetPrecision: 8,
        baseCommissionPrecision: 8,
        quoteCommissionPrecision: 8,
        orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
        icebergAllowed: true,
        ocoAllowed: true,
        quoteOrderQtyMarketAllowed: true,
        allowTrailingStop: true,
        cancelReplaceAllowed: true,
        isSpotTradingAllowed: true,
        isMarginTradingAllowed: false,
        filters: [
          { filterType: 'PRICE_FILTER', minPrice: '0.01000000', maxPrice: '1000000.00000000', tickSize: '0.01000000' },
          { filterType: 'LOT_SIZE', minQty: '0.00001000', maxQty: '9000.00000000', stepSize: '0.00001000' },
          { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
        ],
        permissions: [],
        permissionSets: [['SPOT']],
        defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
        allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
      };
    });
    return {
      timezone: 'UTC',
      serverTime: this.now,
      rateLimits: [
        { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
        { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      ],
      exchangeFilters: [],
      symbols,
    };
  }

  private klinesRoute(q: Record<string, string>, send: (status: number, body: unknown) => void): void {
    const id = q.symbol ?? '';
    const intervals = this.files.get(id);
    if (!intervals) return send(400, { code: -1121, msg: 'Invalid symbol.' });
    const tf = q.interval as Timeframe;
    if (!q.interval || !(tf in { '1m': 1, '3m': 1, '5m': 1, '15m': 1, '30m': 1, '1h': 1, '2h': 1, '4h': 1, '6h': 1, '8h': 1, '12h': 1, '1d': 1, '3d': 1, '1w': 1, '1M': 1 })) {
      return send(400, { code: -1120, msg: 'Invalid interval.' });
    }
    const limit = q.limit === undefined ? 500 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      return send(400, { code: -1130, msg: "Invalid data sent for a parameter: limit; legal range is '1000'." });
    }
    const file = intervals.get(tf);
    if (!file) return send(200, []);
    const k = this.load(id, tf, file);
    const tfMs = timeframeMs(tf);
    const startTime = q.startTime === undefined ? undefined : Number(q.startTime);
    const endTime = Math.min(q.endTime === undefined ? Infinity : Number(q.endTime), this.now);
    // Candles that exist at `now`: opened at or before it.
    const hi = upperBound(k.time, endTime);
    const lo = startTime === undefined ? Math.max(0, hi - limit) : lowerBound(k.time, startTime);
    const out: unknown[] = [];
    for (let i = lo; i < hi && out.length < limit; i++) {
      const t = k.time[i]!;
      const [, o, h, l, c, v] = k.rows[i]!;
      const open = t + tfMs > this.now;
      // The open candle so far: it has only traded at its open price, with part of the final volume.
      const row = open ? [o, o, o, o, String(Number(v) / 2)] : [o, h, l, c, v];
      out.push([t, row[0], row[1], row[2], row[3], row[4], t + tfMs - 1, '0', 1, '0', '0', '0']);
    }
    send(200, out);
  }

  private load(id: string, tf: Timeframe, file: string): Klines {
    const key = `${id}:${tf}`;
    let k = this.klines.get(key);
    if (!k) {
      const raw = readFileSync(file);
      const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      const rows = text.trim().split('\n').slice(1).map((line) => line.trim().split(','));
      k = { time: Float64Array.from(rows, (r) => Number(r[0])), rows };
      this.klines.set(key, k);
    }
    return k;
  }
}

function lowerBound(a: Float64Array, t: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, t: number): number {
  return lowerBound(a, t + 1);
}
