// Pane frames drawn as text: a border with the pane number and title in the top edge, the focused pane marked by a
// glyph and bold (not colour alone).
import type { Theme } from '../theme/theme.js';
import { type Line, block, fit, seg, textWidth } from './line.js';

export function frame(opts: { title: string; focused: boolean; width: number; height: number; theme: Theme; body: Line[]; right?: string }): Line[] {
  const { width, height, theme, focused } = opts;
  const b = theme.g.box;
  const role = focused ? 'focus' : 'muted';
  const innerW = Math.max(0, width - 2);
  const title = focused ? ` ${theme.g.focus} ${opts.title} ` : ` ${opts.title} `;
  const right = opts.right ? ` ${opts.right} ` : '';
  const fill = Math.max(0, innerW - 1 - textWidth(title) - textWidth(right));
  const top: Line = fit(
    [seg(b.tl + b.h, role), seg(title, focused ? 'focus' : undefined, { bold: focused }), seg(b.h.repeat(fill), role), seg(right, 'muted'), seg(b.tr, role)],
    width,
  );
  const out: Line[] = [top];
  const inner = block(opts.body, innerW, Math.max(0, height - 2));
  for (const l of inner) out.push([seg(b.v, role), ...l, seg(b.v, role)]);
  out.push([seg(b.bl + b.h.repeat(innerW) + b.br, role)]);
  return out.slice(0, height);
}
