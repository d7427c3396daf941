// ccxt errors are classified once (adapters/exchange/ccxt.ts): real ccxt error classes, no mocks of them.
import * as ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { OutageError, UserError } from '../../../src/core/errors.js';
import { createExchange, errorKind, retryAfterFrom, withRetry } from '../../../src/adapters/exchange/ccxt.js';

const noSleep = { sleep: async () => {}, random: () => 0.5 };

describe('ccxt error mapping', () => {
  it.each(['RateLimitExceeded', 'DDoSProtection', 'NetworkError', 'ExchangeNotAvailable', 'RequestTimeout', 'OnMaintenance'] as const)(
    '%s is retryable',
    (name) => {
      expect(errorKind(new ccxt[name]('x'))).toBe('retryable');
    },
  );

  it.each(['BadSymbol', 'AuthenticationError', 'PermissionDenied', 'BadRequest'] as const)('%s is the user\'s to fix', (name) => {
    expect(errorKind(new ccxt[name]('x'))).toBe('user');
  });

  it('other errors are neither', () => {
    expect(errorKind(new ccxt.ExchangeError('x'))).toBe('other');
    expect(errorKind(new TypeError('x'))).toBe('other');
    expect(errorKind('x')).toBe('other');
  });
});

describe('withRetry', () => {
  it('retries transient failures with growing delays and returns the result', async () => {
    const delays: number[] = [];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 4) throw new ccxt.RateLimitExceeded('429');
        return 'ok';
      },
      { retries: 5, baseDelayMs: 100, onRetry: (i) => delays.push(i.delayMs), ...noSleep },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(4);
    expect(delays).toEqual([100, 200, 400]);
  });

  it('jitter stays within ±50% and the delay never exceeds maxDelayMs', async () => {
    const delays: number[] = [];
    const rand = [0, 0.999, 0.999];
    await withRetry(
      async (attempt) => {
        if (attempt < 3) throw new ccxt.NetworkError('down');
        return 1;
      },
      { retries: 3, baseDelayMs: 1000, maxDelayMs: 2500, onRetry: (i) => delays.push(i.delayMs), sleep: async () => {}, random: () => rand.shift()! },
    );
    expect(delays[0]).toBe(500);
    expect(delays[1]).toBeLessThanOrEqual(2500);
    expect(delays[1]).toBeGreaterThan(2000);
    expect(delays[2]).toBe(2500);
  });

  it('after the last retry throws an OutageError saying what failed and how often', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new ccxt.ExchangeNotAvailable('binance 500 Internal Server Error');
      },
      { retries: 2, service: 'binance', what: 'fetching BTC/USDT 1h candles', ...noSleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect(err).toBeInstanceOf(OutageError);
    expect((err as OutageError).service).toBe('binance');
    expect((err as Error).message).toBe('binance: fetching BTC/USDT 1h candles failed after 3 attempts: binance 500 Internal Server Error');
  });

  it('does not retry the user\'s mistakes: BadSymbol becomes a UserError at once', async () => {
    let calls = 0;
    const err = await withRetry(
      async () => {
        calls++;
        throw new ccxt.BadSymbol('binance does not have market symbol FOO/BAR');
      },
      { retries: 5, service: 'binance', ...noSleep },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).where).toBe('binance');
  });

  it('rethrows other errors unchanged without retrying', async () => {
    const boom = new TypeError('bug');
    let calls = 0;
    await expect(withRetry(async () => { calls++; throw boom; }, { retries: 5, ...noSleep })).rejects.toBe(boom);
    expect(calls).toBe(1);
  });
});

describe('createExchange', () => {
  it('builds the named ccxt exchange with rate limiting on and the config options merged in', async () => {
    const ex = await createExchange({ name: 'binance', options: { urls: { api: { public: 'http://127.0.0.1:9/api/v3' } }, timeout: 1234 } });
    expect(ex.id).toBe('binance');
    expect(ex.enableRateLimit).toBe(true);
    expect(ex.timeout).toBe(1234);
    expect((ex.urls as { api: Record<string, string> }).api.public).toBe('http://127.0.0.1:9/api/v3');
    // ccxt deep-merges: the other endpoints keep their defaults.
    expect((ex.urls as { api: Record<string, string> }).api.sapi).toMatch(/^https:\/\/api\.binance\.com/);
  });

  it('an unknown exchange name is a UserError naming exchange.name', async () => {
    await expect(createExchange({ name: 'nosuchexchange' })).rejects.toMatchObject({ name: 'UserError', where: 'exchange.name' });
    await expect(createExchange({ name: 'Exchange' })).rejects.toBeInstanceOf(UserError);
  });
});

describe('Retry-After', () => {
  it('a rate-limit error waits what the last response asked; other errors ignore it', () => {
    const exchange = { last_response_headers: { 'Retry-After': '3' } };
    const after = retryAfterFrom(exchange);
    expect(after(new ccxt.RateLimitExceeded('429'))).toBe(3000);
    expect(after(new ccxt.DDoSProtection('418'))).toBe(3000);
    expect(after(new ccxt.ExchangeNotAvailable('500'))).toBeUndefined();
    expect(retryAfterFrom({})(new ccxt.RateLimitExceeded('429'))).toBeUndefined();
  });

  it('withRetry waits the longer of its backoff and Retry-After', async () => {
    const delays: number[] = [];
    await withRetry(
      async (attempt) => {
        if (attempt < 2) throw new ccxt.RateLimitExceeded('429');
        return 1;
      },
      { retries: 3, baseDelayMs: 100, retryAfterMs: (e) => (e instanceof ccxt.RateLimitExceeded ? 2000 : undefined), onRetry: (i) => delays.push(i.delayMs), ...noSleep },
    );
    expect(delays).toEqual([2000, 2000]);
  });
});
