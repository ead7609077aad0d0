import { createEvaluatorHandler } from '../../shared/config-rule-evaluator.js';
import { evaluateSecurityGroups } from './evaluate.js';

export const handler = createEvaluatorHandler(evaluateSecurityGroups);
