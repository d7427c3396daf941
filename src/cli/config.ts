// `tradetui config check`: validates the configuration and prints the effective config, secrets masked.
import type { CommandModule } from 'yargs';
import { stringify } from 'yaml';
import { maskSecrets } from '../config/load.js';
import { createContext, output, type GlobalArgs } from './context.js';

export const configCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'config <action>',
  describe: 'Check the configuration and print the effective values (secrets masked)',
  builder: (y) =>
    y
      .positional('action', { choices: ['check'] as const, describe: 'check: validate and print the effective config' })
      .example('$0 config check', 'validate ~/.config/tradetui/config.yaml (or defaults) and print it')
      .example('$0 config check --config ./my.yaml --json', 'validate a file, print JSON') as never,
  handler: (args) => {
    const ctx = createContext(args);
    const effective = maskSecrets({ ...ctx.config, dataDir: ctx.dataDir });
    output(ctx, { source: ctx.source, config: effective }, () => `# config: ${ctx.source} (valid)\n${stringify(effective).trimEnd()}`);
  },
};
