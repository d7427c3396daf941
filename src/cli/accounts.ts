// `tradetui accounts`: the paper accounts a data directory has had. A replay restart (J with an earlier date in the
// TUI, or `tradetui accounts restart DATE`) archives the current account as a complete database under
// DATA_DIR/accounts; these commands list them, show one's trades, and ask the running engine for a restart.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import Database from 'better-sqlite3';
import { UserError } from '../core/errors.js';
import { iso, parseDate } from '../core/time.js';
import { dbFile } from '../config/paths.js';
import { explainDbError } from '../adapters/store/sqlite/db.js';
import { PaperStore, type ArchivedAccount } from '../adapters/store/sqlite/paper-store.js';
import { confirmReplayRestart } from '../view/confirm.js';
import { money as fmtMoney, price, qty } from '../view/format.js';
import { askYesNo, connectOrSay } from './engine.js';
import { createContext, output, type GlobalArgs } from './context.js';

const minute = (t: number | null): string => (t === null ? '-' : iso(t).slice(0, 16).replace('T', ' '));
const money = (x: number, currency: string): string => `${fmtMoney(x)} ${currency}`;
/** The replay an archived account traded: from its restart date when it began with one, to where it stood. */
const span = (a: ArchivedAccount): string => (a.replayFrom !== null ? `replay ${minute(a.replayFrom)} to ${minute(a.replayAt)}` : `replay until ${minute(a.replayAt)}`);

/** Reads a tradetui database without changing it (no migration, no lock): safe beside a running engine. */
function readDb<T>(file: string, read: (db: Database.Database) => T): T {
  if (!existsSync(file)) throw new UserError('no database here (nothing has run with this data directory yet)', file);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return read(db);
  } catch (err) {
    throw explainDbError(err, file);
  } finally {
    db?.close();
  }
}

const hasTable = (db: Database.Database, name: string): boolean => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;

interface Listing {
  current: { createdAt: number; replayFrom: number | null; currency: string; initialBalance: number; cash: number; trades: number; positions: number } | null;
  archived: Array<ArchivedAccount & { path: string; present: boolean }>;
}

function listAccounts(dataDir: string): Listing {
  return readDb(dbFile(dataDir), (db) => {
    const store = new PaperStore(db);
    const current = hasTable(db, 'account') ? store.accountRow() : null;
    const archived = hasTable(db, 'account_archives') ? store.archives() : [];
    return { current, archived: archived.map((a) => ({ ...a, path: join(dataDir, a.dir), present: existsSync(join(dataDir, a.dir, 'tradetui.db')) })) };
  });
}

const listCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: ['list', '$0'],
  describe: 'The current paper account and the archived ones (replay restarts), with where each archive lives',
  handler: (args) => {
    const ctx = createContext(args);
    const l = listAccounts(ctx.dataDir);
    output(ctx, l, () => {
      const lines: string[] = [];
      const c = l.current;
      lines.push(c ? `current    since ${minute(c.createdAt)}${c.replayFrom !== null ? `, replay from ${minute(c.replayFrom)}` : ''}: cash ${money(c.cash, c.currency)} (start ${money(c.initialBalance, c.currency)}), ${c.trades} trade(s), ${c.positions} open position(s)` : 'current    none yet (start tradetui)');
      if (l.archived.length === 0) lines.push('archived   none (J with an earlier date in the TUI restarts the replay and archives the account)');
      for (const a of l.archived) {
        lines.push(
          `archive ${a.id}  archived ${minute(a.archivedAt)}: ${span(a)}, equity ${money(a.equity, a.currency)} (start ${money(a.initialBalance, a.currency)}), ${a.trades} trade(s), ${a.positions} open position(s); replaced by an account from ${minute(a.restartedFrom)}`,
          `           ${a.path}${a.present ? '' : ' (MISSING)'}`,
        );
      }
      if (l.archived.length > 0) lines.push('its trades: tradetui accounts show N    open or continue one: tradetui --data-dir DIR');
      return lines.join('\n');
    });
  },
};

interface ShowArgs extends GlobalArgs {
  n: string;
}

const showCommand: CommandModule<GlobalArgs, ShowArgs> = {
  command: 'show <n>',
  describe: "An archived account's summary and closed trades, read from its archive",
  builder: (y) => y.positional('n', { type: 'string', demandOption: true, describe: 'the archive number (tradetui accounts)' }).example('$0 accounts show 1 --json', 'archive 1 and its trades as JSON') as never,
  handler: (args) => {
    // read as text: yargs would turn a word into NaN
    if (!/^[1-9]\d*$/.test(args.n)) throw new UserError(`"${args.n}" is not an archive number (tradetui accounts lists them)`, 'accounts show');
    const n = Number(args.n);
    const ctx = createContext(args);
    const a = listAccounts(ctx.dataDir).archived.find((x) => x.id === n);
    if (!a) throw new UserError(`no archived account ${n} in ${ctx.dataDir} (tradetui accounts lists them)`, 'accounts show');
    if (!a.present) throw new UserError(`archive ${a.id} is missing: ${a.path} holds no tradetui.db`, a.path);
    const trades = readDb(join(a.path, 'tradetui.db'), (db) => new PaperStore(db).trades({}).reverse());
    output(ctx, { ...a, tradesList: trades }, () =>
      [
        `archive ${a.id}: ${span(a)}, equity ${money(a.equity, a.currency)}, cash ${money(a.cash, a.currency)}, ${a.trades} trade(s), ${a.positions} open position(s)`,
        `  ${a.path}`,
        ...trades.map((t) => `  ${minute(t.entryTime)} → ${minute(t.exitTime)}  ${t.instanceId}  ${t.side} ${qty(t.qty)} ${t.symbol}  ${price(t.entryPrice)} → ${price(t.exitPrice)}  pnl ${t.pnl.toFixed(2)} (${t.pnlPct.toFixed(2)}%)  fees ${t.fees.toFixed(2)}  ${t.exitReason}`),
      ].join('\n'),
    );
  },
};

interface RestartArgs extends GlobalArgs {
  date: string;
  yes?: boolean;
}

const restartCommand: CommandModule<GlobalArgs, RestartArgs> = {
  command: 'restart <date>',
  describe: 'Restart the running paper replay from DATE on a new account; the current one is archived, not deleted (asks first; --yes for scripts)',
  builder: (y) =>
    y
      .positional('date', { type: 'string', demandOption: true, describe: 'YYYY-MM-DD or "YYYY-MM-DD HH:MM" (UTC), within the cached candles' })
      .option('yes', { type: 'boolean', describe: 'do not ask' })
      .example('$0 accounts restart 2026-03-01', 'replay again from March 1st on a new paper account') as never,
  handler: async (args) => {
    const ctx = createContext(args);
    const to = parseDate(args.date, 'date');
    const engine = await connectOrSay(ctx, 'accounts');
    if (!engine) return;
    try {
      const q = confirmReplayRestart(engine.snapshot(), to, 'cli');
      if (typeof q === 'string') throw new UserError(q, 'date');
      if (!args.yes) {
        const question = `${q.title}\n${q.lines.map((l) => `  ${l}`).join('\n')}`;
        if (!process.stdin.isTTY) throw new UserError(`${question}\nPass --yes to restart without asking`, 'restart');
        if (!(await askYesNo(`${question}\nRestart? [y/N] `))) {
          process.stderr.write('tradetui: not restarted; the account is unchanged\n');
          return;
        }
      }
      const r = await engine.send(q.commands[0]!);
      if (!r.ok) throw new UserError(r.message, 'restart');
      output(ctx, { restarted: true, from: iso(to), message: r.message }, () => `tradetui: ${r.message}`);
    } finally {
      await engine.stop();
    }
  },
};

export const accountsCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'accounts',
  describe: 'Paper accounts: list the current and archived ones, show an archive, restart the replay from a date',
  builder: (y) =>
    y
      .command(listCommand)
      .command(showCommand)
      .command(restartCommand)
      .example('$0 accounts list', 'the current account and the archived ones')
      .example('$0 accounts show 1', 'archive 1 and its closed trades') as never,
  handler: () => undefined,
};
