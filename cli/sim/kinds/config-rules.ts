import { z } from 'zod';
import type { SimCallContext } from '../context.js';
import { SimApiError } from '../errors.js';
import { defineKind, regionSlot, type SimFragment, type SimInput } from '../kind.js';
import { paginate } from '../paging.js';
import { isoDate } from './schema-parts.js';

/** AWS Config: the rules known in a region, the evaluations stored by PutEvaluations, configuration history. */

const evaluationSchema = z
  .object({
    ConfigRuleName: z.string(),
    ResourceType: z.string(),
    ResourceId: z.string(),
    ComplianceType: z.enum(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
    Annotation: z.string().optional(),
    OrderingTimestamp: isoDate,
    ResultRecordedTime: isoDate,
  })
  .strict();

const sourceSchema = z
  .object({
    Owner: z.enum(['AWS', 'CUSTOM_LAMBDA', 'CUSTOM_POLICY']),
    SourceIdentifier: z.string().min(1).max(256),
  })
  .strict();

/** A rule's source as DescribeConfigRules returns it. */
export type SimRuleSource = z.output<typeof sourceSchema>;

/** One stored evaluation (PutEvaluations), read back by GetComplianceDetailsByConfigRule. */
export type SimEvaluation = z.output<typeof evaluationSchema>;

const slot = regionSlot({
  config: z
    .object({
      /** Rule names known to exist (besides those with evaluations). */
      rules: z.array(z.string()).default(() => []),
      /** The source of a rule (DescribeConfigRules), by name; a rule placed without one has none. */
      sources: z.record(z.string(), sourceSchema).default(() => ({})),
      evaluations: z.array(evaluationSchema).default(() => []),
      /** GetResourceConfigHistory's `configurationItems` (SDK ConfigurationItem shape). */
      configurationItems: z.array(z.record(z.string(), z.unknown())).default(() => []),
    })
    .strict()
    .default(() => ({ rules: [], sources: {}, evaluations: [], configurationItems: [] })),
});

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

function putEvaluations(ctx: SimCallContext, input: SimInput) {
  const rule = ruleOfToken(input.ResultToken);
  const evaluations = (input.Evaluations ?? []) as SimInput[];
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
  const config = slot.in(ctx, true).config;
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
    config.evaluations = config.evaluations.filter(
      (x) =>
        !(
          x.ConfigRuleName === rule &&
          x.ResourceType === stored.ResourceType &&
          x.ResourceId === stored.ResourceId
        ),
    );
    config.evaluations.push(stored);
  }
  return { FailedEvaluations: [] };
}

function getComplianceDetailsByConfigRule(ctx: SimCallContext, input: SimInput) {
  const config = slot.in(ctx).config;
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

function getResourceConfigHistory(ctx: SimCallContext, input: SimInput) {
  const items = slot
    .in(ctx)
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

function startConfigRulesEvaluation(ctx: SimCallContext, input: SimInput) {
  const config = slot.in(ctx).config;
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

function describeConfigRules(ctx: SimCallContext, input: SimInput) {
  const config = slot.in(ctx).config;
  const known = [...new Set([...config.rules, ...config.evaluations.map((e) => e.ConfigRuleName)])];
  const names = (input.ConfigRuleNames ?? known) as string[];
  for (const name of names) {
    if (!known.includes(name)) {
      throw new SimApiError(
        'NoSuchConfigRuleException',
        `The ConfigRule '${name}' provided in the request is invalid.`,
      );
    }
  }
  const rules = names.map((name) => ({
    ConfigRuleName: name,
    ConfigRuleArn: `arn:aws:config:${ctx.region}:${ctx.account}:config-rule/config-rule-${name.length}`,
    ...(config.sources[name] ? { Source: config.sources[name] } : {}),
    ConfigRuleState: 'ACTIVE',
  }));
  const { page, next } = paginate(rules, 25, input.NextToken, 25, 'InvalidNextTokenException');
  return { ConfigRules: page, ...(next ? { NextToken: next } : {}) };
}

/**
 * A Config rule known in the region it is placed in (evaluated or not), with its source when given
 * (DescribeConfigRules returns it; without one, the rule has no `Source`).
 *
 * @example
 * ```ts
 * configRule('OrgConfigRule-restricted-ssh-a1b2c3d4', { Owner: 'AWS', SourceIdentifier: 'INCOMING_SSH_DISABLED' });
 * ```
 */
export function configRule(name: string, source?: SimRuleSource): SimFragment {
  return slot.fragment((view) => {
    view.config.rules.push(name);
    if (source) view.config.sources[name] = source;
  });
}

/** The Config kind. */
export const configRules = defineKind('AWS Config rules and evaluations', slot, {
  apis: {
    config: {
      StartConfigRulesEvaluation: startConfigRulesEvaluation,
      DescribeConfigRules: describeConfigRules,
      PutEvaluations: putEvaluations,
      GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
      GetResourceConfigHistory: getResourceConfigHistory,
    },
  },
  resourceId: (_api, input) => (input.ResultToken ? ruleOfToken(input.ResultToken) : ''),
  summarize: ({ config }) => {
    const evaluations = config.evaluations;
    if (!evaluations.length && !config.rules.length) return [];
    const non = evaluations.filter((e) => e.ComplianceType === 'NON_COMPLIANT').length;
    return [
      {
        kind: 'config',
        id: `${new Set([...config.rules, ...evaluations.map((e) => e.ConfigRuleName)]).size} rule(s)`,
        detail: `${evaluations.length} evaluation(s), ${non} NON_COMPLIANT`,
      },
    ];
  },
  sample: () => [configRule('restricted-ssh')],
});
