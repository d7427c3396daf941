// `tradetui config check` and the program agree: every config the program refuses, config check refuses
// too, with exit 2 and the key path (never exit 1 or a loop); credentials never print.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../support/run-cli.js';
import { cliInProcess as runCli } from '../../support/cli-in-process.js';

function configFile(text: string): string {
  const f = join(tempDir(), 'config.yaml');
  writeFileSync(f, text, { mode: 0o600 });
  return f;
}

const BAD: Array<{ name: string; yaml: string; where: RegExp }> = [
  { name: 'a param out of range', yaml: 'paper:\n  instances:\n    - { strategy: ma-cross, symbol: BTC/USDT, timeframe: 1h, params: { fast: -5 } }\n', where: /paper\.instances\.0\.params/ },
  { name: 'an unknown param', yaml: 'paper:\n  instances:\n    - { strategy: ma-cross, symbol: BTC/USDT, timeframe: 1h, params: { fastt: 5 } }\n', where: /paper\.instances\.0\.params.*fastt/ },
  { name: 'an unknown strategy', yaml: 'paper:\n  instances:\n    - { strategy: no-such, symbol: BTC/USDT, timeframe: 1h }\n', where: /paper\.instances\.0\.strategy/ },
  { name: 'an unparseable replayFrom', yaml: 'paper:\n  replayFrom: "next tuesday"\n', where: /paper\.replayFrom/ },
  { name: 'a replayFrom in the future', yaml: 'paper:\n  replayFrom: "2999-01-01"\n', where: /paper\.replayFrom.*future/ },
  { name: 'an uncached symbol', yaml: 'paper:\n  instances:\n    - { strategy: ma-cross, symbol: DOGE/USDT, timeframe: 1h }\n', where: /paper\.instances\.0\.symbol/ },
];

describe('config check agrees with the program', () => {
  for (const bad of BAD) {
    it(`refuses ${bad.name} in both, exit 2 with the key path`, async () => {
      const f = configFile(bad.yaml);
      const dataDir = tempDir();
      const check = await runCli(['config', 'check', '--config', f], { dataDir });
      expect(check.code).toBe(2);
      expect(check.stderr).toMatch(bad.where);
      expect(check.stdout).not.toMatch(/valid/);
      const run = await runCli(['--headless', '--config', f], { dataDir });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(bad.where);
    }, 60_000);
  }

  it('names the file for a YAML alias bomb (exit 2, not a crash)', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i <= 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const f = configFile(`${lines.join('\n')}\n`);
    const check = await runCli(['config', 'check', '--config', f]);
    expect(check.code).toBe(2);
    expect(check.stderr).toContain(f);
    expect(check.stderr).toMatch(/alias/i);
  }, 60_000);

  it('masks every credential: ccxt credentials, headers, user:pass in telegram.apiRoot', async () => {
    const f = configFile(
      [
        'exchange:',
        '  apiKey: K-S3CRET-1',
        '  secret: K-S3CRET-2',
        '  options:',
        '    privateKey: K-S3CRET-3',
        '    walletAddress: K-S3CRET-4',
        '    uid: K-S3CRET-5',
        '    twofa: K-S3CRET-6',
        '    password: K-S3CRET-7',
        '    headers: { X-MBX-APIKEY: K-S3CRET-8 }',
        'telegram:',
        '  token: "123:K-S3CRET-9"',
        '  allowedChatIds: [1]',
        '  apiRoot: "http://bot:K-S3CRET-10@127.0.0.1:8081"',
      ].join('\n'),
    );
    for (const json of [false, true]) {
      const check = await runCli(['config', 'check', '--config', f, ...(json ? ['--json'] : [])]);
      expect(check.code, check.stderr).toBe(0);
      expect(check.stdout).not.toMatch(/S3CRET/);
      expect(check.stdout).toMatch(/127\.0\.0\.1:8081/);
    }
  }, 60_000);
});
