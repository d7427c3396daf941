// Styled text lines: every pane renders to arrays of segments of an exact width, so the layout never depends on
// Ink's wrapping and a frame is cheap to diff. The TUI's own glyphs are one cell wide; text from outside (symbols,
// Telegram usernames in alerts, strategy names) may hold wide or combining characters, measured by string-width.
import stringWidth from 'string-width';
import type { Role } from '../theme/theme.js';

export interface Seg {
  text: string;
  role?: Role;
  bold?: boolean;
  inverse?: boolean;
  dim?: boolean;
}
export type Line = Seg[];

export function seg(text: string, role?: Role, style?: Omit<Seg, 'text' | 'role'>): Seg {
  return { text, role, ...style };
}

/**
 * One cell per character, measured without the library (string-width agrees for each of them:
 * tests/unit/tui/line-width.test.ts): printable ASCII, Latin-1 but the soft hyphen, punctuation, arrows, maths, box
 * drawing, blocks, shapes (but ◽◾) and braille. The chart's rows are made of them, and string-width (Intl.Segmenter)
 * took ~0.1 ms a row: most of the first frame's own time.
 */
const ONE_CELL = /^[\x20-\x7e\xa0-\xac\xae-\xff\u2010-\u2027\u2190-\u22ff\u2500-\u25fc\u25ff\u2800-\u28ff]*$/;

export function textWidth(s: string): number {
  return ONE_CELL.test(s) ? s.length : stringWidth(s);
}

/** The longest start of `s` that fits `width` cells, padded with a space where a wide character would straddle. */
export function cutText(s: string, width: number): string {
  if (ONE_CELL.test(s)) return s.slice(0, width);
  let out = '';
  let w = 0;
  for (const ch of s) {
    const cw = stringWidth(ch);
    if (w + cw > width) break;
    out += ch;
    w += cw;
  }
  return w < width && textWidth(s) > w ? out + ' '.repeat(width - w) : out;
}

export function lineWidth(line: Line): number {
  let n = 0;
  for (const s of line) n += textWidth(s.text);
  return n;
}

/** Truncates (by cells) or right-pads to exactly `width` cells. */
export function fit(line: Line, width: number): Line {
  const out: Line = [];
  let left = width;
  for (const s of line) {
    if (left <= 0) break;
    const w = textWidth(s.text);
    if (w <= left) {
      out.push(s);
      left -= w;
    } else {
      out.push({ ...s, text: cutText(s.text, left) });
      left = 0;
    }
  }
  if (left > 0) out.push({ text: ' '.repeat(left) });
  return out;
}

export function padText(s: string, width: number, align: 'left' | 'right' = 'left'): string {
  const w = textWidth(s);
  if (w > width) return cutText(s, width);
  const pad = ' '.repeat(width - w);
  return align === 'left' ? s + pad : pad + s;
}

export function plain(line: Line): string {
  return line.map((s) => s.text).join('');
}

/** Fills a block to exactly `height` lines of `width`. */
export function block(lines: Line[], width: number, height: number): Line[] {
  const out: Line[] = [];
  for (let i = 0; i < height; i++) out.push(fit(lines[i] ?? [], width));
  return out;
}

/** Word-wraps plain text to lines of at most `width` cells (words longer than a line are cut), as Ink's <Text> did. */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(1, width);
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    const candidate = cur === '' ? word : `${cur} ${word}`;
    if (textWidth(candidate) <= w) {
      cur = candidate;
      continue;
    }
    if (cur !== '') out.push(cur);
    let rest = Array.from(word);
    while (rest.length > w) {
      out.push(rest.slice(0, w).join(''));
      rest = rest.slice(w);
    }
    cur = rest.join('');
  }
  out.push(cur);
  return out;
}
