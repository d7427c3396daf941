// Optional mouse input (tui.mouse / --mouse): the terminal is asked for SGR mouse reports (?1000h ?1006h: presses,
// releases and the wheel, with decimal coordinates), and the reports are taken out of stdin before Ink parses keys,
// so a click or a wheel turn can never be read as typed characters. Ink 6 has no mouse support of its own.

/** Turns mouse reporting on (button presses and the wheel, SGR encoding) and off again. */
export const MOUSE_ON = '\x1b[?1000h\x1b[?1006h';
export const MOUSE_OFF = '\x1b[?1006l\x1b[?1000l';

export interface MouseEvent {
  kind: 'press' | 'release' | 'wheel-up' | 'wheel-down';
  /** 0 left, 1 middle, 2 right (presses and releases). */
  button: number;
  /** Cell column and row, 0-based from the top-left corner. */
  x: number;
  y: number;
}

// ESC [ < button ; column ; row (M press, m release); column and row count from 1
// eslint-disable-next-line no-control-regex -- the escape character is what is parsed
const SGR = /\x1b\[<(\d+);(\d+);(\d+)([Mm])/g;
/** A report cut at the end of a read (the rest comes with the next chunk). */
// eslint-disable-next-line no-control-regex -- the escape character is what is parsed
const PARTIAL = /\x1b\[<[\d;]*$/;

function toEvent(code: number, col: number, row: number, final: string): MouseEvent | null {
  const x = col - 1;
  const y = row - 1;
  // bits 4, 8, 16: shift, meta, ctrl; 32: motion (not asked for, ignored if a terminal sends it anyway)
  if (code & 32) return null;
  const base = code & ~(4 | 8 | 16);
  if (base === 64) return { kind: 'wheel-up', button: 0, x, y };
  if (base === 65) return { kind: 'wheel-down', button: 0, x, y };
  if (base > 3) return null;
  return { kind: final === 'M' ? 'press' : 'release', button: base, x, y };
}

/**
 * Takes the SGR mouse reports out of `text`: what is left for key handling, the events, and a report cut at the end
 * (kept until the next chunk completes it).
 */
export function splitMouse(text: string): { keys: string; events: MouseEvent[]; partial: string } {
  const events: MouseEvent[] = [];
  let keys = text.replace(SGR, (_m, b: string, c: string, r: string, f: string) => {
    const e = toEvent(Number(b), Number(c), Number(r), f);
    if (e) events.push(e);
    return '';
  });
  const cut = PARTIAL.exec(keys);
  const partial = cut ? cut[0] : '';
  if (partial) keys = keys.slice(0, keys.length - partial.length);
  return { keys, events, partial };
}

/** Where mouse events go; the App listens while it is mounted. */
export class MouseInput {
  private readonly listeners = new Set<(e: MouseEvent) => void>();

  on(listener: (e: MouseEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(e: MouseEvent): void {
    for (const l of this.listeners) l(e);
  }

  /**
   * Filters `stdin` as Ink reads it (Ink pulls chunks with read() on 'readable'): each chunk loses its mouse reports,
   * which go to the listeners; a chunk that was only reports is skipped, not handed on empty. Returns the undo.
   */
  attach(stdin: { read: (size?: number) => unknown }): () => void {
    const original = stdin.read;
    let held = '';
    const filtered = (size?: number): unknown => {
      for (;;) {
        const chunk = original.call(stdin, size) as string | Buffer | null;
        if (chunk === null) return null;
        const text = held + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        const { keys, events, partial } = splitMouse(text);
        held = partial;
        for (const e of events) this.emit(e);
        if (keys !== '') return typeof chunk === 'string' ? keys : Buffer.from(keys, 'utf8');
      }
    };
    stdin.read = filtered;
    return () => {
      if (stdin.read === filtered) stdin.read = original;
    };
  }
}
