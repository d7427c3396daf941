// `tradetui slippage`: the slippage live trading actually paid, from the parity meter's records in the live
// database of the configured exchange account: per fill, the fill price against the price the decision was
// made at (the decision candle's close; a stop's level), summarised by side and symbol, and the backtest
// `account.slippage` that would have charged the same. Read-only; the live engine may be running.
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { openDb } from '../adapters/store/sqlite/db.js';
import { parseDate, iso } from '../core/time.js';
import { liveDbFile } from '../app/live.js';
import { ParityStore, parityRows, slippageReport, type SlippageStats } from '../live/parity-store.js';
import { money } from '../view/format.js';
import { bps } from '../view/parity.js';
import { createContext, output, type GlobalArgs } from './context.js';

interface SlippageArgs extends GlobalArgs {
  instance?: string;
  since?: string;
}

const HOW = [
  'How it is derived: what these fills cost against their decision prices,',
  'Σ qty × (fill − decision price) (a buy paying more or a sell getting less is a',
  'cost), divided by their notional at the decision prices, Σ qty × decision price:',
  'the one fixed rate that would have charged the same. A backtest fills a market',
  "order at the next candle's open; live orders leave at the decision candle's",
  'close, which is that open on a market that trades around the clock. Few fills',
  'make a noisy estimate: compare it with the median and p90.',
];

export const slippageCommand: CommandModule<GlobalArgs, SlippageArgs> = {
  command: 'slippage',
  describe: 'Slippage paid on live fills (from the parity meter) and the backtest account.slippage that matches it',
  builder: (y) =>
    y
      .option('instance', { type: 'string', describe: 'one strategy instance (its id, e.g. ma-cross@binance:BTC/USDT:1h)', requiresArg: true })
      .option('since', { type: 'string', describe: 'only fills decided at or after this date (YYYY-MM-DD or ISO time)', requiresArg: true })
      .example('$0 slippage', 'what the live fills cost against the decisions, and the setting to backtest with')
      .example('$0 slippage --since 2026-03-01 --json', 'the same as one JSON document'),
  handler: (args) => {
    const ctx = createContext(args);
    const since = args.since !== undefined ? parseDate(args.since, '--since') : undefined;
    const file = liveDbFile(ctx.dataDir, ctx.config.exchange);
    const account = `${ctx.config.exchange.name}${ctx.config.exchange.sandbox ? ' testnet' : ''}`;
    const currency = ctx.config.account.currency;
    // Never create the live database: no file means no live trading yet.
    const rows = existsSync(file) ? readRows(file, { instanceId: args.instance, since }) : [];
    const report = slippageReport(rows);
    const filter = [args.instance ? `instance ${args.instance}` : '', since !== undefined ? `since ${iso(since)}` : ''].filter(Boolean).join(', ');
    output(ctx, { exchange: ctx.config.exchange.name, sandbox: ctx.config.exchange.sandbox, currency, instance: args.instance ?? null, since: since !== undefined ? iso(since) : null, ...report }, () => {
      if (!report.overall) {
        return [
          `No live fills yet on ${account}${filter ? ` (${filter})` : ''}.`,
          'The parity meter records each live fill against its decision once the live',
          "engine trades (tradetui --live); until then a backtest's slippage is a guess",
          '(account.slippage, or backtest --slippage).',
        ].join('\n');
      }
      const line = (label: string, s: SlippageStats): string =>
        `${label.padEnd(14)} ${String(s.count).padStart(5)} ${bps(s.meanBps).padStart(9)} ${bps(s.medianBps).padStart(9)} ${bps(s.p90Bps).padStart(9)} ${money(s.cost).padStart(12)}`;
      const out = [
        `Slippage paid on ${report.fills} live fill(s) on ${account}${filter ? ` (${filter})` : ''}`,
        `against each decision's price, in bps (+ is a cost):`,
        `${''.padEnd(14)} ${'fills'.padStart(5)} ${'mean'.padStart(9)} ${'median'.padStart(9)} ${'p90'.padStart(9)} ${`cost ${currency}`.padStart(12)}`,
        line('all', report.overall),
        ...Object.entries(report.bySide).map(([k, s]) => line(k, s)),
        ...Object.entries(report.bySymbol).map(([k, s]) => line(k, s)),
      ];
      if (report.vsSimulated) out.push(`Live against paper fills of the same decisions (${report.vsSimulated.count}): ${bps(report.vsSimulated.meanBps)} bps mean, ${money(report.vsSimulated.cost)} ${currency}.`);
      if (report.fees) out.push(`Fees: ${money(report.fees.total)} ${currency} (${report.fees.bps.toFixed(1)} bps of notional).`);
      const s = report.suggestedSlippage;
      if (s !== null) {
        const rate = Number(s.toPrecision(3));
        out.push('', `Suggested backtest setting: account.slippage: ${rate} (now ${ctx.config.account.slippage})`, `  or: tradetui backtest --slippage ${rate}`, ...HOW);
        if (report.overall.cost < 0) out.push('These fills beat their decision prices on the whole: the suggestion is 0.');
      }
      return out.join('\n');
    });
  },
};

function readRows(file: string, filter: { instanceId?: string; since?: number }) {
  const db = openDb(file);
  try {
    return parityRows(new ParityStore(db).list(filter));
  } finally {
    db.close();
  }
}
