// The long-poll update source handed to the library's Bot.startPolling(). Like the library's longPoll, but
// every error is retried (a wrong token or a 409 conflict too: the bot must come back by itself once fixed)
// with exponential back-off and jitter instead of a fixed delay, and each outcome updates the shared health.
import { TelegramApiError, type Api, type Update } from 'node-telegram-bot-api';
import { backoffMs, type Health, type Logger } from './sender.js';

export interface PollOptions {
  timeoutSeconds: number;
  retryBaseMs: number;
  retryMaxMs: number;
  health: Health;
  logger: Logger;
  redact: (s: string) => string;
}

export async function* pollUpdates(api: Api, o: PollOptions, signal: AbortSignal): AsyncGenerator<Update> {
  let offset: number | undefined;
  let failures = 0;
  while (!signal.aborted) {
    let updates: Update[];
    try {
      updates = await api.getUpdates({ offset, timeout: o.timeoutSeconds, allowed_updates: ['message', 'callback_query'] }, signal);
    } catch (err) {
      if (signal.aborted) return;
      failures++;
      const message = o.redact(err instanceof Error ? err.message : String(err));
      const retryAfter = err instanceof TelegramApiError ? err.retryAfter : undefined;
      const wait = retryAfter !== undefined ? retryAfter * 1000 : backoffMs(failures, o.retryBaseMs, o.retryMaxMs);
      o.health.fail('poll', message);
      o.logger.warn({ attempt: failures, retryInMs: wait, error: message }, 'telegram: getUpdates failed, backing off');
      await abortableDelay(wait, signal);
      continue;
    }
    failures = 0;
    o.health.ok('poll');
    for (const u of updates) {
      // The offset moves on once the update is handled: an update whose handling was cut short by a crash
      // comes again (confirmations live in memory, so a replayed "confirm" finds nothing to confirm).
      yield u;
      offset = u.update_id + 1;
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
