import { describe, expect, it } from 'vitest';
import { esc, splitHtml, stripHtml } from '../../../src/adapters/notify/telegram/html.js';

describe('telegram html', () => {
  it('escapes the three characters HTML parse mode needs', () => {
    expect(esc('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
    expect(stripHtml(`<b>${esc('x<y & z')}</b>`)).toBe('x<y & z');
  });

  it('leaves a message within the limit whole', () => {
    expect(splitHtml('<b>hi</b>', 20)).toEqual(['<b>hi</b>']);
  });

  it('splits at line breaks into parts within the limit, losing nothing', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const parts = splitHtml(lines.join('\n'), 100);
    expect(parts.length).toBeGreaterThan(5);
    for (const p of parts) expect(p.length).toBeLessThanOrEqual(100);
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });

  it('closes open tags at the end of a part and reopens them in the next', () => {
    const body = Array.from({ length: 30 }, (_, i) => `row ${i}`).join('\n');
    const parts = splitHtml(`<b>title</b>\n<pre>${body}</pre>`, 80);
    expect(parts.length).toBeGreaterThan(2);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(80);
      expect(p.split('<pre>').length).toBe(p.split('</pre>').length);
    }
    expect(parts[1]!.startsWith('<pre>')).toBe(true);
    expect(parts.map(stripHtml).join('\n')).toBe(`title\n${body}`);
  });

  it('never cuts an entity when a long line must be cut anywhere', () => {
    const text = esc('<&>'.repeat(200));
    const parts = splitHtml(text, 50);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(50);
      expect(p).not.toMatch(/&[a-z]*$/);
      expect(p).not.toMatch(/^[a-z]*;/);
    }
    expect(parts.map(stripHtml).join('')).toBe('<&>'.repeat(200));
  });

  it('refuses a limit too small to hold any unit', () => {
    expect(() => splitHtml('<b>' + 'x'.repeat(10) + '</b>', 5)).toThrow(/too small/);
  });
});
