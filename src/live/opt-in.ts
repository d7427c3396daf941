// The opt-in to real orders. Paper is the default everywhere; live needs the exchange keys AND --live, and
// then either the trader types the exchange's name in the TUI or, headless, --i-understand-the-risks. Keys
// read from a config file other users can read are refused (they belong in the environment or a 0600 file).
import { statSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import type { Config } from '../config/schema.js';

export interface LiveFlags {
  live?: boolean;
  iUnderstandTheRisks?: boolean;
  headless?: boolean;
}

export type OptIn = { live: false } | { live: true; exchange: string; sandbox: boolean; needsTypedConfirmation: boolean };

export function liveOptIn(flags: LiveFlags, config: Config, opts: { configSource?: string; env?: NodeJS.ProcessEnv } = {}): OptIn {
  if (!flags.live) {
    if (flags.iUnderstandTheRisks) throw new UserError('only goes with --live (paper trading needs no confirmation)', '--i-understand-the-risks');
    return { live: false };
  }
  const env = opts.env ?? process.env;
  if (!config.exchange.apiKey || !config.exchange.secret) {
    throw new UserError('--live needs the exchange API key and secret: set TRADETUI_EXCHANGE_API_KEY and TRADETUI_EXCHANGE_SECRET', 'exchange.apiKey');
  }
  const fromFile = !env.TRADETUI_EXCHANGE_API_KEY || !env.TRADETUI_EXCHANGE_SECRET;
  if (fromFile && opts.configSource && opts.configSource !== 'defaults') {
    const mode = statSync(opts.configSource).mode;
    if (mode & 0o044) throw new UserError(`holds API keys but other users can read it (chmod 600 ${opts.configSource}, or use the environment)`, opts.configSource);
  }
  if (flags.headless && !flags.iUnderstandTheRisks) {
    throw new UserError('headless live trading places real orders without asking: add --i-understand-the-risks to confirm', '--live');
  }
  return { live: true, exchange: config.exchange.name, sandbox: config.exchange.sandbox, needsTypedConfirmation: !flags.headless };
}

/** The TUI's confirmation: the trader must type the exchange's name exactly (not just press Enter). */
export function confirmsExchange(typed: string, exchange: string): boolean {
  return typed.trim().length > 0 && typed.trim() === exchange;
}
