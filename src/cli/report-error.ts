// How the CLI ends on an error: a UserError (bad input, config, usage) prints its message and exits 2; anything
// else prints "error:" and exits 1 (the stack with TRADETUI_DEBUG set).
import { UserError, errorMessage } from '../core/errors.js';

export function reportError(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`tradetui: ${errorMessage(err)}\n`);
    return 2;
  }
  const msg = err instanceof Error ? (process.env.TRADETUI_DEBUG ? (err.stack ?? err.message) : err.message) : String(err);
  process.stderr.write(`tradetui: error: ${msg}\n`);
  return 1;
}
