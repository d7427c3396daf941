// The log file rotates by size and a full disk never kills the process (writes to /dev/full fail with ENOSPC).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, LOG_TAIL_LINES, recentLog, RotatingLogFile } from '../../../src/app/logger.js';
import { tempDir } from '../../support/run-cli.js';

describe('tradetui.log', () => {
  it('rotates by size, keeping a bounded number of files, each owner-only', () => {
    const file = join(tempDir(), 'tradetui.log');
    const log = createLogger(file, 'info', { maxBytes: 10_000, keep: 2 });
    for (let i = 0; i < 2_000; i++) log.info({ i }, 'a line of about a hundred bytes, repeated to fill the file quickly');
    expect(statSync(file).size).toBeLessThanOrEqual(10_000);
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(existsSync(`${file}.2`)).toBe(true);
    expect(existsSync(`${file}.3`)).toBe(false);
    for (const f of [file, `${file}.1`, `${file}.2`]) expect(statSync(f).mode & 0o777).toBe(0o600);
    // The newest line is in the current file, whole.
    const last = readFileSync(file, 'utf8').trim().split('\n').at(-1)!;
    expect(JSON.parse(last).i).toBe(1_999);
  });

  it.runIf(existsSync('/dev/full'))('a full disk (ENOSPC) drops lines instead of ending the process', () => {
    const dest = new RotatingLogFile('/dev/full');
    const log = createLogger(null);
    expect(() => dest.write('{"msg":"x"}\n')).not.toThrow();
    expect(dest.dropped).toBe(1);
    expect(dest.lastError).toBe('ENOSPC');
    const logger = createLogger('/dev/full');
    expect(() => {
      for (let i = 0; i < 100; i++) logger.error({ i }, 'disk is full');
    }).not.toThrow();
    log.info('silent logger still fine');
  });

  it('says how many lines were lost once writing works again', () => {
    const file = join(tempDir(), 'tradetui.log');
    const dest = new RotatingLogFile(file);
    dest.dropped = 3;
    dest.lastError = 'ENOSPC';
    dest.write('{"msg":"back"}\n');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines[0]).toMatch(/3 line\(s\) were lost to write errors \(ENOSPC\)/);
    expect(lines[1]).toBe('{"msg":"back"}');
    expect(dest.dropped).toBe(0);
  });
});

describe('the log tail the views read (Log window)', () => {
  it('never writes a credential, at the top level or nested, by any of ccxt\'s names', () => {
    const file = join(tempDir(), 'tradetui.log');
    const log = createLogger(file, 'info');
    log.info({ apiKey: 'top-key', secret: 'top-secret' }, 'flat');
    log.info({ exchange: { privateKey: 'pk-1', walletAddress: 'wa-1', password: 'pw-1', uid: 'uid-1', twofa: 'tf-1' } }, 'nested');
    log.info({ config: { exchange: { secret: 'deep-secret', headers: { 'X-MBX-APIKEY': 'hdr-key' } }, telegram: { token: 'tg-token' } } }, 'config');
    const written = readFileSync(file, 'utf8') + JSON.stringify(recentLog(log));
    for (const leaked of ['top-key', 'top-secret', 'pk-1', 'wa-1', 'pw-1', 'uid-1', 'tf-1', 'deep-secret', 'hdr-key', 'tg-token']) expect(written).not.toContain(leaked);
    expect(written).toContain('nested');
  });

  it('keeps the newest lines as written (redacted), by level, newer than a seq, without reading the file', () => {
    const file = join(tempDir(), 'tradetui.log');
    const log = createLogger(file, 'debug');
    log.debug('poll tick');
    log.info({ command: { type: 'pause' } }, 'command');
    log.warn({ exchange: { apiKey: 'sekret' } }, 'exchange said no');
    log.error({ err: new Error('boom') }, 'command failed');
    const all = recentLog(log);
    expect(all.map((e) => [e.level, e.msg])).toEqual([
      ['debug', 'poll tick'],
      ['info', 'command'],
      ['warn', 'exchange said no'],
      ['error', 'command failed'],
    ]);
    expect(all[1]!.detail).toBe('{"command":{"type":"pause"}}');
    expect(all[2]!.detail).toContain('***');
    expect(all[2]!.detail).not.toContain('sekret');
    expect(all[3]!.detail).toContain('boom');
    expect(recentLog(log, { level: 'warn' }).map((e) => e.msg)).toEqual(['exchange said no', 'command failed']);
    expect(recentLog(log, { after: all[2]!.seq }).map((e) => e.msg)).toEqual(['command failed']);
    expect(recentLog(log, { limit: 1 }).map((e) => e.msg)).toEqual(['command failed']);
    for (let i = 0; i < LOG_TAIL_LINES + 50; i++) log.info({ i }, 'filler');
    const tail = recentLog(log);
    expect(tail).toHaveLength(LOG_TAIL_LINES);
    expect(JSON.parse(tail.at(-1)!.detail).i).toBe(LOG_TAIL_LINES + 49);
    expect(recentLog(createLogger(null))).toEqual([]);
  });
});
