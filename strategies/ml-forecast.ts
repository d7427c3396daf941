/**
 * ml-forecast — trades a trained return forecaster (`tradetui ml train --model lstm-forecast|gru-forecast|transformer`).
 *
 * Logic: at closed candle i the model forecasts the log return over its label horizon. Flat: enter long when
 * the forecast >= `enter`; enter short (only with `short`) when it is <= -`enter`. Long: exit when the
 * forecast <= -`exit`. Short: exit when it is >= `exit`.
 *
 * Parameters: model (a forecaster id; default: the shipped one), enter (0..0.1, 0.002 = 0.2%), exit (0..0.1,
 * 0.0005), short (false). Warm-up: the model's lookback plus its features' warm-up.
 */
import { defineStrategy, type Strategy } from '../src/strategy/contract.js';
import { modelParam } from '../src/ml/model-ids.js';
import { modelWarmup, prepareWithModel, unprepared } from '../src/ml/strategy.js';
import { explains } from '../src/strategy/format.js';

export const SHIPPED_FORECASTER = 'gru-forecast-btcusdt-1h-shipped';

type MlForecastParams = { model: string; enter: number; exit: number; short: boolean };

const pct = (r: number): string => `${(r * 100).toFixed(2)}%`;

const mlForecast: Strategy<MlForecastParams> = defineStrategy<MlForecastParams>({
  name: 'ml-forecast',
  description: 'Trades a trained return forecaster: long when the forecast return clears the entry threshold, out when it turns negative enough.',
  timeframe: '1h',
  params: [
    modelParam('forecast', SHIPPED_FORECASTER),
    { name: 'enter', type: 'float', default: 0.002, min: 0, max: 0.1, step: 0.0005, description: 'forecast log return needed to enter (0.002 = 0.2%)' },
    { name: 'exit', type: 'float', default: 0.0005, min: 0, max: 0.1, step: 0.0005, description: 'adverse forecast return that closes the position' },
    { name: 'short', type: 'bool', default: false, description: 'enter short when the forecast is below -enter' },
  ],
  warmup: (p) => modelWarmup(p.model),
  compute: () => unprepared('ml-forecast'),
  prepare(params, env) {
    return prepareWithModel(mlForecast, params, env, 'forecast');
  },
  decide(i, input, position) {
    const { ind, params } = input;
    const f = ind.forecast![i]!;
    if (Number.isNaN(f)) return null;
    // The text is made only for a decision, not on every candle.
    const action =
      position === 'long' ? (f <= -params.exit ? 'exit' : null)
      : position === 'short' ? (f >= params.exit ? 'exit' : null)
      : f >= params.enter ? 'enter-long'
      : params.short && f <= -params.enter ? 'enter-short'
      : null;
    if (action === null) return null;
    return { action, reason: explains(input) ? `${params.model}: forecast ${pct(f)}` : '' };
  },
});

export default mlForecast;
