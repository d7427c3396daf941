// The `tui:` section of the config: frame rate, ASCII drawing, key bindings (action → keys, checked against the
// keymap: unknown action, bad key name or a clashing key is an error at `tui.keys.ACTION`) and theme colours by
// role. The colour roles and names live here so the schema can check them without importing the TUI.
import { z } from 'zod';
import { keyOverrideIssues } from './keys.js';

export const COLOR_NAMES = ['green', 'red', 'yellow', 'cyan', 'magenta', 'blue', 'gray', 'white'] as const;
export type ColorName = (typeof COLOR_NAMES)[number];
/** Semantic colour roles; panes name roles, never colours. */
export const ROLES = ['up', 'down', 'accent', 'muted', 'info', 'warn', 'error', 'critical', 'focus', 'live', 'ov1', 'ov2', 'ov3', 'ov4'] as const;
export type Role = (typeof ROLES)[number];

const keyList = z.union([z.string(), z.array(z.string()).min(1)]);

export const tuiSchema = z
  .object({
    /** Frames per second at most; lower is quieter over slow links. */
    maxFps: z.number().int().min(1).max(30).default(4),
    /** Force ASCII drawing (also automatic when the locale is not UTF-8). */
    ascii: z.boolean().default(false),
    /** Mouse: click to focus a pane and select a row, wheel to scroll (the terminal's own text selection then needs Shift). */
    mouse: z.boolean().default(false),
    /** Key bindings: an action's keys everywhere it is bound, e.g. { close-position: X, palette: [":", ";"] }. */
    keys: z
      .record(z.string(), keyList)
      .default({})
      .superRefine((keys, ctx) => {
        for (const i of keyOverrideIssues(keys)) ctx.addIssue({ code: 'custom', path: i.path, message: i.message });
      }),
    /** Colours by role, e.g. { up: blue, down: yellow } for red-green colour blindness; "none" draws the role plain. NO_COLOR still wins. */
    theme: z.partialRecord(z.enum(ROLES), z.enum([...COLOR_NAMES, 'none'])).default({}),
  })
  .strict()
  .prefault({});

export type TuiConfig = z.infer<typeof tuiSchema>;
