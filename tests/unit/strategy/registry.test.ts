import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import {
  builtinStrategies,
  checkStrategy,
  getStrategy,
  isBuiltin,
  looksLikeStrategyFile,
  loadStrategies,
  resolveStrategiesDir,
  strategyFile,
} from '../../../src/strategy/registry.js';
import { ROOT, tempDir } from '../../support/run-cli.js';

const CONTRACT = join(ROOT, 'src/strategy/contract.js');

const JS_STRATEGY = `export default {
  name: 'my-js',
  description: 'buys every 100th candle',
  timeframe: '1h',
  params: [{ name: 'every', type: 'int', default: 100, min: 2, max: 1000, description: 'candles between entries' }],
  warmup: () => 0,
  compute: () => ({}),
  decide: (i, input, position) => (i % input.params.every === 0 ? { action: position ? 'exit' : 'enter-long', reason: 'candle ' + i } : null),
};
`;

const TS_STRATEGY = `import { defineStrategy } from ${JSON.stringify(CONTRACT)};
type P = { period: number };
export default defineStrategy<P>({
  name: 'my-ts',
  description: 'close above its SMA',
  timeframe: '4h',
  params: [{ name: 'period', type: 'int', default: 20, min: 2, max: 200, description: 'SMA period' }],
  warmup: (p: P) => p.period,
  compute: (c, p, ta) => ({ sma: ta.sma(c.close, p.period) }),
  decide: (i, { candles, ind }, position) => (position === null && candles.close[i]! > ind.sma![i]! ? { action: 'enter-long', reason: 'above' } : null),
});
`;

async function userError(p: Promise<unknown>): Promise<UserError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('built-in strategies', () => {
  it('are the nine shipped strategies, each a valid contract with a unique name', () => {
    const list = builtinStrategies();
    expect(list.map((s) => s.name)).toEqual(['ma-cross', 'rsi-macd', 'adaptive-ema', 'enhanced', 'bollinger-reversion', 'high-risk', 'ichimoku', 'ml-classifier', 'ml-forecast', 'ml-ensemble']);
    for (const s of list) {
      expect(checkStrategy(s, s.name)).toBe(s);
      expect(isBuiltin(s)).toBe(true);
      expect(strategyFile(s)).toBeUndefined();
    }
  });

  it('getStrategy finds by name, or lists the available ones', () => {
    const list = builtinStrategies();
    expect(getStrategy('rsi-macd', list).name).toBe('rsi-macd');
    const e = (() => {
      try {
        getStrategy('nope', list, '--strategy');
      } catch (err) {
        return err as UserError;
      }
      throw new Error('expected an error');
    })();
    expect(e).toBeInstanceOf(UserError);
    expect(e.where).toBe('--strategy');
    expect(e.message).toBe('unknown strategy "nope"; available: ma-cross, rsi-macd, adaptive-ema, enhanced, bollinger-reversion, high-risk, ichimoku, ml-classifier, ml-forecast, ml-ensemble');
  });
});

describe('loadStrategies from the trader\'s folder', () => {
  it('loads .mjs/.js by import and .ts through tsx, after the built-ins', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'my-js.mjs'), JS_STRATEGY);
    writeFileSync(join(dir, 'my-ts.ts'), TS_STRATEGY);
    writeFileSync(join(dir, 'notes.md'), '# not a strategy');
    writeFileSync(join(dir, 'types.d.ts'), 'export type X = number;');
    const list = await loadStrategies({ strategiesDir: dir });
    expect(list.map((s) => s.name)).toEqual([...builtinStrategies().map((s) => s.name), 'my-js', 'my-ts']);
    const ts = getStrategy('my-ts', list);
    expect(isBuiltin(ts)).toBe(false);
    expect(strategyFile(ts)).toBe(join(dir, 'my-ts.ts'));
    // It really runs: compute through the indicators it is handed.
    const { ta } = await import('../../../src/strategy/indicators.js');
    const close = Float64Array.from({ length: 30 }, (_, i) => 100 + i);
    const series = { length: 30, time: close, open: close, high: close, low: close, close, volume: close };
    const ind = ts.compute(series, { period: 20 }, ta);
    // closes 110..129 over the last 20 candles.
    expect(ind.sma![29]).toBeCloseTo(119.5, 9);
    expect(ts.decide(29, { candles: series, ind, params: { period: 20 } }, null)?.action).toBe('enter-long');
  });

  it('without a folder returns the built-ins only', async () => {
    expect((await loadStrategies({ strategiesDir: null })).length).toBe(9);
  });

  it('names the file and everything missing from an invalid module', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'half.mjs'), `export default { name: 'half', description: 'x', timeframe: '7m', params: [] };`);
    const e = await userError(loadStrategies({ strategiesDir: dir }));
    expect(e.where).toBe(join(dir, 'half.mjs'));
    expect(e.message).toBe('not a valid strategy: missing or wrong timeframe (like "1h"), warmup() (a function), compute() (a function), decide() (a function)');
  });

  it('rejects a module without a default export', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'named.mjs'), `export const strategy = {};`);
    const e = await userError(loadStrategies({ strategiesDir: dir }));
    expect(e.message).toMatch(/must `export default` a strategy/);
    expect(e.where).toBe(join(dir, 'named.mjs'));
  });

  it('rejects a bad parameter spec, naming it', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(
      join(dir, 'bad-param.mjs'),
      JS_STRATEGY.replace("default: 100, min: 2, max: 1000", "default: 5000, min: 2, max: 1000").replace("'my-js'", "'bad-param'"),
    );
    const e = await userError(loadStrategies({ strategiesDir: dir }));
    expect(e.message).toBe('params[0]: every: default must be a number within 2..1000');
  });

  it('reports a syntax error in a .ts file as the trader\'s mistake, naming the file', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'broken.ts'), 'export default {{{');
    const e = await userError(loadStrategies({ strategiesDir: dir }));
    expect(e.where).toBe(join(dir, 'broken.ts'));
    expect(e.message).toMatch(/^cannot load strategy: /);
  });

  it('rejects a name that clashes with a built-in or another file', async () => {
    const dir = tempDir('tradetui-strats-');
    writeFileSync(join(dir, 'a.mjs'), JS_STRATEGY.replace("'my-js'", "'ma-cross'"));
    const e = await userError(loadStrategies({ strategiesDir: dir }));
    expect(e.message).toBe('strategy name "ma-cross" is already used by a built-in strategy; rename one of them');
    const dir2 = tempDir('tradetui-strats-');
    writeFileSync(join(dir2, 'a.mjs'), JS_STRATEGY);
    writeFileSync(join(dir2, 'b.mjs'), JS_STRATEGY);
    const e2 = await userError(loadStrategies({ strategiesDir: dir2 }));
    expect(e2.where).toBe(join(dir2, 'b.mjs'));
    expect(e2.message).toBe(`strategy name "my-js" is already used by ${join(dir2, 'a.mjs')}; rename one of them`);
  });

  it('reports a missing folder', async () => {
    const dir = join(tempDir(), 'nope');
    const e = await userError(loadStrategies({ strategiesDir: dir }));
    expect(e.message).toBe('strategies folder not found');
    expect(e.where).toBe(dir);
  });
});

describe('resolveStrategiesDir', () => {
  it('resolves relative to the config file, the working directory for defaults, and expands ~', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'strats'));
    expect(resolveStrategiesDir('./strats', join(dir, 'config.yaml'))).toBe(join(dir, 'strats'));
    expect(resolveStrategiesDir('strats', 'defaults')).toBe(resolve(process.cwd(), 'strats'));
    expect(resolveStrategiesDir('/abs/path', join(dir, 'config.yaml'))).toBe('/abs/path');
    expect(resolveStrategiesDir('~/s')).toMatch(/\/s$/);
    expect(resolveStrategiesDir('~/s').startsWith('~')).toBe(false);
  });
});

describe('user strategy files are code: what is imported', () => {
  it('refuses a strategies folder or a strategy file other users can write', async () => {
    const { chmodSync } = await import('node:fs');
    const dir = tempDir();
    writeFileSync(join(dir, 'ok.mjs'), `throw new Error('must not run');`);
    chmodSync(dir, 0o777);
    const e = await loadStrategies({ strategiesDir: dir }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).where).toBe(dir);
    expect((e as UserError).message).toMatch(/writable by other users/);
    chmodSync(dir, 0o700);
    chmodSync(join(dir, 'ok.mjs'), 0o666);
    const e2 = await loadStrategies({ strategiesDir: dir }).catch((err: unknown) => err);
    expect((e2 as UserError).where).toBe(join(dir, 'ok.mjs'));
  });

  it('imports only files named like strategies, never tests, configs or hidden files', async () => {
    const dir = tempDir();
    // Each of these would throw when imported: loading must not even import them.
    for (const name of ['helpers.test.ts', 'vite.config.js', '.hidden.mjs', 'types.d.ts', 'x.spec.mjs']) writeFileSync(join(dir, name), `throw new Error('imported ${name}');`);
    const list = await loadStrategies({ strategiesDir: dir });
    expect(list.length).toBe((await loadStrategies()).length);
    expect(looksLikeStrategyFile('my-strategy.ts')).toBe(true);
    expect(looksLikeStrategyFile('breakout_2.mjs')).toBe(true);
    expect(looksLikeStrategyFile('helpers.test.ts')).toBe(false);
    expect(looksLikeStrategyFile('notes.md')).toBe(false);
  });
});
