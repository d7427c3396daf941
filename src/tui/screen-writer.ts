// The frame writer between the App and the terminal. The App composes each frame as styled `Line[]` (one cell per
// code point) and hands it to writeLines(); we diff it against the previous frame (rows first, then cells of the rows
// that changed) and write only the changed runs with absolute cursor positions inside the alternate screen, wrapped
// in synchronized-output markers. Ink stays the React host and input layer but renders an empty tree into this
// object (debug mode): what it writes is ignored (a render error reaches run.tsx through waitUntilExit).
//
// Why not let Ink draw the text: its per-frame pipeline tokenizes and measures every character of a frame
// (ansi-tokenize, string-width through Intl.Segmenter for each box-drawing glyph), only for this writer to parse
// the result back into cells; the lines are laid out already, so that was most of a frame's CPU.
//
// Why not Ink's own log-update: ink 6.8's incremental renderer moves the cursor up one line too few when the frame
// ends with a newline (every frame shorter than the terminal), so frames drift down a row; and frames as tall as
// the terminal make it clear the whole screen each time. Absolute positioning cannot drift, and cell diffs write
// far fewer bytes than line diffs (a price tick rewrites a few cells, not the status line).
import { EventEmitter } from 'node:events';
import type { Line } from './components/line.js';
import { segStyle } from './theme/ansi.js';
import type { Theme } from './theme/theme.js';

interface Style {
  fg: string;
  bg: string;
  bold: boolean;
  dim: boolean;
  italic: boolean;
  underline: boolean;
  inverse: boolean;
}

const PLAIN: Style = { fg: '', bg: '', bold: false, dim: false, italic: false, underline: false, inverse: false };

function styleKey(s: Style): string {
  return `${s.fg}|${s.bg}|${s.bold ? 1 : 0}${s.dim ? 1 : 0}${s.italic ? 1 : 0}${s.underline ? 1 : 0}${s.inverse ? 1 : 0}`;
}

function sgrOf(s: Style): string {
  const codes = ['0'];
  if (s.bold) codes.push('1');
  if (s.dim) codes.push('2');
  if (s.italic) codes.push('3');
  if (s.underline) codes.push('4');
  if (s.inverse) codes.push('7');
  if (s.fg) codes.push(s.fg);
  if (s.bg) codes.push(s.bg);
  return `\x1b[${codes.join(';')}m`;
}

export interface ScreenOutput {
  write(data: string): unknown;
  columns?: number;
  rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Where the App delivers each composed frame. */
export interface FrameSink {
  writeLines(lines: readonly Line[], theme: Theme): void;
}

/** Gap of unchanged cells worth rewriting rather than repositioning the cursor (a CUP costs ~8 bytes). */
const MERGE_GAP = 6;

/**
 * One screen row: its text and the style id of each run of cells. `key` identifies the row's content, so an
 * unchanged row costs one string comparison; cells are split out only for rows that changed.
 */
interface Row {
  text: string;
  /** Pairs of (cells, style id). */
  runs: number[];
  key: string;
}

const EMPTY_ROW: Row = { text: '', runs: [], key: '' };

function codePoints(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

export class ScreenWriter extends EventEmitter implements FrameSink {
  readonly isTTY = true;
  private prev: Row[] = [];
  private pending: { lines: readonly Line[]; theme: Theme } | null = null;
  private scheduled = false;
  private closed = false;
  /** Style ids (stable for the writer's life): 0 is plain. */
  private readonly styleIds = new Map<string, number>([[styleKey(PLAIN), 0]]);
  private readonly styleSgr: string[] = [sgrOf(PLAIN)];
  /** Segment style → style id under `segTheme`. */
  private segIds = new Map<string, number>();
  private segTheme: Theme | null = null;
  /** Total bytes written, for the quietness tests and the bench. */
  bytes = 0;
  private readonly onResize = (): void => {
    // a resize garbles what the terminal shows: repaint everything on the next frame
    this.prev = [];
    this.out.write('\x1b[2J');
    this.emit('resize');
  };

  constructor(private readonly out: ScreenOutput) {
    super();
    out.on?.('resize', this.onResize);
  }

  get columns(): number {
    return this.out.columns ?? 80;
  }

  get rows(): number {
    return this.out.rows ?? 24;
  }

  /** Ink's own output (debug mode, an empty tree): nothing to draw. */
  write = (_data: string): boolean => true;

  /** A whole frame as composed lines, styled by the theme's roles. */
  writeLines(lines: readonly Line[], theme: Theme): void {
    if (this.closed) return;
    this.schedule({ lines, theme });
  }

  private schedule(frame: NonNullable<ScreenWriter['pending']>): void {
    this.pending = frame;
    if (!this.scheduled) {
      this.scheduled = true;
      // coalesce several React commits in one turn into one terminal write
      setImmediate(() => this.flush());
    }
  }

  /** Writes the pending frame now (tests call it; otherwise it runs once per event-loop turn). */
  flush(): void {
    this.scheduled = false;
    if (this.pending === null || this.closed) return;
    const p = this.pending;
    this.pending = null;
    const rows = p.lines.map((l) => this.rowOfLine(l, p.theme));
    const text = this.diff(rows);
    if (text) {
      const data = `\x1b[?2026h${text}\x1b[0m\x1b[?2026l`;
      this.bytes += Buffer.byteLength(data);
      this.out.write(data);
    }
  }

  /** Stops writing (before the terminal is restored). */
  close(): void {
    this.closed = true;
    this.out.off?.('resize', this.onResize);
  }

  private styleId(style: Style): number {
    const key = styleKey(style);
    let id = this.styleIds.get(key);
    if (id === undefined) {
      id = this.styleSgr.length;
      this.styleIds.set(key, id);
      this.styleSgr.push(sgrOf(style));
    }
    return id;
  }

  /** Segments → row; trailing unstyled blanks are dropped, so a shorter line clears its end with EL as before. */
  private rowOfLine(line: Line, theme: Theme): Row {
    if (theme !== this.segTheme) {
      this.segTheme = theme;
      this.segIds = new Map();
    }
    let text = '';
    const runs: number[] = [];
    for (const s of line) {
      if (s.text === '') continue;
      const sk = `${s.role ?? ''}|${s.bold ? 1 : 0}${s.dim ? 1 : 0}${s.inverse ? 1 : 0}`;
      let id = this.segIds.get(sk);
      if (id === undefined) {
        const st = segStyle(s, theme);
        id = st ? this.styleId({ ...PLAIN, fg: st.fg, bold: st.bold, dim: st.dim, inverse: st.inverse }) : 0;
        this.segIds.set(sk, id);
      }
      const n = codePoints(s.text);
      if (runs.length && runs[runs.length - 1] === id) runs[runs.length - 2]! += n;
      else runs.push(n, id);
      text += s.text;
    }
    // trim trailing plain spaces (the terminal's erased cells look the same)
    if (runs.length && runs[runs.length - 1] === 0) {
      let end = text.length;
      while (end > 0 && text.charCodeAt(end - 1) === 32 && runs[runs.length - 2]! > 0) {
        end--;
        runs[runs.length - 2]!--;
      }
      text = text.slice(0, end);
      if (runs[runs.length - 2] === 0) runs.length -= 2;
    }
    return { text, runs, key: `${text}\0${runs.join(',')}` };
  }

  private diff(next: Row[]): string {
    let buf = '';
    const rows = Math.max(next.length, this.prev.length);
    for (let r = 0; r < rows; r++) {
      const ra = this.prev[r] ?? EMPTY_ROW;
      const rb = next[r] ?? EMPTY_ROW;
      if (ra.key === rb.key) continue;
      const ach = Array.from(ra.text);
      const bch = Array.from(rb.text);
      const ast = styles(ra.runs, ach.length);
      const bst = styles(rb.runs, bch.length);
      const same = (k: number): boolean => {
        const a = ach[k];
        const b = bch[k];
        if (a === undefined || b === undefined) return a === b;
        return a === b && ast[k] === bst[k];
      };
      const width = Math.max(ach.length, bch.length);
      let c = 0;
      while (c < width) {
        if (same(c)) {
          c++;
          continue;
        }
        // a run of changes, extended over short gaps of unchanged cells
        let end = c + 1;
        let gap = 0;
        for (let k = end; k < width && gap <= MERGE_GAP; k++) {
          if (same(k)) gap++;
          else {
            end = k + 1;
            gap = 0;
          }
        }
        buf += `\x1b[${r + 1};${c + 1}H`;
        let cur = -1;
        for (let k = c; k < end; k++) {
          const ch = bch[k];
          if (ch === undefined) {
            // the new line is shorter: clear the rest of it
            buf += `${cur === 0 ? '' : '\x1b[0m'}\x1b[K`;
            break;
          }
          const st = bst[k]!;
          if (st !== cur) {
            buf += this.styleSgr[st]!;
            cur = st;
          }
          buf += ch;
        }
        c = end;
      }
    }
    this.prev = next;
    return buf;
  }
}

/** Runs → the style id of each cell. */
function styles(runs: number[], cells: number): Uint32Array {
  const out = new Uint32Array(cells);
  let k = 0;
  for (let i = 0; i < runs.length; i += 2) {
    out.fill(runs[i + 1]!, k, Math.min(cells, k + runs[i]!));
    k += runs[i]!;
  }
  return out;
}
