// Theme roles → terminal styles (SGR). The TUI composes the screen as styled `Line[]` and writes it itself (see
// screen-writer.ts), so this is the one place where a role becomes a colour code. It keeps what Ink's <Text> did:
// the role's colour as a basic foreground (gray = bright black 90), bold and inverse always (they carry meaning
// without colour: focus, selection), dim only in the colour theme. The monochrome theme has no role colours, so it
// never emits a colour code.
import type { Line, Seg } from '../components/line.js';
import type { ColorName, Theme } from './theme.js';

export const FG_CODE: Record<ColorName, string> = {
  red: '31',
  green: '32',
  yellow: '33',
  blue: '34',
  magenta: '35',
  cyan: '36',
  white: '37',
  gray: '90',
};

/** The terminal style of one segment; null when it is drawn plain. */
export interface SegStyle {
  /** SGR foreground parameter ('' = default). */
  fg: string;
  bold: boolean;
  dim: boolean;
  inverse: boolean;
}

export function segStyle(s: Seg, theme: Theme): SegStyle | null {
  const color = s.role ? theme.colors[s.role] : undefined;
  const fg = color ? FG_CODE[color] : '';
  const bold = s.bold === true;
  const dim = s.dim === true && theme.color;
  const inverse = s.inverse === true;
  return fg || bold || dim || inverse ? { fg, bold, dim, inverse } : null;
}

/** SGR parameters of a style, one per attribute. */
function params(st: SegStyle): string[] {
  const p: string[] = [];
  if (st.fg) p.push(st.fg);
  if (st.bold) p.push('1');
  if (st.dim) p.push('2');
  if (st.inverse) p.push('7');
  return p;
}

/**
 * A frame as text with SGR codes, lines joined by '\n' and trailing unstyled blanks trimmed (as Ink's output was):
 * what a test reads where it used to read Ink's last frame. Each attribute is its own escape sequence, reset after
 * the segment.
 */
export function linesToAnsi(lines: readonly Line[], theme: Theme): string {
  const out: string[] = [];
  for (const line of lines) {
    let s = '';
    for (const seg of line) {
      const st = segStyle(seg, theme);
      s += st ? `${params(st)
        .map((p) => `\x1b[${p}m`)
        .join('')}${seg.text}\x1b[0m` : seg.text;
    }
    out.push(s.trimEnd());
  }
  return out.join('\n');
}
