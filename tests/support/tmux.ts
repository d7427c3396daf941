// tmux for the terminal end-to-end tests: whether it is installed, and a runner on a private server (its own
// socket), so the tests neither see nor disturb anyone else's sessions.
import { execFileSync, spawnSync } from 'node:child_process';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Runs `tmux ARGS` on the server named `socket`; '' when tmux fails (a session already gone, no server yet). */
export function tmuxOn(socket: string): (...args: string[]) => string {
  return (...args) => {
    try {
      return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      return '';
    }
  };
}
