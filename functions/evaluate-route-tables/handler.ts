import { createEvaluatorHandler } from '../../shared/config-rule-evaluator.js';
import { evaluateRouteTables } from './evaluate.js';

export const handler = createEvaluatorHandler(evaluateRouteTables);
