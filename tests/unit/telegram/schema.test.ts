import { describe, expect, it } from 'vitest';
import { maskSecrets, parseConfig } from '../../../src/config/load.js';
import { telegramSchema } from '../../../src/config/telegram-schema.js';
import { UserError } from '../../../src/core/errors.js';

describe('telegram config section', () => {
  it('has working defaults', () => {
    const c = telegramSchema.parse({});
    expect(c).toMatchObject({
      token: null,
      allowedChatIds: [],
      apiRoot: 'https://api.telegram.org',
      timezone: 'UTC',
      alerts: { minSeverity: 'info', feedDownSeconds: 60, securityIntervalSeconds: 300 },
      dailySummary: { enabled: true, time: '21:00' },
      perChatIntervalMs: 1000,
      confirmSeconds: 60,
    });
    expect(c.alerts.categories).toContain('trade');
  });

  it('names the key of a bad value', () => {
    const bad: Array<[unknown, string]> = [
      [{ timezone: 'Mars/Olympus' }, 'telegram.timezone'],
      [{ dailySummary: { time: '25:00' } }, 'telegram.dailySummary.time'],
      [{ alerts: { categories: ['trades'] } }, 'telegram.alerts.categories.0'],
      [{ alerts: { minSeverity: 'loud' } }, 'telegram.alerts.minSeverity'],
      [{ allowedChatIds: ['me'] }, 'telegram.allowedChatIds.0'],
      [{ apiRoot: 'not a url' }, 'telegram.apiRoot'],
      [{ retryBaseMs: 5000, retryMaxMs: 1000 }, 'telegram.retryMaxMs'],
      [{ tokn: 'x' }, 'telegram'],
    ];
    for (const [telegram, where] of bad) {
      let err: unknown;
      try {
        parseConfig({ telegram });
      } catch (e) {
        err = e;
      }
      expect(err, where).toBeInstanceOf(UserError);
      expect((err as UserError).message, where).toContain(where);
    }
  });

  it('masks the token for config check', () => {
    const c = parseConfig({ telegram: { token: '123:s3cr3t-value', allowedChatIds: [1] } });
    expect(JSON.stringify(maskSecrets(c))).not.toContain('s3cr3t-value');
    expect(maskSecrets(c).telegram.token).toBe('***');
  });
});
