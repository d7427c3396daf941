// Telegram HTML parse mode: escaping, and splitting long messages at the 4096-character limit without
// breaking a tag or an entity (open tags are closed at the end of a part and reopened in the next).

export const TELEGRAM_MAX_LENGTH = 4096;

/** Escapes text for parse_mode HTML (Telegram needs exactly these three). */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The text as a reader sees it (tags removed, entities decoded). */
export function stripHtml(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

interface Token {
  /** Raw HTML of this token. */
  raw: string;
  kind: 'text' | 'open' | 'close';
  /** Tag name for open/close. */
  tag?: string;
}

const TOKEN_RE = /<\/?([a-zA-Z-]+)[^>]*>|&[#a-zA-Z0-9]+;|[^<&]+|[<&]/g;

function tokenize(html: string): Token[] {
  const out: Token[] = [];
  for (const m of html.matchAll(TOKEN_RE)) {
    const raw = m[0];
    if (m[1] !== undefined) out.push({ raw, kind: raw.startsWith('</') ? 'close' : 'open', tag: m[1].toLowerCase() });
    else out.push({ raw, kind: 'text' });
  }
  return out;
}

/**
 * Splits HTML into parts of at most `max` characters (raw length, which is never less than what Telegram
 * counts). Prefers to cut at a line break; a part ends with the tags that are open closed, and the next
 * part reopens them.
 */
export function splitHtml(html: string, max = TELEGRAM_MAX_LENGTH): string[] {
  if (html.length <= max) return [html];
  // Units that must stay whole: tags, entities, single characters (surrogate pairs kept together).
  const units: Token[] = [];
  for (const t of tokenize(html)) {
    if (t.kind === 'text' && !t.raw.startsWith('&')) for (const ch of t.raw) units.push({ raw: ch, kind: 'text' });
    else units.push(t);
  }
  const parts: string[] = [];
  let open: Token[] = [];
  let i = 0;
  while (i < units.length) {
    const prefix = open.map((t) => t.raw).join('');
    let len = prefix.length;
    let end = i;
    let lastBreak = -1;
    const stack = [...open];
    let stackAtBreak: Token[] = [];
    while (end < units.length) {
      const u = units[end]!;
      let nextStack = stack;
      if (u.kind === 'open') nextStack = [...stack, u];
      else if (u.kind === 'close') nextStack = stack.slice(0, Math.max(0, lastIndexOfTag(stack, u.tag!)));
      const closeLen = nextStack.reduce((n, t) => n + t.tag!.length + 3, 0);
      if (len + u.raw.length + closeLen > max) break;
      len += u.raw.length;
      if (nextStack !== stack) stack.splice(0, stack.length, ...nextStack);
      end++;
      if (u.raw === '\n') {
        lastBreak = end;
        stackAtBreak = [...stack];
      }
    }
    if (end === i) throw new Error(`cannot split message: max length ${max} is too small`);
    let cut = end;
    let cutStack = [...stack];
    // Cut after the last line break if it keeps the part at least half full.
    if (end < units.length && lastBreak > i && lastBreak - i > (end - i) / 2) {
      cut = lastBreak;
      cutStack = stackAtBreak;
    }
    const body = units.slice(i, cut).map((t) => t.raw).join('');
    const closeTags = [...cutStack].reverse().map((t) => `</${t.tag}>`).join('');
    parts.push((prefix + body).replace(/\n+$/, '') + closeTags);
    open = cutStack;
    i = cut;
    // A part that starts with line breaks looks odd; skip them.
    while (i < units.length && units[i]!.raw === '\n') i++;
  }
  return parts.filter((p) => stripHtml(p).trim().length > 0);
}

function lastIndexOfTag(stack: Token[], tag: string): number {
  for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.tag === tag) return k;
  return stack.length;
}
