// The TUI measures text without string-width when every character is one it knows to be one cell wide (the
// chart's rows are all box, block and braille glyphs): that shortcut must agree with string-width everywhere.
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { cutText, textWidth } from '../../../src/tui/components/line.js';

describe('text width', () => {
  it('equals string-width for every character from space to U+2FFF', () => {
    const differ: string[] = [];
    for (let c = 0x20; c <= 0x2fff; c++) {
      const ch = String.fromCodePoint(c);
      if (textWidth(ch) !== stringWidth(ch)) differ.push(c.toString(16));
    }
    expect(differ).toEqual([]);
  });

  it('equals string-width for chart rows and for text with wide, combining and emoji characters', () => {
    const samples = [
      '│░     ██░░█                │        ░  ••█••░│█░│••█░               │',
      'BTC/USDT 1h 91,180.85 ▼ −2.34% 1d  ma-cross: • fast ◦ slow',
      '⣿⣀⡇ ▲ ▶ ● ◦ … · é',
      '株式 trader',
      'e\u0301 combining',
      'soft\u00adhyphen',
      'flag 🇫🇷 and ◽',
      '',
    ];
    for (const s of samples) expect(textWidth(s), s).toBe(stringWidth(s));
    expect(cutText('──▶ BTC', 3)).toBe('──▶');
    expect(cutText('株式', 3)).toBe('株 ');
  });
});
