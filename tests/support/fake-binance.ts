// A local Binance spot REST server on 127.0.0.1 for tests through the REAL ccxt client: the public part of
// /api/v3 (exchangeInfo, klines, time, ping) for loadMarkets and fetchOHLCV, serving the real candles in
// data/ (or another folder of binance_PAIR_TF*.csv[.gz] files), and the signed private part (account,
// order POST/GET/DELETE, openOrders, myTrades) with HMAC-SHA256 signatures, X-MBX-APIKEY, timestamp and
// recvWindow checked and Binance's own error codes and messages. Orders match against a price the test
// sets per symbol (market, limit, STOP_LOSS_LIMIT; partial fills; commission in the asset received).
// Faults can be injected (429 with Retry-After, 5xx, dropped connections, a reply lost after the order was
// accepted, clock skew), "now" is settable so the open candle exists, and every request is recorded.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { keyFromFileName } from '../../src/data/seed.js';
import { timeframeMs, type Timeframe } from '../../src/core/time.js';

/** The shipped candles: data/ of the project this file belongs to (run from tests/support, or compiled into dist/ by the bench). */
export const REPO_DATA_DIR = ((): string => {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${import.meta.dirname}`);
    dir = up;
  }
  return join(dir, 'data');
})();

export interface RecordedRequest {
  method: string;
  path: string;
  /** Query and form-body parameters together (signature included). */
  query: Record<string, string>;
  status: number;
  /** The X-MBX-APIKEY header, if one was sent. */
  apiKey?: string;
}

export interface FakeBinanceOptions {
  /** Folder of binance_PAIR_TF[_suffix].csv[.gz] files; default: the repo's data/. */
  dataDir?: string;
  /** Server time; candles open after it do not exist yet and the one containing it is still open. */
  now?: number;
  /** The account's API key and secret (default: FAKE_KEY / FAKE_SECRET). */
  apiKey?: string;
  secret?: string;
  /** Starting balances of the account, e.g. { USDT: 10_000 }. */
  balances?: Record<string, number>;
  /** Commission rate on each trade, charged in the asset received (default 0.001). */
  commission?: number;
  /** Whether markets list STOP_LOSS_LIMIT among their order types (default true); false: an exchange without stop orders. */
  stopOrders?: boolean;
}

export const FAKE_KEY = 'fakeApiKey0123456789';
export const FAKE_SECRET = 'fakeSecret0123456789';

export type FakeOrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'EXPIRED' | 'REJECTED';

export interface FakeOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  side: 'BUY' | 'SELL';
  type: 'MARKET' | 'LIMIT' | 'STOP_LOSS_LIMIT';
  timeInForce: string;
  origQty: number;
  price: number;
  stopPrice: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: FakeOrderStatus;
  time: number;
  updateTime: number;
  /** A STOP_LOSS_LIMIT order rests untriggered until the price reaches stopPrice. */
  triggered: boolean;
}

export interface FakeTrade {
  id: number;
  orderId: number;
  symbol: string;
  price: number;
  qty: number;
  quoteQty: number;
  commission: number;
  commissionAsset: string;
  time: number;
  isBuyer: boolean;
  isMaker: boolean;
}

/** How to lose the reply to a request the server has processed. */
export type LostReply = 'drop' | 'hang' | 504 | 502 | 500 | 503;

interface ApiError {
  status: number;
  code: number;
  msg: string;
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
  readonly apiKey: string;
  readonly secret: string;
  commission: number;
  readonly stopOrders: boolean;
  /** Milliseconds the exchange's clock runs ahead (+) or behind (−) this machine's. */
  clockSkewMs = 0;
  readonly balances = new Map<string, { free: number; locked: number }>();
  readonly orders = new Map<number, FakeOrder>();
  readonly trades: FakeTrade[] = [];
  /** Base quantity a market order can find in the book; beyond it the order EXPIRES partly filled. */
  marketLiquidity = Infinity;
  private prices = new Map<string, number>();
  private nextOrderId = 1000;
  private nextTradeId = 5000;
  /**
   * Called with each order request's parameters before it is processed (e.g. to look at the journal then).
   * Returning 'unreached' drops the connection without processing it: the order never reached the exchange.
   */
  onOrderRequest: ((params: Record<string, string>) => unknown) | null = null;
  /** Called as each request arrives, before anything is processed (e.g. to kill a client mid-way). */
  onRequest: ((method: string, path: string) => void) | null = null;
  private lostReplies: Array<{ method: string; path: string; how: LostReply }> = [];
  private hanging = new Set<ServerResponse>();

  private constructor(opts: FakeBinanceOptions) {
    this.now = opts.now ?? Date.now();
    this.apiKey = opts.apiKey ?? FAKE_KEY;
    this.secret = opts.secret ?? FAKE_SECRET;
    this.commission = opts.commission ?? 0.001;
    this.stopOrders = opts.stopOrders ?? true;
    for (const [asset, amount] of Object.entries(opts.balances ?? { USDT: 10_000 })) this.balances.set(asset, { free: amount, locked: 0 });
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

  /** ccxt constructor options with this account's keys (the live broker's). */
  ccxtPrivateOptions(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { ...this.ccxtOptions(), apiKey: this.apiKey, secret: this.secret, ...extra };
  }

  /** The exchange's own clock (for signed requests' timestamp and /api/v3/time). */
  serverTime(): number {
    return Date.now() + this.clockSkewMs;
  }

  /**
   * The price orders of `symbol` (exchange id, e.g. BTCUSDT) match against; resting orders that it crosses
   * fill (a STOP_LOSS_LIMIT triggers). The open candle served by klines trades at it too (its close, and its
   * high or low when beyond), so a feed polling the market sees the move.
   */
  setPrice(symbol: string, price: number): void {
    this.prices.set(symbol, price);
    for (const o of [...this.orders.values()]) if (o.symbol === symbol && isOpen(o.status)) this.match(o, false);
  }

  price(symbol: string): number {
    const p = this.prices.get(symbol);
    if (p !== undefined) return p;
    // Default: the last close at `now` in the served candles.
    const tfs = this.files.get(symbol);
    if (!tfs) throw new Error(`fake binance: no price for ${symbol}`);
    const [tf, file] = [...tfs.entries()][0]!;
    const k = this.load(symbol, tf, file);
    const i = Math.max(0, upperBound(k.time, this.now) - 1);
    return Number(k.rows[i]![4]);
  }

  balance(asset: string): { free: number; locked: number } {
    return this.balances.get(asset) ?? { free: 0, locked: 0 };
  }

  setBalance(asset: string, free: number): void {
    this.balances.set(asset, { free, locked: this.balance(asset).locked });
  }

  /** Requests to private order endpoints (place, cancel, query): what an opt-in must gate. */
  orderRequests(): RecordedRequest[] {
    return this.requests.filter((r) => PRIVATE_ROUTES.has(r.path));
  }

  /** Orders placed (POST /api/v3/order accepted), by client id. */
  ordersByClientId(clientOrderId: string): FakeOrder[] {
    return [...this.orders.values()].filter((o) => o.clientOrderId === clientOrderId);
  }

  /**
   * The next request to `method path` is processed (an order is accepted, a cancel done) and its reply
   * lost: the connection dropped, never answered ('hang': the client times out), or a 5xx gateway error.
   */
  loseReply(method: string, path: string, how: LostReply = 'drop'): void {
    this.lostReplies.push({ method, path, how });
  }

  /** Another party trades against an open order: `qty` of it fills at the order's limit price. */
  fillOrder(orderId: number, qty: number): void {
    const o = this.orders.get(orderId);
    if (!o || !isOpen(o.status)) throw new Error(`fake binance: order ${orderId} is not open`);
    this.execute(o, Math.min(qty, o.origQty - o.executedQty), o.price, true);
  }

  /** A trade made "by hand" on the exchange's website: a market order with the web's kind of client id. */
  externalTrade(symbol: string, side: 'BUY' | 'SELL', qty: number): FakeOrder {
    const result = this.place({ symbol, side, type: 'MARKET', quantity: String(qty), newClientOrderId: `web_${this.nextOrderId.toString(16)}${Math.random().toString(16).slice(2, 10)}` });
    if ('code' in result) throw new Error(`fake binance: external trade refused: ${result.msg}`);
    return result;
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
      // ccxt's limiter spaces requests by their weight × rateLimit (Binance: 50 ms a unit, ~0.8 s after an
      // all-symbols open-orders call): still on, but a tenth of it, for a server on this machine.
      rateLimit: 5,
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
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.route(req, res, Buffer.concat(chunks).toString('utf8')));
  }

  private route(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = { ...Object.fromEntries(url.searchParams), ...Object.fromEntries(new URLSearchParams(body)) };
    const method = req.method ?? 'GET';
    const headerKey = req.headers['x-mbx-apikey'];
    const apiKey = typeof headerKey === 'string' ? headerKey : undefined;
    const record = (status: number) => this.requests.push({ method, path: url.pathname, query, status, ...(apiKey !== undefined ? { apiKey } : {}) });
    this.onRequest?.(method, url.pathname);
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
    const send = (status: number, payload: unknown) => {
      record(status);
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(JSON.stringify(payload));
    };
    if (PRIVATE_ROUTES.has(url.pathname)) {
      const denied = this.authenticate(req.url ?? '', body, apiKey, query);
      if (denied) return send(denied.status, { code: denied.code, msg: denied.msg });
      const result = this.privateRoute(method, url.pathname, query);
      if (result === UNREACHED) {
        record(0);
        return void req.socket.destroy();
      }
      const lost = this.lostReplies.findIndex((l) => l.method === method && l.path === url.pathname);
      if (lost >= 0) {
        const { how } = this.lostReplies.splice(lost, 1)[0]!;
        record(typeof how === 'number' ? how : 0);
        if (how === 'drop') return void req.socket.destroy();
        if (how === 'hang') return void this.hanging.add(res);
        res.writeHead(how, { 'content-type': 'text/html' });
        return void res.end(`<html><body><h1>${how} Gateway Time-out</h1></body></html>`);
      }
      if ('code' in (result as object) && typeof (result as ApiError).status === 'number') {
        const e = result as ApiError;
        return send(e.status, { code: e.code, msg: e.msg });
      }
      return send(200, result);
    }
    switch (url.pathname) {
      case '/api/v3/ping':
        return send(200, {});
      case '/fake/now':
        // The market clock for a CLI under test (TRADETUI_TEST_CLOCK_URL): not part of Binance's API.
        return send(200, { now: this.now });
      case '/api/v3/time':
        return send(200, { serverTime: this.serverTime() });
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

  /** Binance's checks of a signed request, in its order: key present, key known, timestamp, signature. */
  private authenticate(rawUrl: string, body: string, apiKey: string | undefined, q: Record<string, string>): ApiError | null {
    if (!apiKey) return { status: 401, code: -2014, msg: 'API-key format invalid.' };
    if (apiKey !== this.apiKey) return { status: 401, code: -2015, msg: 'Invalid API-key, IP, or permissions for action.' };
    const ts = Number(q.timestamp);
    if (!Number.isFinite(ts)) return { status: 400, code: -1102, msg: "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed." };
    const recvWindow = q.recvWindow === undefined ? 5000 : Number(q.recvWindow);
    if (!(recvWindow > 0 && recvWindow <= 60_000)) return { status: 400, code: -1131, msg: 'recvWindow must be less than 60000' };
    const server = this.serverTime();
    if (ts > server + 1000) return { status: 400, code: -1021, msg: `Timestamp for this request was ${Math.round(ts - server)}ms ahead of the server's time.` };
    if (server - ts > recvWindow) return { status: 400, code: -1021, msg: 'Timestamp for this request is outside of the recvWindow.' };
    // The signature covers the query string followed by the body, exactly as sent, without the signature itself.
    const qs = rawUrl.includes('?') ? rawUrl.slice(rawUrl.indexOf('?') + 1) : '';
    const total = [qs, body].filter((x) => x !== '').join('');
    const m = /(^|&)signature=([0-9a-fA-F]+)$/.exec(total);
    if (!m) return { status: 400, code: -1102, msg: "Mandatory parameter 'signature' was not sent, was empty/null, or malformed." };
    const signed = total.slice(0, m.index);
    const expected = createHmac('sha256', this.secret).update(signed).digest();
    const given = Buffer.from(m[2]!, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { status: 400, code: -1022, msg: 'Signature for this request is not valid.' };
    return null;
  }

  private privateRoute(method: string, path: string, q: Record<string, string>): unknown {
    if (path === '/api/v3/account' && method === 'GET') return this.account();
    if (path === '/api/v3/order' && method === 'POST') {
      if (this.onOrderRequest?.(q) === 'unreached') return UNREACHED;
      const r = this.place(q);
      return 'code' in r ? r : this.orderJson(r, 'full');
    }
    if (path === '/api/v3/order' && method === 'GET') {
      const o = this.find(q);
      if (!o) return { status: 400, code: -2013, msg: 'Order does not exist.' };
      return this.orderJson(o, 'query');
    }
    if (path === '/api/v3/order' && method === 'DELETE') {
      const o = this.find(q);
      if (!o || !isOpen(o.status)) return { status: 400, code: -2011, msg: 'Unknown order sent.' };
      this.cancel(o);
      return this.orderJson(o, 'cancel');
    }
    if (path === '/api/v3/openOrders' && method === 'GET') {
      if (q.symbol !== undefined && !this.files.has(q.symbol)) return { status: 400, code: -1121, msg: 'Invalid symbol.' };
      return [...this.orders.values()].filter((o) => isOpen(o.status) && (q.symbol === undefined || o.symbol === q.symbol)).map((o) => this.orderJson(o, 'query'));
    }
    if (path === '/api/v3/allOrders' && method === 'GET') {
      if (!q.symbol) return { status: 400, code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." };
      const limit = Math.min(1000, q.limit === undefined ? 500 : Number(q.limit));
      return [...this.orders.values()].filter((o) => o.symbol === q.symbol).slice(-limit).map((o) => this.orderJson(o, 'query'));
    }
    if (path === '/api/v3/openOrders' && method === 'DELETE') {
      const open = [...this.orders.values()].filter((o) => isOpen(o.status) && o.symbol === q.symbol);
      if (open.length === 0) return { status: 400, code: -2011, msg: 'Unknown order sent.' };
      for (const o of open) this.cancel(o);
      return open.map((o) => this.orderJson(o, 'cancel'));
    }
    if (path === '/api/v3/myTrades' && method === 'GET') {
      if (!q.symbol) return { status: 400, code: -1102, msg: "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed." };
      const limit = q.limit === undefined ? 500 : Number(q.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return { status: 400, code: -1130, msg: "Invalid data sent for a parameter: limit; legal range is '1000'." };
      let rows = this.trades.filter((t) => t.symbol === q.symbol);
      if (q.orderId !== undefined) rows = rows.filter((t) => t.orderId === Number(q.orderId));
      if (q.fromId !== undefined) rows = rows.filter((t) => t.id >= Number(q.fromId));
      else if (q.startTime !== undefined) rows = rows.filter((t) => t.time >= Number(q.startTime));
      if (q.endTime !== undefined) rows = rows.filter((t) => t.time <= Number(q.endTime));
      // Binance returns the oldest `limit` trades of the window when a start is given, else the newest.
      rows = q.fromId !== undefined || q.startTime !== undefined ? rows.slice(0, limit) : rows.slice(-limit);
      return rows.map((t) => ({
        symbol: t.symbol,
        id: t.id,
        orderId: t.orderId,
        orderListId: -1,
        price: fmt(t.price),
        qty: fmt(t.qty),
        quoteQty: fmt(t.quoteQty),
        commission: fmt(t.commission),
        commissionAsset: t.commissionAsset,
        time: t.time,
        isBuyer: t.isBuyer,
        isMaker: t.isMaker,
        isBestMatch: true,
      }));
    }
    return { status: 404, code: -1, msg: `fake binance: no route ${method} ${path}` };
  }

  private account(): unknown {
    return {
      makerCommission: Math.round(this.commission * 10_000),
      takerCommission: Math.round(this.commission * 10_000),
      buyerCommission: 0,
      sellerCommission: 0,
      commissionRates: { maker: fmt(this.commission), taker: fmt(this.commission), buyer: fmt(0), seller: fmt(0) },
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      brokered: false,
      requireSelfTradePrevention: false,
      preventSor: false,
      updateTime: this.serverTime(),
      accountType: 'SPOT',
      balances: [...this.balances.entries()].map(([asset, b]) => ({ asset, free: fmt(b.free), locked: fmt(b.locked) })),
      permissions: ['SPOT'],
      uid: 354937868,
    };
  }

  private find(q: Record<string, string>): FakeOrder | undefined {
    if (q.orderId !== undefined) {
      const o = this.orders.get(Number(q.orderId));
      return o && o.symbol === q.symbol ? o : undefined;
    }
    if (q.origClientOrderId !== undefined) {
      // The newest order with that client id (an id can be reused once its order is closed).
      return [...this.orders.values()].reverse().find((o) => o.clientOrderId === q.origClientOrderId && o.symbol === q.symbol);
    }
    return undefined;
  }

  /** Validates and places an order; it matches at once where the price allows. */
  private place(q: Record<string, string>): FakeOrder | ApiError {
    const symbol = q.symbol ?? '';
    const spec = this.files.has(symbol) ? this.symbolSpec(symbol) : undefined;
    if (!spec) return { status: 400, code: -1121, msg: 'Invalid symbol.' };
    const side = q.side;
    if (side !== 'BUY' && side !== 'SELL') return { status: 400, code: -1102, msg: "Mandatory parameter 'side' was not sent, was empty/null, or malformed." };
    const type = q.type;
    if (type !== 'MARKET' && type !== 'LIMIT' && type !== 'STOP_LOSS_LIMIT') return { status: 400, code: -1116, msg: 'Invalid orderType.' };
    if (type === 'STOP_LOSS_LIMIT' && !this.stopOrders) return { status: 400, code: -1013, msg: 'Stop loss orders are not supported for this symbol.' };
    if (q.quoteOrderQty !== undefined) return { status: 400, code: -1106, msg: "Parameter 'quoteOrderQty' sent when not required." };
    const qty = Number(q.quantity);
    if (!(qty > 0)) return { status: 400, code: -1102, msg: "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed." };
    const clientOrderId = q.newClientOrderId ?? `fake${this.nextOrderId}`;
    if (!/^[.A-Za-z0-9:/_-]{1,36}$/.test(clientOrderId)) return { status: 400, code: -1100, msg: "Illegal characters found in parameter 'newClientOrderId'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'." };
    // Binance refuses a client id only while an order with it is open.
    if ([...this.orders.values()].some((o) => o.clientOrderId === clientOrderId && isOpen(o.status))) return { status: 400, code: -2010, msg: 'Duplicate order sent.' };
    const limit = type === 'MARKET' ? 0 : Number(q.price);
    if (type !== 'MARKET') {
      if (q.timeInForce !== 'GTC' && q.timeInForce !== 'IOC' && q.timeInForce !== 'FOK') return { status: 400, code: -1102, msg: "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed." };
      if (!(limit > 0)) return { status: 400, code: -1102, msg: "Mandatory parameter 'price' was not sent, was empty/null, or malformed." };
      if (!onGrid(limit, spec.tick)) return { status: 400, code: -1013, msg: 'Filter failure: PRICE_FILTER' };
    }
    const stopPrice = type === 'STOP_LOSS_LIMIT' ? Number(q.stopPrice) : 0;
    if (type === 'STOP_LOSS_LIMIT') {
      if (!(stopPrice > 0)) return { status: 400, code: -1102, msg: "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed." };
      if (!onGrid(stopPrice, spec.tick)) return { status: 400, code: -1013, msg: 'Filter failure: PRICE_FILTER' };
    }
    if (qty < spec.minQty || qty > spec.maxQty || !onGrid(qty, spec.step)) return { status: 400, code: -1013, msg: 'Filter failure: LOT_SIZE' };
    const market = this.price(symbol);
    const notionalPrice = type === 'MARKET' ? market : limit;
    if (qty * notionalPrice < spec.minNotional) return { status: 400, code: -1013, msg: 'Filter failure: NOTIONAL' };
    if (type === 'STOP_LOSS_LIMIT' && (side === 'SELL' ? market <= stopPrice : market >= stopPrice)) return { status: 400, code: -2010, msg: 'Stop price would trigger immediately.' };
    const { base, quote } = spec;
    // Funds: a sell needs the base; a buy needs the quote at the limit (market: current price with a margin).
    const needAsset = side === 'SELL' ? base : quote;
    const need = side === 'SELL' ? qty : qty * (type === 'MARKET' ? market : limit);
    if (this.balance(needAsset).free + 1e-12 < need) return { status: 400, code: -2010, msg: 'Account has insufficient balance for requested action.' };
    const now = this.serverTime();
    const o: FakeOrder = {
      symbol,
      orderId: this.nextOrderId++,
      clientOrderId,
      side,
      type,
      timeInForce: type === 'MARKET' ? 'GTC' : q.timeInForce!,
      origQty: qty,
      price: limit,
      stopPrice,
      executedQty: 0,
      cummulativeQuoteQty: 0,
      status: 'NEW',
      time: now,
      updateTime: now,
      triggered: type !== 'STOP_LOSS_LIMIT',
    };
    this.orders.set(o.orderId, o);
    if (type !== 'MARKET') this.lock(o, o.origQty);
    this.match(o, true);
    return o;
  }

  /** Fills what the price allows: market orders at once (up to the liquidity), limits when crossed. */
  private match(o: FakeOrder, taker: boolean): void {
    const market = this.price(o.symbol);
    if (o.type === 'MARKET') {
      const qty = Math.min(o.origQty, this.marketLiquidity);
      if (qty > 0) this.execute(o, qty, market, false);
      if (o.executedQty < o.origQty) o.status = 'EXPIRED';
      return;
    }
    if (!o.triggered) {
      if (o.side === 'SELL' ? market > o.stopPrice : market < o.stopPrice) return;
      o.triggered = true;
      taker = true;
    }
    const crosses = o.side === 'BUY' ? market <= o.price : market >= o.price;
    if (crosses) this.execute(o, o.origQty - o.executedQty, taker ? market : o.price, !taker);
    else if (o.timeInForce !== 'GTC') this.cancel(o, 'EXPIRED');
  }

  private execute(o: FakeOrder, qty: number, price: number, maker: boolean): void {
    qty = round8(qty);
    if (qty <= 0) return;
    const { base, quote } = this.symbolSpec(o.symbol);
    const quoteQty = round8(qty * price);
    if (o.type !== 'MARKET') this.unlock(o, qty);
    const received = o.side === 'BUY' ? base : quote;
    const commission = round8((o.side === 'BUY' ? qty : quoteQty) * this.commission);
    if (o.side === 'BUY') {
      this.adjust(quote, -quoteQty);
      this.adjust(base, qty - commission);
    } else {
      this.adjust(base, -qty);
      this.adjust(quote, quoteQty - commission);
    }
    const now = this.serverTime();
    this.trades.push({ id: this.nextTradeId++, orderId: o.orderId, symbol: o.symbol, price, qty, quoteQty, commission, commissionAsset: received, time: now, isBuyer: o.side === 'BUY', isMaker: maker });
    o.executedQty = round8(o.executedQty + qty);
    o.cummulativeQuoteQty = round8(o.cummulativeQuoteQty + quoteQty);
    o.status = o.executedQty >= o.origQty - 1e-12 ? 'FILLED' : 'PARTIALLY_FILLED';
    o.updateTime = now;
  }

  private cancel(o: FakeOrder, status: FakeOrderStatus = 'CANCELED'): void {
    if (o.type !== 'MARKET') this.unlock(o, o.origQty - o.executedQty);
    o.status = status;
    o.updateTime = this.serverTime();
  }

  /** Moves what a resting order may spend from free to locked (and back). */
  private lock(o: FakeOrder, qty: number): void {
    const { base, quote } = this.symbolSpec(o.symbol);
    const asset = o.side === 'SELL' ? base : quote;
    const amount = o.side === 'SELL' ? qty : qty * o.price;
    const b = this.balance(asset);
    this.balances.set(asset, { free: round8(b.free - amount), locked: round8(b.locked + amount) });
  }

  private unlock(o: FakeOrder, qty: number): void {
    const { base, quote } = this.symbolSpec(o.symbol);
    const asset = o.side === 'SELL' ? base : quote;
    const amount = o.side === 'SELL' ? qty : qty * o.price;
    const b = this.balance(asset);
    this.balances.set(asset, { free: round8(b.free + amount), locked: round8(Math.max(0, b.locked - amount)) });
  }

  private adjust(asset: string, delta: number): void {
    const b = this.balance(asset);
    this.balances.set(asset, { free: round8(b.free + delta), locked: b.locked });
  }

  private orderJson(o: FakeOrder, kind: 'full' | 'query' | 'cancel'): Record<string, unknown> {
    const common = {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: fmt(o.price),
      origQty: fmt(o.origQty),
      executedQty: fmt(o.executedQty),
      cummulativeQuoteQty: fmt(o.cummulativeQuoteQty),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      ...(o.type === 'STOP_LOSS_LIMIT' ? { stopPrice: fmt(o.stopPrice) } : {}),
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
    if (kind === 'cancel') return { ...common, origClientOrderId: o.clientOrderId, clientOrderId: `cancel${o.orderId}`, transactTime: o.updateTime };
    if (kind === 'query') return { ...common, stopPrice: fmt(o.stopPrice), icebergQty: fmt(0), time: o.time, updateTime: o.updateTime, isWorking: o.triggered, workingTime: o.time, origQuoteOrderQty: fmt(0) };
    const fills = this.trades
      .filter((t) => t.orderId === o.orderId)
      .map((t) => ({ price: fmt(t.price), qty: fmt(t.qty), commission: fmt(t.commission), commissionAsset: t.commissionAsset, tradeId: t.id }));
    return { ...common, transactTime: o.time, workingTime: o.time, origQuoteOrderQty: fmt(0), fills };
  }

  private symbolSpec(id: string): { base: string; quote: string; tick: number; step: number; minQty: number; maxQty: number; minNotional: number } {
    const quote = ['USDT', 'USDC', 'BUSD', 'BTC'].find((q) => id.endsWith(q))!;
    return { base: id.slice(0, -quote.length), quote, tick: 0.01, step: 0.00001, minQty: 0.00001, maxQty: 9000, minNotional: 5 };
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
        orderTypes: this.stopOrders ? ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'] : ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
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
      // The open candle so far: it has only traded at its open price (or at the price set since), with part
      // of the final volume.
      const set = this.prices.get(id);
      const now = set === undefined ? Number(o) : set;
      const row = open ? [o, String(Math.max(Number(o), now)), String(Math.min(Number(o), now)), String(now), String(Number(v) / 2)] : [o, h, l, c, v];
      out.push([t, row[0], row[1], row[2], row[3], row[4], t + tfMs - 1, '0', 1, '0', '0', '0']);
    }
    send(200, out);
  }

  private load(id: string, tf: Timeframe, file: string): Klines {
    const key = `${id}:${tf}`;
    let k = this.klines.get(key);
    if (!k) {
      // Parsed once per test process, whatever the number of fakes (several run at once in some files).
      k = PARSED.get(file);
      if (!k) {
        const raw = readFileSync(file);
        const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
        const rows = text.trim().split('\n').slice(1).map((line) => line.trim().split(','));
        k = { time: Float64Array.from(rows, (r) => Number(r[0])), rows };
        PARSED.set(file, k);
      }
      this.klines.set(key, k);
    }
    return k;
  }
}

/** Candle files parsed, by path: read-only once parsed, shared by every fake in the process. */
const PARSED = new Map<string, Klines>();

/** An order request dropped before the exchange processed it. */
const UNREACHED = Symbol('unreached');

const PRIVATE_ROUTES = new Set(['/api/v3/account', '/api/v3/order', '/api/v3/openOrders', '/api/v3/allOrders', '/api/v3/myTrades']);

function isOpen(status: FakeOrderStatus): boolean {
  return status === 'NEW' || status === 'PARTIALLY_FILLED';
}

function round8(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

function fmt(x: number): string {
  return x.toFixed(8);
}

/** Whether x is a whole multiple of step (within float noise). */
function onGrid(x: number, step: number): boolean {
  const n = x / step;
  return Math.abs(n - Math.round(n)) < 1e-6;
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
