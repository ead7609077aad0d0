import type { SimCallContext } from './context.js';
import { SimApiError } from './errors.js';
import { paginate } from './paging.js';
import type { SimEvaluation } from './state.js';

// biome-ignore lint/suspicious/noExplicitAny: command inputs arrive untyped from the middleware
type Input = Record<string, any>;

const COMPLIANCE = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'];

/**
 * The rule a result token stands for. In the simulated account the token is the rule name (or JSON
 * `{"configRuleName": "…"}`), which is what the harness puts in the invocation events it builds.
 */
export function ruleOfToken(token: unknown): string {
  const text = String(token ?? '');
  if (!text) throw new SimApiError('InvalidResultTokenException', 'The result token is invalid.');
  try {
    const parsed = JSON.parse(text) as { configRuleName?: unknown };
    if (typeof parsed.configRuleName === 'string') return parsed.configRuleName;
  } catch {
    // not JSON: the token is the rule name
  }
  return text;
}

function putEvaluations(ctx: SimCallContext, input: Input) {
  const rule = ruleOfToken(input.ResultToken);
  const evaluations = (input.Evaluations ?? []) as Input[];
  if (evaluations.length > 100) {
    throw new SimApiError(
      'ValidationException',
      'Member must have length less than or equal to 100 (Evaluations)',
    );
  }
  for (const e of evaluations) {
    if (!e.ComplianceResourceType || !e.ComplianceResourceId || !e.OrderingTimestamp) {
      throw new SimApiError(
        'InvalidParameterValueException',
        'Each evaluation needs ComplianceResourceType, ComplianceResourceId and OrderingTimestamp',
      );
    }
    if (!COMPLIANCE.includes(e.ComplianceType)) {
      throw new SimApiError('InvalidParameterValueException', `Invalid ComplianceType '${e.ComplianceType}'`);
    }
    if (
      e.Annotation !== undefined &&
      (String(e.Annotation).length < 1 || String(e.Annotation).length > 256)
    ) {
      throw new SimApiError('ValidationException', 'Annotation must have length between 1 and 256');
    }
  }
  if (input.TestMode) return { FailedEvaluations: [] };
  const region = ctx.region$(true);
  for (const e of evaluations) {
    const stored: SimEvaluation = {
      ConfigRuleName: rule,
      ResourceType: e.ComplianceResourceType,
      ResourceId: e.ComplianceResourceId,
      ComplianceType: e.ComplianceType,
      ...(e.Annotation !== undefined ? { Annotation: String(e.Annotation) } : {}),
      OrderingTimestamp: new Date(e.OrderingTimestamp).toISOString(),
      ResultRecordedTime: new Date(ctx.now).toISOString(),
    };
    region.config.evaluations = region.config.evaluations.filter(
      (x) =>
        !(
          x.ConfigRuleName === rule &&
          x.ResourceType === stored.ResourceType &&
          x.ResourceId === stored.ResourceId
        ),
    );
    region.config.evaluations.push(stored);
  }
  return { FailedEvaluations: [] };
}

function getComplianceDetailsByConfigRule(ctx: SimCallContext, input: Input) {
  const config = ctx.region$().config;
  const rule = String(input.ConfigRuleName ?? '');
  const known = config.rules.includes(rule) || config.evaluations.some((e) => e.ConfigRuleName === rule);
  if (!known) {
    throw new SimApiError(
      'NoSuchConfigRuleException',
      `The ConfigRule '${rule}' provided in the request is invalid.`,
    );
  }
  const types = (input.ComplianceTypes ?? []) as string[];
  const results = config.evaluations
    .filter((e) => e.ConfigRuleName === rule && (!types.length || types.includes(e.ComplianceType)))
    .map((e) => ({
      EvaluationResultIdentifier: {
        EvaluationResultQualifier: {
          ConfigRuleName: rule,
          ResourceType: e.ResourceType,
          ResourceId: e.ResourceId,
        },
        OrderingTimestamp: new Date(e.OrderingTimestamp),
      },
      ComplianceType: e.ComplianceType,
      ResultRecordedTime: new Date(e.ResultRecordedTime),
      ConfigRuleInvokedTime: new Date(e.ResultRecordedTime),
      ...(e.Annotation !== undefined ? { Annotation: e.Annotation } : {}),
    }));
  const { page, next } = paginate(results, input.Limit, input.NextToken, 100, 'InvalidNextTokenException');
  return { EvaluationResults: page, ...(next ? { NextToken: next } : {}) };
}

const TIME_FIELDS = ['configurationItemCaptureTime', 'resourceCreationTime'];

function getResourceConfigHistory(ctx: SimCallContext, input: Input) {
  const items = ctx
    .region$()
    .config.configurationItems.filter(
      (i) => i.resourceType === input.resourceType && i.resourceId === input.resourceId,
    );
  if (!items.length) {
    throw new SimApiError(
      'ResourceNotDiscoveredException',
      `Resource ${input.resourceId} of resourceType:${input.resourceType} is unknown or has not been discovered`,
    );
  }
  const time = (i: Record<string, unknown>) => Date.parse(String(i.configurationItemCaptureTime ?? 0));
  const later = input.laterTime ? new Date(input.laterTime).getTime() : Number.POSITIVE_INFINITY;
  const earlier = input.earlierTime ? new Date(input.earlierTime).getTime() : Number.NEGATIVE_INFINITY;
  const selected = items
    .filter((i) => time(i) <= later && time(i) >= earlier)
    .sort((a, b) => (input.chronologicalOrder === 'Forward' ? time(a) - time(b) : time(b) - time(a)));
  const { page, next } = paginate(selected, input.limit, input.nextToken, 10, 'InvalidNextTokenException');
  return {
    configurationItems: page.map((i) => {
      const out: Record<string, unknown> = structuredClone(i);
      for (const f of TIME_FIELDS) if (out[f] !== undefined) out[f] = new Date(out[f] as string);
      return out;
    }),
    ...(next ? { nextToken: next } : {}),
  };
}

function startConfigRulesEvaluation(ctx: SimCallContext, input: Input) {
  const config = ctx.region$().config;
  for (const rule of (input.ConfigRuleNames ?? []) as string[]) {
    if (!config.rules.includes(rule) && !config.evaluations.some((e) => e.ConfigRuleName === rule)) {
      throw new SimApiError(
        'NoSuchConfigRuleException',
        `The ConfigRule '${rule}' provided in the request is invalid.`,
      );
    }
  }
  // the simulated account has no rule to run: the request is accepted and recorded
  return {};
}

/** The simulated AWS Config APIs, by API name. */
export const CONFIG_APIS: Record<string, (ctx: SimCallContext, input: Input) => unknown> = {
  StartConfigRulesEvaluation: startConfigRulesEvaluation,
  PutEvaluations: putEvaluations,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
  GetResourceConfigHistory: getResourceConfigHistory,
};
