// The engine process's hold on its App during a replay restart (app/engine-host.ts): viewers are told to hold before
// the App stops and get the new one after; a failed archive brings the old account back; an App that cannot start
// after the account was replaced stops the process (the next start resumes the stored account).
import { describe, expect, it } from 'vitest';
import type { App } from '../../../src/app/compose.js';
import { createEngineHost, type AppHooks } from '../../../src/app/engine-host.js';
import { createLogger } from '../../../src/app/logger.js';

interface Made {
  n: number;
  hooks: AppHooks;
  log: string[];
}

function factory(log: string[], failAt?: number): { make: (hooks: AppHooks) => Promise<App>; made: Made[] } {
  const made: Made[] = [];
  let n = 0;
  const make = async (hooks: AppHooks): Promise<App> => {
    n++;
    if (n === failAt) throw new Error('database locked');
    const me: Made = { n, hooks, log };
    made.push(me);
    const id = n;
    return {
      snapshot: () => ({ feed: { speed: 7 } }),
      start: async () => void log.push(`start ${id}${hooks.held ? ' held' : ''} at ${hooks.speed ?? '-'}/s`),
      stop: async () => void log.push(`stop ${id}`),
      raise: (a: { message: string }) => void log.push(`alert ${id}: ${a.message}`),
    } as unknown as App;
  };
  return { make, made };
}

describe('engine host: replay restart', () => {
  it('holds viewers, stops the App, resets, then hands over a held App at the same speed and says it', async () => {
    const log: string[] = [];
    const { make, made } = factory(log);
    const host = await createEngineHost(make, createLogger(null));
    host.onSwap((a) => log.push(a ? `swap ${made.length}` : 'hold'));
    const r = await made[0]!.hooks.restartReplay!(async () => {
      log.push('reset');
      return 'replay restarted from D';
    });
    expect(r).toEqual({ ok: true, message: 'replay restarted from D' });
    expect(log).toEqual(['hold', 'stop 1', 'reset', 'swap 2', 'start 2 held at 7/s', 'alert 2: replay restarted from D']);
    expect(host.restarting()).toBeNull();
  });

  it('a reset that fails leaves the account unchanged and runs it again (not held)', async () => {
    const log: string[] = [];
    const { make, made } = factory(log);
    const host = await createEngineHost(make, createLogger(null));
    host.onSwap((a) => log.push(a ? 'swap' : 'hold'));
    const r = await made[0]!.hooks.restartReplay!(async () => {
      throw new Error('disk full');
    });
    expect(r).toEqual({ ok: false, message: 'the replay was not restarted, the account is unchanged: disk full' });
    expect(log).toEqual(['hold', 'stop 1', 'swap', 'start 2 at 7/s']);
  });

  it('an App that cannot start after the reset stops the process', async () => {
    const log: string[] = [];
    const { make, made } = factory(log, 2);
    let fatal = 0;
    await createEngineHost(make, createLogger(null), () => fatal++);
    await expect(made[0]!.hooks.restartReplay!(async () => 'restarted')).rejects.toThrow('database locked');
    expect(fatal).toBe(1);
  });

  it('a stop during a restart lets the account be stored and starts no new App', async () => {
    const log: string[] = [];
    const { make, made } = factory(log);
    const host = await createEngineHost(make, createLogger(null));
    let release!: () => void;
    const restart = made[0]!.hooks.restartReplay!(() => new Promise<string>((r) => (release = () => r('restarted'))));
    await new Promise((r) => setImmediate(r));
    const closed = host.close();
    release();
    expect(await restart).toEqual({ ok: true, message: 'restarted; the engine is stopping: the new account starts with its next start' });
    await closed;
    expect(made).toHaveLength(1);
  });
});
