// Renders pre-laid-out lines with the theme's colours. One <Text> per line keeps Ink's tree small.
import React from 'react';
import { Box, Text } from 'ink';
import type { Line } from './line.js';
import type { Theme } from '../theme/theme.js';

export function LineView({ line, theme }: { line: Line; theme: Theme }): React.ReactElement {
  return (
    <Text wrap="truncate">
      {line.map((s, i) =>
        s.role || s.bold || s.inverse || s.dim ? (
          <Text key={i} color={s.role ? theme.colors[s.role] : undefined} bold={s.bold} inverse={s.inverse} dimColor={s.dim && theme.color}>
            {s.text}
          </Text>
        ) : (
          s.text
        ),
      )}
    </Text>
  );
}

export function Lines({ lines, theme, width }: { lines: Line[]; theme: Theme; width?: number }): React.ReactElement {
  return (
    <Box flexDirection="column" width={width} flexShrink={0}>
      {lines.map((l, i) => (
        <LineView key={i} line={l} theme={theme} />
      ))}
    </Box>
  );
}
