// The --json text around the equity curves goes out in pieces: the bytes must be those of the whole text.
import { describe, expect, it } from 'vitest';
import { writeText } from '../../../src/backtest/report.js';

describe('writeText', () => {
  it('writes text[from, to) in pieces whose UTF-8 bytes are the whole text’s, never splitting a surrogate pair', () => {
    const text = '{"name": "a😀b😀😀c", "x": "→ é"}';
    for (let piece = 1; piece <= 8; piece++) {
      const pieces: string[] = [];
      writeText(text, 2, text.length - 1, (p) => pieces.push(p), piece);
      expect(pieces.join('')).toBe(text.slice(2, -1));
      expect(Buffer.concat(pieces.map((p) => Buffer.from(p))).equals(Buffer.from(text.slice(2, -1)))).toBe(true);
      for (const p of pieces.slice(0, -1)) {
        const last = p.charCodeAt(p.length - 1);
        expect(last >= 0xd800 && last <= 0xdbff).toBe(false);
        expect(p.length).toBeLessThanOrEqual(piece + 1);
      }
    }
  });

  it('writes nothing for an empty range', () => {
    const pieces: string[] = [];
    writeText('abc', 1, 1, (p) => pieces.push(p));
    expect(pieces).toEqual([]);
  });
});
