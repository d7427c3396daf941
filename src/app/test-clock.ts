// A test clock for whole-CLI rehearsals against a local fake exchange: the exchange feed closes candles by the
// clock, so a test that spawns the real CLI needs the fake exchange's market time, not the wall clock.
// TRADETUI_TEST_CLOCK_URL names an HTTP endpoint answering {"now": <ms>}. It is honoured only when that URL
// and every overridden exchange API URL are on this machine (loopback): a real exchange is never on
// 127.0.0.1, so real use cannot run on it by accident; set any other way it is a config error (exit 2).
import { UserError } from '../core/errors.js';
import type { Config } from '../config/schema.js';

export const TEST_CLOCK_ENV = 'TRADETUI_TEST_CLOCK_URL';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How often the clock asks the endpoint for its time. */
const REFRESH_MS = 200;

/** The clock TRADETUI_TEST_CLOCK_URL asks for, or null when it is not set. Throws UserError when not allowed. */
export async function testClockFromEnv(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<(() => number) | null> {
  const raw = env[TEST_CLOCK_ENV];
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UserError(`"${raw}" is not a URL`, TEST_CLOCK_ENV);
  }
  const apiUrls: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') apiUrls.push(v);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  collect((config.exchange.options?.urls as { api?: unknown } | undefined)?.api);
  const local = (u: string): boolean => {
    try {
      return LOOPBACK.has(new URL(u).hostname);
    } catch {
      return false;
    }
  };
  if (!LOOPBACK.has(url.hostname) || apiUrls.length === 0 || !apiUrls.every(local)) {
    throw new UserError('a test clock is honoured only with a test exchange on this machine (the clock URL and exchange.options.urls.api all on 127.0.0.1); unset it', TEST_CLOCK_ENV);
  }
  const read = async (): Promise<number> => {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const body = (await res.json()) as { now?: unknown };
    if (typeof body.now !== 'number' || !Number.isFinite(body.now)) throw new Error(`${raw} answered without a time`);
    return body.now;
  };
  let now: number;
  try {
    now = await read();
  } catch (err) {
    throw new UserError(`the test clock could not be read: ${(err as Error).message}`, TEST_CLOCK_ENV);
  }
  // Never backwards: a refresh that fails or lags keeps the last time.
  const timer = setInterval(() => {
    read().then(
      (t) => (now = Math.max(now, t)),
      () => {},
    );
  }, REFRESH_MS);
  timer.unref();
  return () => now;
}
