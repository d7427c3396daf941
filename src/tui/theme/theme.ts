// Terminal capabilities (colour, Unicode) and the themes derived from them. chalk ignores NO_COLOR, so the
// monochrome theme is chosen here and simply never asks for a colour; every colour is paired with a glyph
// (▲ ▼ + −, severity tags) so the monochrome and ASCII themes lose no information.

import type { ColorName, Role, TuiConfig } from '../../config/tui-schema.js';

export type { ColorName, Role };

export interface Glyphs {
  up: string;
  down: string;
  flat: string;
  minus: string;
  bodyUp: string;
  bodyDown: string;
  wick: string;
  overlay: readonly string[];
  buy: string;
  sell: string;
  focus: string;
  sep: string;
  running: string;
  stopped: string;
  dot: string;
  times: string;
  ellipsis: string;
  box: { tl: string; tr: string; bl: string; br: string; h: string; v: string };
  /** asciichart symbols: ┼ ┤ ╶ ╴ ─ ╰ ╭ ╮ ╯ │ */
  line: readonly string[];
}

export interface Theme {
  color: boolean;
  unicode: boolean;
  colors: Record<Role, ColorName | undefined>;
  g: Glyphs;
}

const UNICODE: Glyphs = {
  up: '▲',
  down: '▼',
  flat: '•',
  minus: '−',
  bodyUp: '█',
  bodyDown: '░',
  wick: '│',
  overlay: ['•', '◦', '∙', '×'],
  buy: '▲',
  sell: '▼',
  focus: '▶',
  sep: '│',
  running: '●',
  stopped: '○',
  dot: '·',
  times: '×',
  ellipsis: '…',
  box: { tl: '┌', tr: '┐', bl: '└', br: '┘', h: '─', v: '│' },
  line: ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'],
};

const ASCII: Glyphs = {
  up: '^',
  down: 'v',
  flat: '=',
  minus: '-',
  bodyUp: '#',
  bodyDown: ':',
  wick: '|',
  overlay: ['*', 'o', '+', 'x'],
  buy: '^',
  sell: 'v',
  focus: '>',
  sep: '|',
  running: '*',
  stopped: 'o',
  dot: '.',
  times: 'x',
  ellipsis: '~',
  box: { tl: '+', tr: '+', bl: '+', br: '+', h: '-', v: '|' },
  line: ['+', '|', '-', '-', '-', '\\', '/', '\\', '/', '|'],
};

const COLORS: Record<Role, ColorName> = {
  up: 'green',
  down: 'red',
  accent: 'cyan',
  muted: 'gray',
  info: 'blue',
  warn: 'yellow',
  error: 'red',
  critical: 'magenta',
  focus: 'cyan',
  live: 'red',
  ov1: 'yellow',
  ov2: 'magenta',
  ov3: 'blue',
  ov4: 'white',
};

const NONE = Object.fromEntries(Object.keys(COLORS).map((k) => [k, undefined])) as Record<Role, undefined>;

export interface Capabilities {
  color: boolean;
  unicode: boolean;
}

/**
 * What the terminal can show. NO_COLOR (any non-empty value, per no-color.org) or --no-color turns colour off;
 * TERM=dumb too. Unicode needs a UTF-8 locale: LC_ALL overrides LC_CTYPE overrides LANG, as in POSIX.
 */
export function detectCapabilities(env: NodeJS.ProcessEnv, opts: { ascii?: boolean; noColor?: boolean } = {}): Capabilities {
  const noColorEnv = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  const color = !opts.noColor && !noColorEnv && env.TERM !== 'dumb';
  const locale = env.LC_ALL || env.LC_CTYPE || env.LANG || '';
  const unicode = !opts.ascii && /utf-?8/i.test(locale);
  return { color, unicode };
}

/** The theme for the terminal's capabilities, with the config's colours by role (`tui.theme`; NO_COLOR still wins). */
export function makeTheme(caps: Capabilities, colors: TuiConfig['theme'] = {}): Theme {
  let palette: Record<Role, ColorName | undefined> = COLORS;
  if (Object.keys(colors).length > 0) {
    palette = { ...COLORS };
    for (const [role, c] of Object.entries(colors) as Array<[Role, ColorName | 'none']>) palette[role] = c === 'none' ? undefined : c;
  }
  return { color: caps.color, unicode: caps.unicode, colors: caps.color ? palette : NONE, g: caps.unicode ? UNICODE : ASCII };
}
