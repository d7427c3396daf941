// The live opt-in screen: before a live engine starts from the terminal, the trader sees which account will
// trade real money (exchange, testnet or not, capital cap, strategies) and must type the exchange's name.
// Enter alone, a wrong name, Esc or Ctrl-C start nothing. Drawn before the TUI takes the screen, with plain
// lines, so it needs no engine.
import readline from 'node:readline';
import { confirmsExchange } from '../live/opt-in.js';

export interface LiveConfirmInfo {
  exchange: string;
  sandbox: boolean;
  maxCapital: number | null;
  currency: string;
  instances: string[];
  noColor: boolean;
}

/** The screen's lines (the badge is inverse red, or `!! LIVE !!` under NO_COLOR). */
export function liveConfirmLines(info: LiveConfirmInfo): string[] {
  const badge = info.noColor ? '!! LIVE !!' : '\x1b[1;7;31m LIVE \x1b[0m';
  const where = info.sandbox ? `${info.exchange} TESTNET (exchange.sandbox: true)` : `${info.exchange} — REAL MONEY`;
  return [
    '',
    `  ${badge}  tradetui is about to trade on ${where}`,
    '',
    `  capital the bot may use: ${info.maxCapital !== null ? `${info.maxCapital} ${info.currency} (live.maxCapital)` : `the whole ${info.currency} balance (set live.maxCapital to cap it)`}`,
    `  strategies that will place orders:`,
    ...(info.instances.length ? info.instances.map((i) => `    - ${i}`) : ['    (none configured)']),
    '',
    '  Orders are journaled before they are sent; after a crash they are looked up, never sent twice.',
    '  The account is reconciled with the exchange first: entries wait until every difference is resolved.',
    '',
    `  Type the exchange's name (${info.exchange}) and press Enter to trade live; anything else cancels.`,
  ];
}

/** Asks on the terminal; resolves true only when the exchange's name is typed exactly. */
export function confirmLive(info: LiveConfirmInfo, io: { input?: NodeJS.ReadableStream; output?: NodeJS.WritableStream } = {}): Promise<boolean> {
  const input = io.input ?? process.stdin;
  const output = io.output ?? process.stdout;
  output.write(`${liveConfirmLines(info).join('\n')}\n`);
  const rl = readline.createInterface({ input, output, terminal: (output as NodeJS.WriteStream).isTTY === true });
  return new Promise((resolve) => {
    let answered = false;
    const done = (ok: boolean): void => {
      if (answered) return;
      answered = true;
      rl.close();
      resolve(ok);
    };
    rl.question('  exchange name: ', (typed) => done(confirmsExchange(typed, info.exchange)));
    rl.on('SIGINT', () => done(false));
    rl.on('close', () => done(false));
    // Esc cancels at once (readline emits keypress events on a TTY).
    if ((input as NodeJS.ReadStream).isTTY) {
      readline.emitKeypressEvents(input);
      const onKey = (_: string, key: { name?: string } | undefined): void => {
        if (key?.name === 'escape') done(false);
      };
      input.on('keypress', onKey);
      rl.on('close', () => input.off('keypress', onKey));
    }
  });
}
