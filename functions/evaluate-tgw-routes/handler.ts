import { createEvaluatorHandler } from '../../shared/config-rule-evaluator.js';
import { evaluateTgwRoutes } from './evaluate.js';

export const handler = createEvaluatorHandler(evaluateTgwRoutes);
