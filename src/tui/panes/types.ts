// What every pane renderer receives: the view, UI state, theme and its inner size. Renderers are pure.
import type { TuiApi } from '../../engine/viewer-api.js';
import type { UiState } from '../store/ui-state.js';
import type { ViewSnapshot } from '../store/view-store.js';
import type { Theme } from '../theme/theme.js';

export interface PaneProps {
  api: TuiApi;
  view: ViewSnapshot;
  ui: UiState;
  theme: Theme;
  width: number;
  height: number;
  focused: boolean;
}
