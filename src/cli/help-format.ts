// `--help` examples a trader can copy: yargs lays examples out as a two-column table and squeezes a long command
// into half the width, breaking it mid-word. Here each example becomes a shell comment (its description) over the
// whole command, broken only between words with a ` \` continuation so the lines paste into a shell as one command.

/** The example as lines that fit `width` (yargs indents them by 2 and keeps 2 on the right). */
export function copyableExample(cmd: string, description: string, width: number | null): string {
  const room = width === null ? Infinity : Math.max(20, width - 4);
  // the description as comment lines, each starting with "#", so a pasted block runs only the command
  const lines = fill(description.split(/\s+/).filter(Boolean), room, '# ', '# ', '');
  // the command broken between words; every line but the last ends with " \" (yargs trims a line's indent)
  lines.push(...fill(flagUnits(cmd), room, '', '', ' \\'));
  return lines.join('\n');
}

/** A command's words, each flag kept with its value ("--from 2024-01-01") so lines break between options. */
function flagUnits(cmd: string): string[] {
  const words = cmd.replace(/\$0/g, 'tradetui').split(/\s+/).filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const next = words[i + 1];
    if (w.startsWith('--') && !w.includes('=') && next !== undefined && !next.startsWith('-')) {
      out.push(`${w} ${next}`);
      i++;
    } else out.push(w);
  }
  return out;
}

/** Words into lines of at most `room` characters with a first-line and later-line prefix and a line-end mark. */
function fill(words: readonly string[], room: number, first: string, next: string, end: string): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    const prefix = out.length === 0 ? first : next;
    if (line && (prefix + line).length + 1 + word.length + end.length > room) {
      out.push(prefix + line + end);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) out.push((out.length === 0 ? first : next) + line);
  return out;
}

/**
 * An epilogue with examples written by hand ("  # what", "  tradetui … \\" continued): the same reflow, so its
 * commands stay whole at any width; other lines are left to yargs, which wraps them between words.
 */
export function copyableEpilogue(text: string, width: number | null): string {
  const room = width === null ? Infinity : Math.max(20, width - 2);
  const out: string[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const indent = /^\s*/.exec(line)![0];
    const body = line.trim();
    if (body.startsWith('# ')) out.push(...fill(body.slice(2).split(/\s+/), room - indent.length, `${indent}# `, `${indent}# `, ''));
    else if (/^(tradetui|\$0) /.test(body)) {
      let cmd = body;
      while (cmd.endsWith('\\') && i + 1 < lines.length) cmd = `${cmd.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
      out.push(...fill(flagUnits(cmd), room - indent.length, indent, indent, ' \\'));
    } else out.push(line);
  }
  return out.join('\n');
}

interface Examples {
  example(cmd: string | [string, string?][], description?: string): unknown;
  epilogue(text: string): unknown;
}

/**
 * Makes every `.example()` of this yargs instance (its command builders share the instance) print as a copyable
 * comment + command block instead of yargs' two-column table, and reflows the examples of every `.epilogue()`.
 */
export function copyableExamples<T extends Examples>(y: T, width: number | null): T {
  const original = y.example.bind(y);
  let shown = 0;
  const example = (cmd: string | [string, string?][], description?: string): unknown => {
    if (Array.isArray(cmd)) {
      for (const [c, d] of cmd) example(c, d);
      return y;
    }
    // a blank row between examples; one yargs row per line (the lines already fit, so yargs wraps none)
    if (shown++ > 0) original('', '');
    for (const line of copyableExample(cmd, description ?? '', width).split('\n')) original(line, '');
    return y;
  };
  y.example = example;
  const epilogue = y.epilogue.bind(y);
  y.epilogue = (text: string): unknown => {
    epilogue(copyableEpilogue(text, width));
    return y;
  };
  return y;
}
