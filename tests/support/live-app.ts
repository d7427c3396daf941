// Helpers for live-engine tests: a trader's config pointing the live engine at the local Binance, a strategy
// that trades on every candle (enter, then exit on the next), and waits on the engine's events.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import type { EngineEvent } from '../../src/core/events.js';
import type { EventBus } from '../../src/engine/bus.js';
import type { FakeBinance } from './fake-binance.js';
import { tempDir } from './run-cli.js';

/** Enters long when flat and exits when holding: one order per closed candle. */
export const FLIP_STRATEGY = `
export default {
  name: 'flip',
  description: 'enters when flat, exits when holding (a live test strategy)',
  timeframe: '1h',
  params: [],
  warmup: () => 1,
  compute: () => ({}),
  decide(_i, _input, position) {
    return position ? { action: 'exit', reason: 'flip out' } : { action: 'enter-long', reason: 'flip in' };
  },
};
`;

/** A folder with the config file's strategies (flip.js) and the config object for the fake exchange (polled every 0.2 s). */
export function liveConfig(fake: FakeBinance, extra: Record<string, unknown> = {}): { home: string; configFile: string; raw: Record<string, unknown>; config: Config } {
  const home = tempDir();
  mkdirSync(join(home, 'strategies'), { recursive: true });
  writeFileSync(join(home, 'strategies', 'flip.js'), FLIP_STRATEGY);
  const raw: Record<string, unknown> = {
    strategiesDir: './strategies',
    exchange: { name: 'binance', options: { ...fake.ccxtOptions(), timeout: 3000 }, apiKey: fake.apiKey, secret: fake.secret, retries: 0 },
    paper: { feed: 'exchange', pollSeconds: 1, instances: [{ strategy: 'flip', symbol: 'BTC/USDT', timeframe: '1h' }] },
    ...extra,
  };
  const configFile = join(home, 'config.yaml');
  const config = parseConfig(raw);
  // An engine in this process polls the local exchange every 0.2 s: a closing candle is traded within 0.2 s,
  // not 1 s. The schema's floor (1 s) is for a trader's exchange; the CLI reads `raw` and keeps it.
  config.paper.pollSeconds = 0.2;
  return { home, configFile, raw, config };
}

/** Resolves with the first event on `bus` that `match` accepts (rejects after `ms`). */
export function nextEvent<T extends EngineEvent>(bus: EventBus, match: (e: EngineEvent) => e is T, ms?: number): Promise<T>;
export function nextEvent(bus: EventBus, match: (e: EngineEvent) => boolean, ms?: number): Promise<EngineEvent>;
export function nextEvent(bus: EventBus, match: (e: EngineEvent) => boolean, ms = 20_000): Promise<EngineEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an engine event'));
    }, ms);
    const off = bus.onAny((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

export async function until(cond: () => boolean, ms = 20_000, what = 'a condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
