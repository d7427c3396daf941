import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../../src/core/errors.js';
import { loadConfig, maskSecrets, parseConfig } from '../../../src/config/load.js';
import { configSchema } from '../../../src/config/schema.js';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { ROOT, tempDir } from '../../support/run-cli.js';

function write(text: string): string {
  const f = join(tempDir(), 'config.yaml');
  writeFileSync(f, text);
  return f;
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    if (err instanceof UserError) return err;
    throw err;
  }
  throw new Error('expected a UserError');
}

describe('config loading', () => {
  it('uses the defaults when no file exists', () => {
    const { config, source } = loadConfig({ env: {}, dataDir: '/tmp/x' });
    expect(source).toBe('defaults');
    expect(config.account.balance).toBe(10_000);
    expect(config.paper.feed).toBe('replay');
  });

  it('names the file, the key path and what is expected for a bad value', () => {
    const f = write('account:\n  fee: "lots"\n');
    const e = userError(() => loadConfig({ configFile: f, env: {} }));
    expect(e.where).toBe(f);
    expect(e.message).toMatch(/account\.fee/);
    expect(e.message).toMatch(/number/);
  });

  it('rejects unknown keys, naming them', () => {
    const e = userError(() => parseConfig({ acount: {} }, 'c.yaml'));
    expect(e.message).toMatch(/acount/);
  });

  it('reports YAML syntax errors with the line', () => {
    const f = write('account:\n  fee: [1,\n');
    const e = userError(() => loadConfig({ configFile: f, env: {} }));
    expect(e.where).toMatch(new RegExp(`^${f}:\\d+:\\d+$`));
  });

  it('says so when --config names a file that does not exist', () => {
    const e = userError(() => loadConfig({ configFile: '/nonexistent/tradetui.yaml', env: {} }));
    expect(e.message).toMatch(/not found/);
  });

  it('lets the environment override secrets and the data dir; flags override the environment', () => {
    const env = { TRADETUI_TELEGRAM_TOKEN: 't0k', TRADETUI_EXCHANGE_API_KEY: 'k', TRADETUI_EXCHANGE_SECRET: 's', TRADETUI_DATA_DIR: '/env/dir' };
    const a = loadConfig({ env });
    expect(a.config.telegram.token).toBe('t0k');
    expect(a.config.exchange.apiKey).toBe('k');
    expect(a.dataDir).toBe('/env/dir');
    expect(loadConfig({ env, dataDir: '/flag/dir' }).dataDir).toBe('/flag/dir');
  });

  it('masks every secret when printing', () => {
    const masked = maskSecrets(parseConfig({ telegram: { token: 'abc' }, exchange: { apiKey: 'k', secret: 's' } }));
    expect(masked.telegram.token).toBe('***');
    expect(masked.exchange.apiKey).toBe('***');
    expect(JSON.stringify(masked)).not.toMatch(/"abc"|"k"|"s"/);
  });
});

describe('config.example.yaml', () => {
  it('is valid and documents exactly the defaults', () => {
    const example = parse(readFileSync(join(ROOT, 'config.example.yaml'), 'utf8'));
    const parsed = configSchema.parse(example);
    expect(parsed).toEqual(configSchema.parse({}));
  });
});
