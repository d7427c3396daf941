/**
 * ml-classifier — trades a trained up/down/flat classifier (`tradetui ml train --model mlp|lstm|gru|cnn-lstm`).
 *
 * Logic: at closed candle i the model reads the window of features ending at i and gives P(down), P(flat),
 * P(up). Flat: enter long when P(up) >= `enter` and P(up) > P(down); enter short instead (only with
 * `short`) when P(down) >= `enter` and P(down) > P(up). Long: exit when P(down) >= `exit`. Short: exit when
 * P(up) >= `exit`.
 *
 * Parameters: model (a classifier id from `tradetui ml list`; default: the shipped model), enter (0.34..0.99,
 * 0.45), exit (0.34..0.99, 0.45), short (false). Warm-up: the model's lookback plus its features' warm-up.
 * The model is loaded in prepare(); paper and live predict only the newest window on each candle.
 */
import { defineStrategy, type Strategy } from '../src/strategy/contract.js';
import { modelParam } from '../src/ml/model-ids.js';
import { type ProbabilityParams, modelWarmup, prepareWithModel, probabilityDecide, probabilityThresholdParams, unprepared } from '../src/ml/strategy.js';

/** The small model shipped in models/ (trained on the shipped BTC/USDT 1h candles). */
export const SHIPPED_CLASSIFIER = 'mlp-btcusdt-1h-shipped';

type MlClassifierParams = ProbabilityParams;

const mlClassifier: Strategy<MlClassifierParams> = defineStrategy<MlClassifierParams>({
  name: 'ml-classifier',
  description: 'Trades a trained up/down classifier: long when P(up) clears the entry threshold, out when P(down) clears the exit one.',
  timeframe: '1h',
  params: [
    modelParam('classify', SHIPPED_CLASSIFIER),
    ...probabilityThresholdParams(''),
  ],
  warmup: (p) => modelWarmup(p.model),
  compute: () => unprepared('ml-classifier'),
  prepare(params, env) {
    return prepareWithModel(mlClassifier, params, env, 'classify');
  },
  decide: probabilityDecide,
});

export default mlClassifier;
