// `tradetui config check`: validates the configuration exactly as the program does (schema, strategies and
// their params, replayFrom, cached markets) and prints the effective config, credentials masked.
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { stringify } from 'yaml';
import type { MarketKey } from '../core/candle.js';
import { marketKeyString } from '../core/candle.js';
import { maskSecrets } from '../config/load.js';
import { dbFile } from '../config/paths.js';
import { validateConfig } from '../config/validate.js';
import { SqliteCandleStore } from '../adapters/store/sqlite/candle-cache.js';
import { shippedFiles } from '../data/seed.js';
import { loadStrategies, resolveStrategiesDir } from '../adapters/strategy-files.js';
import { createContext, output, type GlobalArgs } from './context.js';

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'config <action>',
  describe: 'Check the configuration and print the effective values (secrets masked)',
  builder: (y) =>
    y
      .positional('action', { choices: ['check'] as const, describe: 'check: validate and print the effective config' })
      .example('$0 config check', 'validate ~/.config/tradetui/config.yaml (or defaults) and print it')
      .example('$0 config check --config ./my.yaml --json', 'validate a file, print JSON') as never,
  handler: async (args) => {
    const ctx = createContext(args);
    try {
      const { config } = ctx;
      const strategies = await loadStrategies({ strategiesDir: config.strategiesDir ? resolveStrategiesDir(config.strategiesDir, ctx.source) : null });
      // Markets the program would find: the cache if there is one, plus the shipped candles it seeds on first start.
      const shipped = new Set(shippedFiles().map((f) => marketKeyString(f.key)));
      const cache = existsSync(dbFile(ctx.dataDir)) ? new SqliteCandleStore(ctx.db()) : null;
      const lastCached = (k: MarketKey): number | null => cache?.last(k) ?? (shipped.has(marketKeyString(k)) ? Number.POSITIVE_INFINITY : null);
      validateConfig(config, { strategies, lastCached, replayExchange: 'binance' });
      const effective = maskSecrets({ ...config, dataDir: ctx.dataDir });
      output(ctx, { source: ctx.source, config: effective }, () => `# config: ${ctx.source} (valid)\n${stringify(effective).trimEnd()}`);
    } finally {
      ctx.close();
    }
  },
};
