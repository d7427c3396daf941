/**
 * ml-ensemble — trades an ensemble of classifiers (`tradetui ml train --model ensemble --members ID,ID,…`):
 * the members' P(down), P(flat), P(up) averaged with the weights the ensemble learned on validation candles.
 *
 * Logic (as ml-classifier): flat: enter long when P(up) >= `enter` and P(up) > P(down); enter short instead
 * (only with `short`) when P(down) >= `enter` and P(down) > P(up). Long: exit when P(down) >= `exit`. Short:
 * exit when P(up) >= `exit`.
 *
 * Parameters: model (an ensemble id; default: the shipped one, mlp + gbt on BTC/USDT 1h), enter (0.34..0.99,
 * 0.45), exit (0.34..0.99, 0.45), short (false). Warm-up: the longest member's lookback plus its features'
 * warm-up. Members are loaded in prepare(); paper and live predict only the newest window of each member.
 */
import { defineStrategy, type Strategy } from '../src/strategy/contract.js';
import { modelParam } from '../src/ml/model-ids.js';
import { type ProbabilityParams, modelWarmup, prepareWithModel, probabilityDecide, probabilityThresholdParams, unprepared } from '../src/ml/strategy.js';

/** Shipped in models/: the shipped mlp and gbt classifiers, weighted on their shared validation span. */
export const SHIPPED_ENSEMBLE = 'ensemble-btcusdt-1h-shipped';

type MlEnsembleParams = ProbabilityParams;

const mlEnsemble: Strategy<MlEnsembleParams> = defineStrategy<MlEnsembleParams>({
  name: 'ml-ensemble',
  description: "Trades an ensemble of classifiers: long when the weighted P(up) clears the entry threshold, out when P(down) clears the exit one.",
  timeframe: '1h',
  params: [
    modelParam('ensemble', SHIPPED_ENSEMBLE),
    ...probabilityThresholdParams('ensemble '),
  ],
  warmup: (p) => modelWarmup(p.model),
  compute: () => unprepared('ml-ensemble'),
  prepare(params, env) {
    return prepareWithModel(mlEnsemble, params, env, 'ensemble');
  },
  decide: probabilityDecide,
});

export default mlEnsemble;
