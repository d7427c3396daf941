// The one door to ccxt: creates exchanges (ccxt is imported lazily, it costs ~300 ms at startup), maps
// ccxt's errors once (transient → retried, the user's mistakes → UserError), and retries with bounded
// exponential backoff and jitter, ending in an OutageError that says what failed and how often it was tried.
import type { Exchange } from 'ccxt';
import { OutageError, UserError } from '../../core/errors.js';

export interface ExchangeConfig {
  name: string;
  /** Passed straight to the ccxt constructor, which deep-merges it (e.g. { urls: { api: { public: … } } }). */
  options?: Record<string, unknown>;
  /** Ignored here: public clients never carry keys (see createExchange). */
  apiKey?: string | null;
  secret?: string | null;
}

export type { Exchange };

/**
 * A ccxt client for public work (candles, markets): it never carries an API key, even when the config has
 * one, so a key the exchange rejects cannot break paper trading or downloads (ccxt's Binance signs some
 * market-loading requests when a key is set). Live orders use createPrivateExchange (adapters/broker).
 */
export async function createExchange(cfg: ExchangeConfig): Promise<Exchange> {
  const ccxt = await import('ccxt');
  const exchanges = ccxt.exchanges as Record<string, new (config?: Record<string, unknown>) => Exchange>;
  const Ctor = Object.prototype.hasOwnProperty.call(exchanges, cfg.name) ? exchanges[cfg.name] : undefined;
  if (!Ctor) {
    throw new UserError(`unknown exchange "${cfg.name}" (ccxt ids such as binance, kraken, coinbase, bybit, okx)`, 'exchange.name');
  }
  const config: Record<string, unknown> = { enableRateLimit: true, ...(cfg.options ?? {}) };
  for (const secret of ['apiKey', 'secret', 'password', 'uid', 'privateKey']) delete config[secret];
  return new Ctor(config);
}

/** ccxt error class names that mean "try again later" (NetworkError and its subclasses). */
const RETRYABLE = new Set(['NetworkError', 'DDoSProtection', 'RateLimitExceeded', 'ExchangeNotAvailable', 'OnMaintenance', 'RequestTimeout', 'InvalidNonce']);
/** ccxt error class names that are the user's to fix (symbol, keys, permissions, request). */
const USER = new Set(['BadSymbol', 'AuthenticationError', 'PermissionDenied', 'AccountNotEnabled', 'AccountSuspended', 'BadRequest']);

const MAX_RETRY_AFTER_MS = 5 * 60_000;

/**
 * Reads Retry-After (seconds) from the exchange's last response after a rate-limit error; ccxt keeps the
 * headers of the failed response in `last_response_headers`.
 */
export function retryAfterFrom(exchange: { last_response_headers?: unknown }): (error: unknown) => number | undefined {
  return (error) => {
    if (!(error instanceof Error) || !protoNames(error).some((n) => n === 'DDoSProtection' || n === 'RateLimitExceeded')) return undefined;
    const headers = exchange.last_response_headers as Record<string, string | undefined> | undefined;
    const value = headers?.['Retry-After'] ?? headers?.['retry-after'];
    const seconds = value === undefined ? NaN : Number(value);
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
  };
}

/** Class names along the error's prototype chain, most derived first (RateLimitExceeded, NetworkError, BaseError, …). */
function protoNames(err: Error): string[] {
  const names: string[] = [];
  for (let p: object | null = Object.getPrototypeOf(err); p && p !== Error.prototype; p = Object.getPrototypeOf(p)) {
    names.push((p as { constructor?: { name?: string } }).constructor?.name ?? '');
  }
  return names;
}

export type ErrorKind = 'retryable' | 'user' | 'other';

/**
 * Classifies an error by its ccxt class. The prototype chain is walked by class name so this works
 * without importing ccxt, and subclasses match (OnMaintenance → ExchangeNotAvailable → NetworkError).
 */
export function errorKind(err: unknown): ErrorKind {
  if (!(err instanceof Error)) return 'other';
  for (const name of protoNames(err)) {
    if (RETRYABLE.has(name)) return 'retryable';
    if (USER.has(name)) return 'user';
  }
  return 'other';
}

/** A ccxt error the user must fix becomes a UserError naming `where`; anything else is returned as is. */
export function mapExchangeError(err: unknown, where: string): unknown {
  if (errorKind(err) === 'user') return new UserError((err as Error).message, where);
  return err;
}

export interface RetryOptions {
  /** Retries after the first attempt (so at most retries + 1 calls). */
  retries: number;
  /** First backoff delay; doubles each retry, ±50% jitter, never above maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** What is being done, for the final error ("fetching BTC/USDT 1h candles"). */
  what?: string;
  /** The service, for OutageError.service and UserError.where (e.g. "binance"). */
  service?: string;
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** How long the server asked us to wait (Retry-After) after this error, if it said; waited at least that. */
  retryAfterMs?: (error: unknown) => number | undefined;
  /** Injected for tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Calls fn until it succeeds, retrying only transient (network, rate limit, 5xx) failures. `attempt` is 0
 * for the first call. The user's mistakes surface at once as UserError; other errors are rethrown as is.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const base = opts.baseDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 30_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  const service = opts.service ?? 'exchange';
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      const kind = errorKind(err);
      if (kind === 'user') throw mapExchangeError(err, service);
      if (kind !== 'retryable') throw err;
      if (attempt >= opts.retries) {
        const tries = attempt + 1;
        throw new OutageError(
          `${service}: ${opts.what ?? 'request'} failed after ${tries} attempt${tries === 1 ? '' : 's'}: ${(err as Error).message}`,
          service,
          { cause: err },
        );
      }
      const backoff = Math.min(max, base * 2 ** attempt * (0.5 + random()));
      // A server's Retry-After wins over our backoff (waiting less gets IPs banned on Binance), within reason.
      const asked = Math.min(opts.retryAfterMs?.(err) ?? 0, MAX_RETRY_AFTER_MS);
      const delayMs = Math.round(Math.max(backoff, asked));
      opts.onRetry?.({ attempt: attempt + 1, delayMs, error: err });
      await sleep(delayMs);
    }
  }
}
