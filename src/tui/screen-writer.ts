// The frame writer between Ink and the terminal. Ink renders in debug mode into this object (it receives the whole
// frame as one string); we diff it against the previous frame cell by cell and write only the changed runs with
// absolute cursor positions inside the alternate screen, wrapped in synchronized-output markers.
//
// Why not Ink's own log-update: ink 6.8's incremental renderer moves the cursor up one line too few when the frame
// ends with a newline (every frame shorter than the terminal), so frames drift down a row; and frames as tall as
// the terminal make it clear the whole screen each time. Absolute positioning cannot drift, and cell diffs write
// far fewer bytes than line diffs (a price tick rewrites a few cells, not the status line).
import { EventEmitter } from 'node:events';

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

interface Cell {
  ch: string;
  style: Style;
  /** Identity of the style for fast comparison. */
  key: string;
}

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

function applySgr(style: Style, params: string): Style {
  const p = params === '' ? [0] : params.split(';').map((x) => (x === '' ? 0 : Number(x)));
  const s = { ...style };
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === 0) Object.assign(s, PLAIN);
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 7) s.inverse = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if (c === 27) s.inverse = false;
    else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) s.fg = String(c);
    else if (c === 39) s.fg = '';
    else if ((c >= 40 && c <= 47) || (c >= 100 && c <= 107)) s.bg = String(c);
    else if (c === 49) s.bg = '';
    else if (c === 38 || c === 48) {
      const mode = p[i + 1];
      const n = mode === 5 ? 2 : mode === 2 ? 4 : 0;
      const v = p.slice(i, i + 1 + n).join(';');
      if (c === 38) s.fg = v;
      else s.bg = v;
      i += n;
    }
  }
  return s;
}

/** One line of styled text → cells (one per code point; all glyphs the TUI uses are one cell wide). */
export function parseLine(line: string): Cell[] {
  const cells: Cell[] = [];
  let style = PLAIN;
  let key = styleKey(style);
  // eslint-disable-next-line no-control-regex
  const re = /\x1b\[([0-9;]*)m|\x1b\][^\x07]*\x07|\x1b\[[0-9;?]*[A-Za-z]|([\s\S])/gu;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) {
    if (m[1] !== undefined) {
      style = applySgr(style, m[1]);
      key = styleKey(style);
    } else if (m[2] !== undefined) {
      cells.push({ ch: m[2], style, key });
    }
  }
  return cells;
}

export interface ScreenOutput {
  write(data: string): unknown;
  columns?: number;
  rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** Gap of unchanged cells worth rewriting rather than repositioning the cursor (a CUP costs ~8 bytes). */
const MERGE_GAP = 6;

export class ScreenWriter extends EventEmitter {
  readonly isTTY = true;
  private prev: Cell[][] = [];
  private pending: string | null = null;
  private scheduled = false;
  private closed = false;
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

  /** Ink writes whole frames here (debug mode); anything without text (erase sequences) is ignored. */
  write = (data: string): boolean => {
    if (this.closed) return true;
    // eslint-disable-next-line no-control-regex
    if (data.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/[\r\n]/g, '') === '') return true;
    this.pending = data;
    if (!this.scheduled) {
      this.scheduled = true;
      // coalesce several React commits in one turn into one terminal write
      setImmediate(() => this.flush());
    }
    return true;
  };

  /** Writes the pending frame now (tests call it; otherwise it runs once per event-loop turn). */
  flush(): void {
    this.scheduled = false;
    if (this.pending === null || this.closed) return;
    const frame = this.pending.endsWith('\n') ? this.pending.slice(0, -1) : this.pending;
    this.pending = null;
    const text = this.diff(frame.split('\n').map(parseLine));
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

  private diff(next: Cell[][]): string {
    let buf = '';
    const rows = Math.max(next.length, this.prev.length);
    for (let r = 0; r < rows; r++) {
      const a = this.prev[r] ?? [];
      const b = next[r] ?? [];
      const width = Math.max(a.length, b.length);
      let c = 0;
      while (c < width) {
        if (same(a[c], b[c])) {
          c++;
          continue;
        }
        // a run of changes, extended over short gaps of unchanged cells
        let end = c + 1;
        let gap = 0;
        for (let k = end; k < width && gap <= MERGE_GAP; k++) {
          if (same(a[k], b[k])) gap++;
          else {
            end = k + 1;
            gap = 0;
          }
        }
        buf += `\x1b[${r + 1};${c + 1}H`;
        let cur: string | null = null;
        for (let k = c; k < end; k++) {
          const cell = b[k];
          if (!cell) {
            // the new line is shorter: clear the rest of it
            buf += `${cur === styleKey(PLAIN) ? '' : '\x1b[0m'}\x1b[K`;
            cur = styleKey(PLAIN);
            break;
          }
          if (cell.key !== cur) {
            buf += sgrOf(cell.style);
            cur = cell.key;
          }
          buf += cell.ch;
        }
        c = end;
      }
    }
    this.prev = next;
    return buf;
  }
}

function same(a: Cell | undefined, b: Cell | undefined): boolean {
  if (!a || !b) return a === b;
  return a.ch === b.ch && a.key === b.key;
}
