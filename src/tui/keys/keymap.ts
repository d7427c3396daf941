// Key lookup over the bindings in force (config/keys.ts holds the table and the config's overrides). The footer (keys
// that work now), the `?` help and the `:` palette are generated from the same bindings the input handler looks keys
// up in, so a key shown is a key that works and vice versa.
import type { Key } from 'ink';

import { type ActionId, type Binding, type Scope, DEFAULT_KEYMAP } from '../../config/keys.js';

export { type ActionId, type Binding, type PaneId, type Scope, PANES, PANE_TITLES } from '../../config/keys.js';

/** The bindings in force: the defaults with the config's `tui.keys` applied (see config/keys.ts). */
export type Keymap = readonly Binding[];
export const KEYMAP: Keymap = DEFAULT_KEYMAP;

/** Normalises Ink's (input, key) to one name: 'tab', 'shift-tab', 'up', 'enter', 'escape', 'ctrl-c', or the character. */
export function keyName(input: string, key: Key): string {
  if (key.tab) return key.shift ? 'shift-tab' : 'tab';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  if (key.backspace || key.delete) return 'backspace';
  if (key.ctrl && input) return `ctrl-${input.toLowerCase()}`;
  return input;
}

/** A text field after one key: backspace drops the last character, a printable one is appended; null for any other key. */
export function typedText(text: string, name: string): string | null {
  if (name === 'backspace') return [...text].slice(0, -1).join('');
  return [...name].length === 1 && name >= ' ' ? text + name : null;
}

/** The binding for a key in the given scopes, first scope first. */
export function lookup(name: string, scopes: readonly Scope[], keymap: Keymap = KEYMAP): Binding | undefined {
  for (const scope of scopes) {
    const b = keymap.find((k) => k.scope === scope && k.keys.includes(name));
    if (b) return b;
  }
  return undefined;
}

export function displayKey(k: string, unicode = true): string {
  switch (k) {
    case 'enter':
      return 'Enter';
    case 'escape':
      return 'Esc';
    case 'tab':
      return 'Tab';
    case 'shift-tab':
      return 'S-Tab';
    case 'ctrl-c':
      return 'C-c';
    case 'up':
      return unicode ? '↑' : 'Up';
    case 'down':
      return unicode ? '↓' : 'Down';
    case 'left':
      return unicode ? '←' : 'Left';
    case 'right':
      return unicode ? '→' : 'Right';
    case 'end':
      return 'End';
    case 'pageup':
      return 'PgUp';
    case 'pagedown':
      return 'PgDn';
    case ' ':
      return 'Space';
    default:
      return k;
  }
}

export function bindingsFor(scope: Scope, keymap: Keymap = KEYMAP): Binding[] {
  return keymap.filter((b) => b.scope === scope);
}

/** Footer entries: the focused pane's keys then the global ones (or the overlay's keys only). */
export function footerBindings(scopes: readonly Scope[], readonly = false, keymap: Keymap = KEYMAP): Binding[] {
  const out: Binding[] = [];
  for (const s of scopes) for (const b of bindingsFor(s, keymap)) if (b.footer !== false && !(readonly && MUTATING.has(b.id)) && !out.some((o) => o.id === b.id)) out.push(b);
  return out;
}

/** Actions that change trading state; a read-only TUI (--readonly) refuses them and leaves them out of the footer. */
export const MUTATING: ReadonlySet<ActionId> = new Set<ActionId>(['toggle-strategy', 'add-instance', 'close-position', 'kill', 'pause', 'resume', 'speed-up', 'speed-down', 'backtest', 'cancel-order', 'replay-toggle', 'replay-step', 'replay-jump', 'clone-instance', 'reconcile-adopt', 'reconcile-ignore', 'reconcile-cancel', 'reconcile-flatten', 'reconcile-check']);
