// Every yargs command module, in the order --help lists them.
import type { CommandModule } from 'yargs';
import { backtestCommand } from './backtest.js';
import { dataCommand } from './data.js';
import { runCommand } from './run.js';
import { configCommand } from './config.js';
import { strategiesCommand } from './strategies.js';
import { riskCommand } from './risk.js';
import { attachCommand, statusCommand, stopCommand } from './engine.js';
import { optimizeCommand } from './optimize.js';
import { mlCommand } from './ml.js';
import { balanceCommand, ordersCommand, reconcileCommand } from './live.js';
import { backupCommand } from './backup.js';
import { accountsCommand } from './accounts.js';
import { slippageCommand } from './slippage.js';

// Each command has its own argument type; yargs takes them as one list.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const commands: CommandModule<any, any>[] = [runCommand, backtestCommand, dataCommand, configCommand, strategiesCommand, riskCommand, attachCommand, statusCommand, stopCommand, optimizeCommand, mlCommand, balanceCommand, ordersCommand, reconcileCommand, slippageCommand, backupCommand, accountsCommand];
