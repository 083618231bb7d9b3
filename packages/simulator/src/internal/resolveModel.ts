import { InvalidOptionsError } from '../errors.js';
import { momentumModel } from '../models/momentum.js';
import type { PriceModel } from '../models/PriceModel.js';
import { stochasticVolatilityModel } from '../models/stochasticVolatility.js';

/** The names `simulateTrades({ model })` accepts. @internal */
export const MODEL_NAMES = ['momentum', 'stochastic-volatility'] as const;

/** A model name or object → the model. @internal */
export function resolveModel(model: string | PriceModel | undefined): PriceModel {
  if (model === undefined || model === 'momentum') return momentumModel();
  if (model === 'stochastic-volatility') return stochasticVolatilityModel();
  if (typeof model === 'object' && model !== null && typeof model.start === 'function')
    return model;
  throw new InvalidOptionsError(
    'model',
    `must be ${MODEL_NAMES.map((name) => `'${name}'`).join(' or ')} or a PriceModel, got ${String(model)}`,
  );
}
