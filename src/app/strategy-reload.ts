// Hot reload of the trader's own strategy files (config `strategiesDir`): the folder is polled for changed files
// (modification time and size); a changed file is loaded again as a fresh module and checked like at start; its
// instances then restart in place on the new code (same id, candles, position, orders, trades) without restarting
// the engine. A file that fails to load, clashes, or no longer accepts an instance's params leaves the old code
// running and raises an alert naming the file and the error. A new file adds a strategy to the list.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Actor, Alert, CommandResult } from '../core/events.js';
import { errorMessage } from '../core/errors.js';
import type { Kernel } from '../engine/kernel.js';
import { loadStrategyFile, looksLikeStrategyFile, strategyFile } from '../adapters/strategy-files.js';
import type { Params, Strategy } from '../strategy/contract.js';
import { resolveParams } from '../strategy/params.js';
import type { Instances } from './instances.js';
import type { Logger } from './logger.js';

export interface ReloadDeps {
  dir: string;
  /** The engine's strategy list (the add wizard's too): changed in place. */
  strategies: Strategy[];
  kernel: Kernel;
  instances: Instances;
  /** Runs the swap as one stored step. */
  tx(fn: () => void): void;
  raise(alert: Omit<Alert, 'id' | 'time'>): void;
  logger: Logger;
}

export interface StrategyReloader {
  /** Loads the files changed since the last look; the answer says what was reloaded and what failed. */
  reload(by: Actor): Promise<CommandResult>;
  /** Polls the folder every `ms` (unref'd: never keeps the process alive). */
  watch(ms: number): void;
  stop(): void;
}

function signatures(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!existsSync(dir)) return out;
  for (const f of readdirSync(dir)) {
    if (!looksLikeStrategyFile(f)) continue;
    const file = resolve(join(dir, f));
    try {
      const st = statSync(file);
      out.set(file, `${st.mtimeMs}:${st.size}`);
    } catch {
      // removed between the listing and the stat: its instances keep the code they run
    }
  }
  return out;
}

export function createStrategyReloader(d: ReloadDeps): StrategyReloader {
  let seen = signatures(d.dir);
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;

  const fail = (file: string, message: string): string => {
    const text = `strategy file ${file} not reloaded, the running code is kept: ${message}`;
    d.logger.error({ file }, text);
    d.raise({ severity: 'error', category: 'strategy', message: text, data: { file } });
    return text;
  };

  async function reloadFile(file: string, by: Actor): Promise<{ ok: boolean; message: string }> {
    let fresh: Strategy;
    try {
      fresh = await loadStrategyFile(file, { fresh: true });
    } catch (err) {
      return { ok: false, message: fail(file, errorMessage(err)) };
    }
    const index = d.strategies.findIndex((s) => strategyFile(s) === file);
    const clash = d.strategies.find((s, i) => i !== index && s.name === fresh.name);
    if (clash) return { ok: false, message: fail(file, `strategy name "${fresh.name}" is already used by ${strategyFile(clash) ?? 'a built-in strategy'}`) };
    if (index < 0) {
      d.strategies.push(fresh);
      const message = `new strategy ${fresh.name} loaded from ${file}`;
      d.raise({ severity: 'info', category: 'strategy', message });
      return { ok: true, message };
    }
    const old = d.strategies[index]!;
    const targets = [...d.kernel.instances.values()].filter((r) => r.strategy.name === old.name);
    if (fresh.name !== old.name && targets.length > 0) {
      return { ok: false, message: fail(file, `the strategy is now named "${fresh.name}" (was "${old.name}") while ${targets.length} instance(s) run it; rename it back, or add new instances`) };
    }
    // Every instance's params must still be accepted by the new code, or none switches.
    const params = new Map<string, Params>();
    for (const r of targets) {
      try {
        params.set(r.id, resolveParams(fresh, r.params, r.id));
      } catch (err) {
        return { ok: false, message: fail(file, `instance ${r.id}: ${errorMessage(err)}`) };
      }
    }
    let swaps: Array<{ commit(by: Actor): unknown }>;
    try {
      swaps = await Promise.all(targets.map((r) => d.instances.replace(r.id, { strategy: fresh, params: params.get(r.id)! })));
    } catch (err) {
      return { ok: false, message: fail(file, errorMessage(err)) };
    }
    d.tx(() => {
      for (const s of swaps) s.commit(by);
    });
    d.strategies[index] = fresh;
    const held = targets.filter((r) => [...d.kernel.portfolio.positions.values()].some((p) => p.instanceId === r.id)).length;
    const message = `strategy ${fresh.name} reloaded from ${file}: ${targets.length} instance(s) run the new code${targets.length > 0 ? `, restarted in place (${targets.map((r) => r.id).join(', ')})${held > 0 ? ', positions and orders kept' : ''}` : ''}`;
    d.logger.info({ file, instances: targets.map((r) => r.id) }, message);
    d.raise({ severity: 'info', category: 'strategy', message });
    return { ok: true, message };
  }

  async function reload(by: Actor): Promise<CommandResult> {
    const now = signatures(d.dir);
    const changed = [...now].filter(([file, sig]) => seen.get(file) !== sig).map(([file]) => file);
    // A file is looked at once per change: a broken save is reported once, the next save is tried again.
    seen = now;
    if (changed.length === 0) return { ok: true, message: 'no strategy file changed' };
    const results: Array<{ ok: boolean; message: string }> = [];
    for (const file of changed) results.push(await reloadFile(file, by));
    return { ok: results.every((r) => r.ok), message: results.map((r) => r.message).join('; ') };
  }

  return {
    reload(by) {
      // One reload at a time: a poll during a slow load waits for it rather than loading the file twice.
      const next = chain.then(() => reload(by));
      chain = next.catch(() => undefined);
      return next;
    },
    watch(ms) {
      timer ??= setInterval(() => {
        void this.reload('system').catch((err: unknown) => d.logger.error({ err }, 'strategy reload failed'));
      }, ms);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
