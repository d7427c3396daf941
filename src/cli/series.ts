// `tradetui data import-series FILE --name NAME`: imports an external (timestamp, value) series, such as the
// shipped Crypto Fear & Greed Index (data/alternative_me_fear_greed_1d.csv.gz), for ML features (ext:NAME).
import type { Argv, CommandModule } from 'yargs';
import { iso } from '../core/time.js';
import { importSeries } from '../ml/series.js';
import { createContext, output, type GlobalArgs } from './context.js';

interface ImportSeriesArgs extends GlobalArgs {
  file: string;
  name: string;
  period?: string;
}

export const importSeriesCommand: CommandModule<GlobalArgs, ImportSeriesArgs> = {
  command: 'import-series <file>',
  describe: 'import an external series (CSV with timestamp and value columns) for ML features ext:NAME',
  builder: (y) =>
    (y as Argv<GlobalArgs>)
      .positional('file', { type: 'string', demandOption: true, describe: 'CSV (.csv or .csv.gz) with a header naming timestamp and value' })
      .option('name', { type: 'string', demandOption: true, describe: 'series name, used as feature ext:NAME' })
      .option('period', { type: 'string', describe: 'how long each value covers, e.g. 1d (default: the smallest spacing); a value counts from the end of its period' })
      .example('$0 data import-series data/alternative_me_fear_greed_1d.csv.gz --name fear_greed', 'the shipped Fear & Greed Index') as unknown as Argv<ImportSeriesArgs>,
  handler: async (args) => {
    const ctx = createContext(args);
    try {
      const r = importSeries(ctx.db(), args.file, args.name, { period: args.period });
      output(ctx, { ...r, first: iso(r.first), last: iso(r.last) }, () =>
        [
          `Imported series ${r.name} from ${r.file}: ${r.rows} values, ${iso(r.first)} → ${iso(r.last)}, range ${r.min}..${r.max}`,
          `  each value counts from the end of its ${r.periodMs / 3_600_000} h period; ${r.gaps === 0 ? 'no gaps' : `${r.gaps} gap(s), not filled`}`,
          `  use it as feature ext:${r.name}, e.g. tradetui ml train --model lstm --symbol BTC/USDT --timeframe 1h --features ret1,ret4,vol24,volz,ext:${r.name}`,
        ].join('\n'),
      );
    } finally {
      ctx.close();
    }
  },
};
