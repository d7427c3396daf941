// The log file rotates by size and a full disk never kills the process (writes to /dev/full fail with ENOSPC).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger, RotatingLogFile } from '../../../src/app/logger.js';
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
